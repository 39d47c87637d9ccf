package replication

import (
	"sync"

	"github.com/hashicorp/raft"
)

// peerWatch records, while this replica leads, which followers are
// failing their heartbeats: Raft reports a follower's failed heartbeats
// and their resumption as observations. A follower that is failing is no
// target for a leadership transfer: Raft's transfer waits on that
// follower's replication and can stay stuck in progress, refusing every
// write, while the follower cannot be reached.
type peerWatch struct {
	mu      sync.Mutex
	failing map[raft.ServerID]bool
}

// watchPeers registers the observer and starts the goroutine that owns
// its channel until the group shuts down.
func (g *Group) watchPeers() {
	g.peers = &peerWatch{failing: map[raft.ServerID]bool{}}
	ch := make(chan raft.Observation, 64)
	obs := raft.NewObserver(ch, false, func(o *raft.Observation) bool {
		switch o.Data.(type) {
		case raft.FailedHeartbeatObservation, raft.ResumedHeartbeatObservation, raft.LeaderObservation:
			return true
		}
		return false
	})
	g.raft.RegisterObserver(obs)
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer g.raft.DeregisterObserver(obs)
		for {
			select {
			case o := <-ch:
				g.peers.observe(o)
			case <-g.closed:
				return
			}
		}
	}()
}

func (w *peerWatch) observe(o raft.Observation) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch d := o.Data.(type) {
	case raft.FailedHeartbeatObservation:
		w.failing[d.PeerID] = true
	case raft.ResumedHeartbeatObservation:
		delete(w.failing, d.PeerID)
	case raft.LeaderObservation:
		// A new term: failures seen under another leader say nothing.
		clear(w.failing)
	}
}

// PeerFailing reports whether, as far as this replica has seen while
// leading, the follower id is failing its heartbeats.
func (g *Group) PeerFailing(id raft.ServerID) bool {
	if g.peers == nil {
		return false
	}
	g.peers.mu.Lock()
	defer g.peers.mu.Unlock()
	return g.peers.failing[id]
}
