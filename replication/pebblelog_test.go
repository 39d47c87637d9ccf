package replication_test

import (
	"errors"
	"testing"

	"github.com/flotilla-db/flotilla/replication/pebblelog"
)

// TestOnPebbleLogStore runs the group tests with every node's raft log in
// a shared Pebble log store instead of raft-boltdb files.
func TestOnPebbleLogStore(t *testing.T) {
	tests := []struct {
		name string
		run  func(*testing.T)
	}{
		{"ConcurrentApplyReplicates", TestConcurrentApplyReplicates},
		{"ReadIndex", TestReadIndex},
		{"LeaderFailover", TestLeaderFailover},
		{"RestartDoesNotReapply", TestRestartDoesNotReapply},
		{"SnapshotCatchUp", TestSnapshotCatchUp},
		{"Reconfiguration", TestReconfiguration},
		{"BootstrapTwiceFails", TestBootstrapTwiceFails},
		{"TransferLeadership", TestTransferLeadership},
		{"LogStoreCounters", TestLogStoreCounters},
		{"RemoveDropsLog", testRemoveDropsLog},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(raftLogEnv, "pebble")
			tc.run(t)
		})
	}
}

// testRemoveDropsLog removes a replica and checks that its log and stable
// values are gone from the node's shared log store.
func testRemoveDropsLog(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	c.apply(putCmd("a", "1"))
	c.converged()
	nd := c.followers()[0]
	logs := nd.logs
	if err := nd.group.Remove(); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	nd.up = false
	st, err := logs.Open("42")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if last, err := st.LastIndex(); last != 0 || err != nil {
		t.Errorf("removed group's last index = %d, %v", last, err)
	}
	if _, err := st.Get([]byte("CurrentTerm")); !errors.Is(err, pebblelog.ErrKeyNotFound) {
		t.Errorf("removed group's current term: %v, want ErrKeyNotFound", err)
	}
}

// TestBoltLogDoesNotMove checks that a group whose log is in a raft-boltdb
// file refuses to open on the shared log store, where its log would be
// missing.
func TestBoltLogDoesNotMove(t *testing.T) {
	c := newCluster(t, 1, testConfig())
	c.apply(putCmd("a", "1"))
	nd := c.nodes[0]
	c.stop(nd)
	t.Setenv(raftLogEnv, "pebble")
	if err := c.open(nd); err == nil {
		t.Fatal("a group with a raft-boltdb log opened on the Pebble log store")
	}
}
