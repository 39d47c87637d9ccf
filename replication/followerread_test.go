package replication_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// fakeProgress is a transport whose LeaderProgress the test sets.
type fakeProgress struct {
	raft.Transport
	mu               sync.Mutex
	commit, accepted uint64
	at               time.Time
}

func (f *fakeProgress) set(commit, accepted uint64, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commit, f.accepted, f.at = commit, accepted, at
}

func (f *fakeProgress) LeaderProgress() (uint64, uint64, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.commit, f.accepted, f.at
}

// TestFollowerReadIndex: only a follower that accepted an append lately
// and is not far behind the leader's commit index may serve reads, once
// it has applied the last committed entry its state machine sees.
func TestFollowerReadIndex(t *testing.T) {
	progress := map[raft.ServerID]*fakeProgress{}
	cfg := testConfig()
	c := newWrappedCluster(t, 3, cfg, func(nd *node, tr raft.Transport) raft.Transport {
		p := &fakeProgress{Transport: tr}
		progress[nd.id] = p
		return p
	})
	for i := range 5 {
		c.apply(putCmd("k", string(rune('a'+i))))
	}
	leader := c.leader()
	if _, ok := leader.group.FollowerReadIndex(); ok {
		t.Fatal("the leader offers follower reads")
	}
	f := c.followers()[0]
	last := leader.group.Stats().LastIndex
	eventually(t, "the follower to apply the commands", func() bool { return f.fsm.AppliedIndex() >= last })
	p := progress[f.id]

	tests := []struct {
		name             string
		commit, accepted uint64
		age              time.Duration
		want             uint64
		ok               bool
	}{
		{"caught up", last, last, 0, last, true},
		{"a few entries behind", last, last - 3, 0, last, true},
		{"no append yet", 0, 0, 0, 0, false},
		{"far behind", last + 100, last, 0, 0, false},
		{"no append for too long", last, last, 2 * cfg.FollowerReadLag, 0, false},
	}
	for _, tt := range tests {
		p.set(tt.commit, tt.accepted, time.Now().Add(-tt.age))
		idx, ok := f.group.FollowerReadIndex()
		if ok != tt.ok || (ok && idx != tt.want) {
			t.Errorf("%s: FollowerReadIndex = %d, %v; want %d, %v", tt.name, idx, ok, tt.want, tt.ok)
		}
	}

	// A barrier (the first consistent read of a term) is committed but
	// never reaches the state machine: the follower must wait for the
	// command before it, not for the barrier.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := leader.group.ReadIndex(ctx); err != nil {
		t.Fatalf("ReadIndex: %v", err)
	}
	barrier := leader.group.Stats().CommitIndex
	if barrier <= last {
		t.Fatalf("commit index %d after the barrier, want above %d", barrier, last)
	}
	eventually(t, "the follower to receive the barrier", func() bool { return f.group.Stats().LastIndex >= barrier })
	p.set(barrier, barrier, time.Now())
	idx, ok := f.group.FollowerReadIndex()
	if !ok || idx != last {
		t.Fatalf("after a barrier: FollowerReadIndex = %d, %v; want the last command %d", idx, ok, last)
	}
	if err := f.fsm.WaitApplied(ctx, idx); err != nil {
		t.Fatalf("WaitApplied(%d): %v", idx, err)
	}
}
