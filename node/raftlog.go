package node

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/replication/pebblelog"
)

// Raft log stores (Config.RaftLogStore).
const (
	// RaftLogBolt keeps each group's Raft log in its own raft-boltdb file
	// in the group's directory: every append is its own fsync (two, in
	// fact: bbolt syncs its pages and then its meta page).
	RaftLogBolt = "bolt"
	// RaftLogPebble keeps every group's Raft log in one Pebble database
	// in <data-dir>/raftlog, separate from the store, so that concurrent
	// appends share write-ahead-log fsyncs. The default for a new data
	// directory: it spends about a fifth less CPU per replicated write.
	RaftLogPebble = "pebble"
)

// resolveRaftLogStore returns the log store a node on dataDir uses when
// configured with store: store itself when set; for "" (the default), the
// store the data directory was created with, or RaftLogPebble for a new
// one.
func resolveRaftLogStore(dataDir, store string) string {
	if store != "" {
		return store
	}
	if _, err := os.Stat(filepath.Join(dataDir, raftLogDir)); err == nil {
		return RaftLogPebble
	}
	if files, _ := filepath.Glob(filepath.Join(dataDir, raftDir, "*", replication.BoltLogFile)); len(files) > 0 {
		return RaftLogBolt
	}
	return RaftLogPebble
}

// raftLogDir is the shared Raft log store's directory in the data
// directory.
const raftLogDir = "raftlog"

// raftLog is the node's shared Raft log store, when Config.RaftLogStore
// is RaftLogPebble. Its methods are safe for concurrent use and do nothing
// on a nil *raftLog.
type raftLog struct {
	stores *pebblelog.Stores

	mu sync.Mutex
	db *pebble.DB // nil once closed; guarded by mu
}

// openRaftLog opens the shared Raft log store for RaftLogPebble. For
// RaftLogBolt it refuses a data directory whose groups keep their logs in
// a shared store, which they would lose.
func (n *Node) openRaftLog() error {
	path := filepath.Join(n.cfg.DataDir, raftLogDir)
	n.cfg.RaftLogStore = resolveRaftLogStore(n.cfg.DataDir, n.cfg.RaftLogStore)
	if n.cfg.RaftLogStore != RaftLogPebble {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("node: %s holds the Raft logs of a node run with the %s log store; run it with that store", path, RaftLogPebble)
		}
		return nil
	}
	db, err := pebblelog.OpenDB(path, nil, pebbleLogger{n.log.With("component", "raftlog")})
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	n.raftLog = &raftLog{stores: pebblelog.New(db), db: db}
	return nil
}

// groupConfig returns the template of every group's replication config.
func (n *Node) groupConfig() replication.Config {
	c := n.cfg.Raft.replication()
	if n.raftLog != nil {
		c.LogStores = replication.PebbleLogStores(n.raftLog.stores)
	}
	return c
}

// close closes the store; the groups using it must be shut down.
func (l *raftLog) close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return nil
	}
	err := l.db.Close()
	l.db = nil
	if err != nil {
		return fmt.Errorf("node: close Raft log store: %w", err)
	}
	return nil
}

// RaftLogStatus reports the shared Raft log store in /admin/status.
type RaftLogStatus struct {
	Store string `json:"store"`
	// Commits counts the store's synced batches since the node started:
	// every group's log appends (logAppends), log deletions and term and
	// vote writes.
	Commits uint64 `json:"commits"`
	// WALSyncs counts the store's write-ahead-log fsyncs. The entries
	// appended (the groups' logEntries) over WALSyncs is how many writes
	// shared an fsync.
	WALSyncs uint64 `json:"walSyncs"`
}

// status returns the store's counters; nil for a nil or closed store.
func (l *raftLog) status() *RaftLogStatus {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return nil
	}
	c := l.stores.Counters()
	return &RaftLogStatus{Store: RaftLogPebble, Commits: c.Commits, WALSyncs: c.WALSyncs}
}

// validRaftLogStore checks Config.RaftLogStore ("" means the data
// directory's own store, see resolveRaftLogStore).
func validRaftLogStore(s string) error {
	switch s {
	case "", RaftLogBolt, RaftLogPebble:
		return nil
	}
	return fmt.Errorf("node: Config.RaftLogStore %q is not %q or %q", s, RaftLogBolt, RaftLogPebble)
}
