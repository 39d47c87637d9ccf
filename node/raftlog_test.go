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
	return startWithLogStore(t, dir, RaftLogPebble)
}

// startWithLogStore starts a single node on dir with Config.RaftLogStore
// store.
func startWithLogStore(t *testing.T, dir, store string) *running {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.RaftLogStore = dir, store
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
	cfg.DataDir, cfg.RaftLogStore = dir, RaftLogBolt
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	if n, err := New(cfg); err == nil {
		n.Close()
		t.Fatal("a data directory of the Pebble log store opened with the bolt store")
	} else if !strings.Contains(err.Error(), raftLogDir) {
		t.Fatalf("New with the bolt store = %v, want it to name %s", err, raftLogDir)
	}
}

// TestDefaultRaftLogStoreFollowsDataDir: with the default log store a
// new data directory gets the Pebble store, and one created with the bolt
// store keeps it (and its data) when restarted with the default.
func TestDefaultRaftLogStoreFollowsDataDir(t *testing.T) {
	fresh := startWithLogStore(t, t.TempDir(), "")
	if status, out := fresh.call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable: %d %v", status, out)
	}
	if rl := fresh.n.Status().RaftLog; rl == nil || rl.Store != RaftLogPebble {
		t.Errorf("a new data directory with the default store: raftLog %+v, want %s", rl, RaftLogPebble)
	}
	fresh.shutdown(t)

	dir := t.TempDir()
	r := startWithLogStore(t, dir, RaftLogBolt)
	for _, s := range []struct{ op, body string }{{"CreateTable", createUsers}, {"PutItem", putUser}} {
		if status, out := r.call(t, s.op, s.body); status != http.StatusOK {
			t.Fatalf("%s: %d %v", s.op, status, out)
		}
	}
	r.shutdown(t)
	r = startWithLogStore(t, dir, "")
	defer r.shutdown(t)
	if rl := r.n.Status().RaftLog; rl != nil {
		t.Errorf("a bolt data directory restarted with the default store uses %+v", *rl)
	}
	if _, err := os.Stat(filepath.Join(dir, raftLogDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a bolt data directory got a shared log store: %v", err)
	}
	if status, out := r.call(t, "GetItem", getUser); status != http.StatusOK || wantName("John Doe")(out) != nil {
		t.Fatalf("GetItem after restart with the default store: %d %v", status, out)
	}
}

func TestResolveRaftLogStore(t *testing.T) {
	withDir := func(parts ...string) string {
		dir := t.TempDir()
		if len(parts) > 0 {
			p := filepath.Join(append([]string{dir}, parts...)...)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	bolt := withDir(raftDir, "7", "raft.db")
	shared := withDir(raftLogDir, "MANIFEST")
	empty := withDir()
	for _, tc := range []struct {
		dir, store, want string
	}{
		{empty, "", RaftLogPebble},
		{bolt, "", RaftLogBolt},
		{shared, "", RaftLogPebble},
		{empty, RaftLogBolt, RaftLogBolt},
		{bolt, RaftLogPebble, RaftLogPebble}, // refused later, when the group opens
	} {
		if got := resolveRaftLogStore(tc.dir, tc.store); got != tc.want {
			t.Errorf("resolveRaftLogStore(%s, %q) = %q, want %q", tc.dir, tc.store, got, tc.want)
		}
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
