package replication

import (
	"sync/atomic"

	"github.com/flotilla-db/flotilla/replication/pebblelog"
	"github.com/hashicorp/raft"
)

// LogStore is a group's raft log and stable store.
type LogStore interface {
	raft.LogStore
	raft.StableStore
	// Close releases the store; raft no longer uses it.
	Close() error
}

// LogStores opens the log stores of a node's groups in one store they
// share (Config.LogStores). Without it, each group keeps its log in its
// own raft-boltdb file in Config.Dir.
type LogStores interface {
	// Open opens group id's store, creating it empty if needed.
	Open(groupID string) (LogStore, error)
	// Drop deletes group id's log and stable values; the group is closed.
	Drop(groupID string) error
}

// countingStore is the group's log store with counters of its log writes:
// every StoreLogs call is one transaction or synced batch, and raft hands
// it every entry it appends in one go, so entries/appends is the number of
// entries that share a write. With raft-boltdb each write is its own
// fsync; a shared store (LogStores) may cover several groups' writes with
// one fsync, which it counts itself.
type countingStore struct {
	LogStore
	appends atomic.Uint64 // StoreLog and StoreLogs calls that succeeded
	entries atomic.Uint64 // entries those calls stored
}

var (
	_ raft.LogStore    = (*countingStore)(nil)
	_ raft.StableStore = (*countingStore)(nil)
)

// StoreLog stores one entry.
func (s *countingStore) StoreLog(l *raft.Log) error {
	return s.StoreLogs([]*raft.Log{l})
}

// StoreLogs stores entries in one write and counts it.
func (s *countingStore) StoreLogs(logs []*raft.Log) error {
	if err := s.LogStore.StoreLogs(logs); err != nil {
		return err
	}
	s.appends.Add(1)
	s.entries.Add(uint64(len(logs)))
	return nil
}

// PebbleLogStores returns LogStores that keep every group's log in the
// shared Pebble database of s.
func PebbleLogStores(s *pebblelog.Stores) LogStores { return pebbleLogStores{s} }

type pebbleLogStores struct{ s *pebblelog.Stores }

func (p pebbleLogStores) Open(groupID string) (LogStore, error) {
	st, err := p.s.Open(groupID)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (p pebbleLogStores) Drop(groupID string) error { return p.s.Drop(groupID) }
