package transport

import (
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// TestLeaderProgress: a follower's GroupTransport reports the leader's
// commit index from the appends it accepted, and an accepted index that
// covers it; a replica that hears nothing reports zeros.
func TestLeaderProgress(t *testing.T) {
	c := newRaftCluster(t, "n1", "n2", "n3")
	c.start("1", "n1", "n1", "n2", "n3")
	c.start("1", "n2")
	c.start("1", "n3")
	leader := c.leader("1", "")
	if commit, accepted, at := c.nodes[leader].Group("1").(*GroupTransport).LeaderProgress(); commit != 0 || accepted != 0 || !at.IsZero() {
		t.Fatalf("leader %s: LeaderProgress = %d, %d; want zeros (it accepts no appends)", leader, commit, accepted)
	}
	c.apply("1", leader, 50)
	last := c.reps["1"][leader].raft.LastIndex()
	for node := range c.reps["1"] {
		if node == leader {
			continue
		}
		gt := c.nodes[node].Group("1").(*GroupTransport)
		start := time.Now()
		waitFor(t, node+" to hear the leader's commit index", 10*time.Second, func() bool {
			commit, accepted, at := gt.LeaderProgress()
			return commit >= last && accepted >= commit && !at.Before(start)
		})
	}

	// A group this node never heard from has no progress.
	if commit, accepted, at := c.nodes["n1"].Group("idle").(*GroupTransport).LeaderProgress(); commit != 0 || accepted != 0 || !at.IsZero() {
		t.Fatalf("idle group: LeaderProgress = %d, %d; want zeros", commit, accepted)
	}
}

// TestLeaderProgressCountsAcceptedAppendsOnly: heartbeats and refused
// appends leave LeaderProgress as it was; an accepted append sets it.
func TestLeaderProgressCountsAcceptedAppendsOnly(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	gb := b.Group("g").(*GroupTransport)
	accept := true
	serve(t, gb, func(rpc raft.RPC) {
		rpc.Respond(&raft.AppendEntriesResponse{Term: 4, Success: accept}, nil)
	})
	send := func(req *raft.AppendEntriesRequest) {
		t.Helper()
		var resp raft.AppendEntriesResponse
		if err := a.Group("g").AppendEntries("b", "b", req, &resp); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, wantCommit, wantAccepted uint64, wantSet bool) {
		t.Helper()
		commit, accepted, at := gb.LeaderProgress()
		if commit != wantCommit || accepted != wantAccepted || at.IsZero() == wantSet {
			t.Fatalf("%s: LeaderProgress = %d, %d, %v; want %d, %d, set %v", what, commit, accepted, at, wantCommit, wantAccepted, wantSet)
		}
	}
	send(&raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4})
	check("after a heartbeat", 0, 0, false)

	send(&raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4, PrevLogEntry: 6, PrevLogTerm: 4,
		Entries: []*raft.Log{{Index: 7, Term: 4}, {Index: 8, Term: 4}}, LeaderCommitIndex: 7})
	check("after an accepted append", 7, 8, true)
	_, _, first := gb.LeaderProgress()

	accept = false
	send(&raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4, PrevLogEntry: 20, PrevLogTerm: 4,
		Entries: []*raft.Log{{Index: 21, Term: 4}}, LeaderCommitIndex: 21})
	check("after a refused append", 7, 8, true)
	if _, _, at := gb.LeaderProgress(); !at.Equal(first) {
		t.Fatalf("a refused append moved the accepted time from %v to %v", first, at)
	}

	accept = true
	send(&raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4, PrevLogEntry: 8, PrevLogTerm: 4, LeaderCommitIndex: 8})
	check("after an accepted commit-only append", 8, 8, true)
}
