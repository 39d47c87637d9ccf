package netfault

import (
	"sync"
	"sync/atomic"
	"time"
)

// Link is a directed link between two nodes, numbered from 1: the traffic
// node From sends to node To.
type Link struct{ From, To int }

// Fault is the state of one link. The zero Fault is a healthy link.
type Fault struct {
	// Blocked cuts the link. TCP: live connections are closed both ways at
	// once, and new connections are accepted but never forwarded: they are
	// held open and silent until the block is lifted, then closed. UDP:
	// every packet is dropped.
	Blocked bool
	// Delay is the one-way latency added to every chunk (TCP) or packet
	// (UDP). Order is preserved per connection.
	Delay time.Duration
	// Jitter adds a uniform extra latency in [0, Jitter) per chunk or
	// packet; TCP order is still preserved.
	Jitter time.Duration
	// Loss is a probability in 0..1. UDP: each packet is dropped with it.
	// TCP: each chunk is held back an extra 200ms with it, which is how a
	// retransmission looks to the application.
	Loss float64
}

// IsZero reports whether f is the healthy, zero Fault.
func (f Fault) IsZero() bool { return f == Fault{} }

// passThrough reports whether f adds nothing to forwarded traffic, so that
// data can be copied without queueing.
func (f Fault) passThrough() bool {
	return !f.Blocked && f.Delay <= 0 && f.Jitter <= 0 && f.Loss <= 0
}

// tcpLossPenalty is the extra hold-back of a TCP chunk "lost" under Loss.
const tcpLossPenalty = 200 * time.Millisecond

// LinkStats counts the traffic of one link since its Network started.
type LinkStats struct {
	Conns   int64 // TCP connections accepted
	Cut     int64 // TCP connections closed or refused because of a block
	Bytes   int64 // bytes forwarded, TCP (both directions) and UDP
	Packets int64 // UDP packets received
	Dropped int64 // UDP packets dropped (Blocked, Loss or a full delay queue)
}

// linkStats holds a link's counters; they are updated without locks.
type linkStats struct {
	conns, cut, bytes, packets, dropped atomic.Int64
}

func (s *linkStats) snapshot() LinkStats {
	return LinkStats{
		Conns:   s.conns.Load(),
		Cut:     s.cut.Load(),
		Bytes:   s.bytes.Load(),
		Packets: s.packets.Load(),
		Dropped: s.dropped.Load(),
	}
}

// link is the shared state of every proxy of one Link: its current fault,
// its live TCP connections (to cut them on a block) and its counters.
type link struct {
	stats linkStats
	fault atomic.Pointer[Fault] // read per chunk; written under mu

	mu     sync.Mutex
	conns  map[*tcpConn]struct{}
	healed chan struct{} // closed when the current block is lifted; nil if not blocked
}

func newLink() *link {
	l := &link{conns: make(map[*tcpConn]struct{})}
	l.fault.Store(&Fault{})
	return l
}

// current returns the link's fault.
func (l *link) current() Fault { return *l.fault.Load() }

// update applies change to the link's fault. Becoming blocked cuts every
// live connection; becoming unblocked releases the held ones.
func (l *link) update(change func(*Fault)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.current()
	f := old
	change(&f)
	l.fault.Store(&f)
	switch {
	case f.Blocked && !old.Blocked:
		l.healed = make(chan struct{})
		for c := range l.conns {
			c.close()
			l.stats.cut.Add(1)
		}
	case !f.Blocked && old.Blocked:
		close(l.healed)
		l.healed = nil
	}
}

// heldUntil returns, if the link is blocked, a channel closed when the block
// is lifted; nil otherwise.
func (l *link) heldUntil() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.healed
}

// register adds a live connection, unless the link became blocked meanwhile:
// then it reports false and the caller closes the connection.
func (l *link) register(c *tcpConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.healed != nil {
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *link) unregister(c *tcpConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, c)
}

// closeAll closes every live connection of the link.
func (l *link) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.close()
	}
}
