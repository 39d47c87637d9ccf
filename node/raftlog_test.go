package node

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidRaftLogStore(t *testing.T) {
	for _, tc := range []struct {
		store string
		ok    bool
	}{{"", true}, {RaftLogBolt, true}, {RaftLogPebble, true}, {"Pebble", false}, {"rocks", false}} {
		cfg := DefaultConfig()
		cfg.RaftLogStore = tc.store
		if err := cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("RaftLogStore %q: Validate() = %v", tc.store, err)
		}
	}
}

// startPebbleLog starts a single node on dir with the Pebble Raft log
// store.
func startPebbleLog(t *testing.T, dir string) *running {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.RaftLogStore = dir, RaftLogPebble
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.ReconcileInterval = 100 * time.Millisecond
	r := run(t, cfg)
	waitStatus(t, r.base+"/ready", http.StatusOK)
	return r
}

// TestPebbleRaftLog serves, restarts and drops a table on the Pebble
// Raft log store: writes survive the restart, the store's counters show
// in the status, no group has a raft-boltdb file, a dropped partition's
// log is deleted, and the data directory refuses the bolt store later.
func TestPebbleRaftLog(t *testing.T) {
	dir := t.TempDir()
	r := startPebbleLog(t, dir)
	for _, s := range []struct{ op, body string }{{"CreateTable", createUsers}, {"PutItem", putUser}} {
		if status, out := r.call(t, s.op, s.body); status != http.StatusOK {
			t.Fatalf("%s: %d %v", s.op, status, out)
		}
	}
	checkRaftLogStatus(t, r.n.Status())
	r.shutdown(t)

	r = startPebbleLog(t, dir)
	if status, out := r.call(t, "GetItem", getUser); status != http.StatusOK || wantName("John Doe")(out) != nil {
		t.Fatalf("GetItem after restart: %d %v", status, out)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, raftDir, "*", "raft.db")); len(files) != 0 {
		t.Errorf("raft-boltdb files on the Pebble log store: %v", files)
	}
	deleteDropsLogs(t, r)
	r.shutdown(t)

	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	if n, err := New(cfg); err == nil {
		n.Close()
		t.Fatal("a data directory of the Pebble log store opened with the bolt store")
	} else if !strings.Contains(err.Error(), raftLogDir) {
		t.Fatalf("New with the bolt store = %v, want it to name %s", err, raftLogDir)
	}
}

// checkRaftLogStatus checks that the shared store counted at least the
// groups' appends and synced its WAL at most once per commit.
func checkRaftLogStatus(t *testing.T, s Status) {
	t.Helper()
	if s.RaftLog == nil {
		t.Fatal("status has no raftLog")
	}
	var appends uint64
	for _, g := range s.Groups {
		appends += g.LogAppends
	}
	rl := s.RaftLog
	if rl.Store != RaftLogPebble || appends == 0 || rl.Commits < appends || rl.WALSyncs == 0 || rl.WALSyncs > rl.Commits {
		t.Fatalf("raftLog %+v with %d group appends: want commits >= appends and 1..commits WAL syncs", *rl, appends)
	}
}

// deleteDropsLogs deletes the Users table and checks that its partitions'
// logs leave the shared store.
func deleteDropsLogs(t *testing.T, r *running) {
	t.Helper()
	var ids []string
	for _, g := range r.n.Status().Groups {
		if g.Table == "Users" {
			ids = append(ids, g.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no partition groups for Users")
	}
	if status, out := r.call(t, "DeleteTable", `{"TableName":"Users"}`); status != http.StatusOK {
		t.Fatalf("DeleteTable: %d %v", status, out)
	}
	eventually(t, 10*time.Second, func() error {
		for _, id := range ids {
			if _, err := os.Stat(filepath.Join(r.n.cfg.DataDir, raftDir, id)); !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("partition %s still has its raft directory (%v)", id, err)
			}
		}
		return nil
	})
	for _, id := range ids {
		st, err := r.n.raftLog.stores.Open(id)
		if err != nil {
			t.Fatal(err)
		}
		last, err := st.LastIndex()
		if err != nil || last != 0 {
			t.Errorf("dropped partition %s: last index %d, %v", id, last, err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
