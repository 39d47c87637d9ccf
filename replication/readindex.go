package replication

import (
	"context"
	"sync"

	"github.com/hashicorp/raft"
)

// readIndexer serves linearizable reads: a barrier once per term, then per
// read the commit index, a shared leadership check and a wait for the FSM.
type readIndexer struct {
	g *Group

	mu            sync.Mutex
	barrierTerm   uint64       // term whose barrier has been applied
	barrierIndex  uint64       // that barrier's log index
	barrier       *barrierRun  // the barrier in flight, or nil
	pending       *verifyRound // round not yet started; new reads join it
	verifyRunning bool
}

// verifyRound is one VerifyLeader shared by the reads that joined it before
// it started.
type verifyRound struct {
	done chan struct{}
	err  error
}

func newReadIndexer(g *Group) *readIndexer { return &readIndexer{g: g} }

// ReadIndex returns once this replica's FSM reflects every write committed
// before the call, while this replica was still the leader: a read served
// afterwards from the FSM is linearizable. A follower returns a
// *NotLeaderError.
func (g *Group) ReadIndex(ctx context.Context) error {
	return g.reads.readIndex(ctx)
}

func (r *readIndexer) readIndex(ctx context.Context) error {
	g := r.g
	if g.raft.State() != raft.Leader {
		return g.notLeader()
	}
	floor, err := r.termBarrier(ctx)
	if err != nil {
		return err
	}
	index := g.raft.CommitIndex()
	if err := r.verify(ctx); err != nil {
		return err
	}
	if index <= floor {
		return nil // the barrier's completion proved it applied
	}
	if err := g.cfg.FSM.WaitApplied(ctx, index); err != nil {
		return g.mapErr("read index", err)
	}
	return nil
}

// termBarrier makes sure a barrier of the current term has been applied and
// returns its index. Only one barrier is in flight at a time, so no
// unobserved barrier entry can be the last entry below a read index.
func (r *readIndexer) termBarrier(ctx context.Context) (uint64, error) {
	for {
		term := r.g.raft.CurrentTerm()
		r.mu.Lock()
		if r.barrierTerm == term {
			idx := r.barrierIndex
			r.mu.Unlock()
			return idx, nil
		}
		b := r.barrier
		if b == nil {
			b = &barrierRun{done: make(chan struct{})}
			r.barrier = b
			r.g.goFunc(func() { r.runBarrier(term, b) })
		}
		r.mu.Unlock()
		select {
		case <-b.done:
		case <-ctx.Done():
			return 0, r.g.mapErr("read index", ctx.Err())
		}
		if b.err != nil {
			return 0, r.g.mapErr("read index barrier", b.err)
		}
	}
}

// barrierRun is one barrier in flight; err is set before done closes.
type barrierRun struct {
	done chan struct{}
	err  error
}

// runBarrier commits a barrier and records it if the term did not change.
func (r *readIndexer) runBarrier(term uint64, b *barrierRun) {
	f := r.g.raft.Barrier(0)
	b.err = r.g.wait(context.Background(), f)
	r.mu.Lock()
	defer r.mu.Unlock()
	if idx, ok := f.(raft.IndexFuture); ok && b.err == nil && r.g.raft.CurrentTerm() == term {
		r.barrierTerm, r.barrierIndex = term, idx.Index()
	}
	r.barrier = nil
	close(b.done)
}

// verify confirms leadership with a VerifyLeader that starts after the call.
func (r *readIndexer) verify(ctx context.Context) error {
	r.mu.Lock()
	if r.pending == nil {
		r.pending = &verifyRound{done: make(chan struct{})}
	}
	round := r.pending
	if !r.verifyRunning {
		r.verifyRunning = true
		r.g.goFunc(r.verifyLoop)
	}
	r.mu.Unlock()
	select {
	case <-round.done:
		return round.err
	case <-ctx.Done():
		return r.g.mapErr("read index", ctx.Err())
	}
}

// verifyLoop runs rounds while reads are waiting for one.
func (r *readIndexer) verifyLoop() {
	for {
		r.mu.Lock()
		round := r.pending
		r.pending = nil
		if round == nil {
			r.verifyRunning = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		round.err = r.g.mapErr("verify leader", r.g.wait(context.Background(), r.g.raft.VerifyLeader()))
		close(round.done)
	}
}
