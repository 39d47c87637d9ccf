package transport

import (
	"testing"
	"time"
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
	if commit, accepted := c.nodes[leader].Group("1").(*GroupTransport).LeaderProgress(); commit != 0 || accepted != 0 {
		t.Fatalf("leader %s: LeaderProgress = %d, %d; want zeros (it accepts no appends)", leader, commit, accepted)
	}
	c.apply("1", leader, 50)
	last := c.reps["1"][leader].raft.LastIndex()
	for node := range c.reps["1"] {
		if node == leader {
			continue
		}
		gt := c.nodes[node].Group("1").(*GroupTransport)
		waitFor(t, node+" to hear the leader's commit index", 10*time.Second, func() bool {
			commit, accepted := gt.LeaderProgress()
			return commit >= last && accepted >= commit
		})
	}

	// A group this node never heard from has no progress.
	if commit, accepted := c.nodes["n1"].Group("idle").(*GroupTransport).LeaderProgress(); commit != 0 || accepted != 0 {
		t.Fatalf("idle group: LeaderProgress = %d, %d; want zeros", commit, accepted)
	}
}
