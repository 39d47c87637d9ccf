package replication

import (
	"sync/atomic"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// countingStore is the group's raft-boltdb store with counters of its log
// writes: every StoreLogs call is one bbolt transaction and so one fsync,
// and raft hands it every entry it appends in one go, so entries/appends
// is the number of entries that share an fsync (group commit).
type countingStore struct {
	*raftboltdb.BoltStore
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

// StoreLogs stores entries in one transaction and counts it.
func (s *countingStore) StoreLogs(logs []*raft.Log) error {
	if err := s.BoltStore.StoreLogs(logs); err != nil {
		return err
	}
	s.appends.Add(1)
	s.entries.Add(uint64(len(logs)))
	return nil
}
