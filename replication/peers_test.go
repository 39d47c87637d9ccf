package replication_test

import (
	"testing"
)

// TestPeerFailingFollowsHeartbeats: a follower the leader cannot reach is
// reported failing (the leader balancer must not pick it as a transfer
// target), and stops being so once it is reachable again.
func TestPeerFailingFollowsHeartbeats(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	l := c.leader()
	f := c.followers()[0]
	if l.group.PeerFailing(f.id) {
		t.Fatalf("%s reported failing while connected", f.id)
	}
	l.trans.Disconnect(f.addr)
	eventually(t, "the leader sees the cut-off follower failing", func() bool { return l.group.PeerFailing(f.id) })
	if other := c.followers()[1]; l.group.PeerFailing(other.id) {
		t.Fatalf("%s reported failing though still connected", other.id)
	}
	l.trans.Connect(f.addr, f.trans)
	eventually(t, "the follower no longer failing once reachable", func() bool { return !l.group.PeerFailing(f.id) })
}
