package membership

import "sync"

// EventKind says what happened to a member.
type EventKind int

// Event kinds. EventChanged carries no Member: it replaces events a slow
// subscriber did not take in time, and means "re-read Members".
const (
	EventJoin EventKind = iota + 1
	EventLeave
	EventUpdate
	EventChanged
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventJoin:
		return "join"
	case EventLeave:
		return "leave"
	case EventUpdate:
		return "update"
	case EventChanged:
		return "changed"
	}
	return "unknown"
}

// Event is one membership change as seen by this node.
type Event struct {
	Kind   EventKind
	Member Member
}

// maxQueued is how many undelivered events a subscriber may lag behind
// before they are coalesced into one EventChanged.
const maxQueued = 64

// subscriber buffers events for one Subscribe caller; publish never
// blocks, and a pump goroutine delivers the queue in order.
type subscriber struct {
	ch   chan Event
	wake chan struct{}
	done chan struct{}
	once sync.Once

	mu    sync.Mutex
	queue []Event
}

func newSubscriber() *subscriber {
	return &subscriber{
		ch:   make(chan Event),
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
}

// publish queues ev without blocking; an overlong queue collapses into a
// single EventChanged.
func (s *subscriber) publish(ev Event) {
	s.mu.Lock()
	if len(s.queue) >= maxQueued {
		s.queue = append(s.queue[:0], Event{Kind: EventChanged})
	} else {
		s.queue = append(s.queue, ev)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// stop makes pump return; safe to call more than once.
func (s *subscriber) stop() {
	s.once.Do(func() { close(s.done) })
}

// take removes and returns every queued event.
func (s *subscriber) take() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// pump delivers queued events to ch until stop, then closes ch.
func (s *subscriber) pump() {
	defer close(s.ch)
	for {
		for _, ev := range s.take() {
			select {
			case s.ch <- ev:
			case <-s.done:
				return
			}
		}
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
	}
}
