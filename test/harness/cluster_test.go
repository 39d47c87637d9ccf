package harness

import (
	"strings"
	"testing"
)

func TestClusterRestartKeepsAddresses(t *testing.T) {
	c := StartCluster(t, 3)
	if c.Size() != 3 {
		t.Fatalf("Size() = %d, want 3", c.Size())
	}
	n2 := *c.Node(2)
	c.Kill(2)
	if c.Node(2).Running() {
		t.Fatalf("n2 still running after Kill")
	}
	c.Restart(2)
	if got := c.Node(2); got.Addr != n2.Addr || got.GRPCAddr != n2.GRPCAddr || got.GossipAddr != n2.GossipAddr || got.DataDir != n2.DataDir {
		t.Fatalf("restarted n2 on %s/%s/%s in %s, want %s/%s/%s in %s", got.Addr, got.GRPCAddr, got.GossipAddr, got.DataDir,
			n2.Addr, n2.GRPCAddr, n2.GossipAddr, n2.DataDir)
	}
	out, err := c.AdminStatus(2)
	if err != nil || !strings.Contains(out, "ready:    200 OK") {
		t.Fatalf("admin status of restarted n2: %v\n%s", err, out)
	}
	if err := c.Stop(3); err != nil {
		t.Fatalf("Stop(3): %v", err)
	}
	if _, err := c.AdminStatus(3); err == nil {
		t.Fatalf("admin status of a stopped node succeeded")
	}
}
