package catalog

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/hashicorp/raft"
)

// Key layout, all under the catalog prefix 'c'.
const (
	prefixTable = "ct/" // ct/<name> → JSON storedTable
	keyNextID   = "cn"  // next partition id, 8 bytes big-endian
	keyApplied  = "ca"  // last applied log index, 8 bytes big-endian
	keysFirst   = "c"
	keysEnd     = "d" // first key after the catalog's
)

// ErrConflict is returned (in a Result) by an update whose version check
// failed: the table changed since it was read.
var ErrConflict = errors.New("catalog: table changed concurrently")

// ErrFailed is returned by WaitApplied once the catalog's storage failed.
var ErrFailed = errors.New("catalog: storage failed")

// storedTable is a table as stored, with the log index of its last change
// as its version.
type storedTable struct {
	schema.Table
	Version uint64 `json:"version"`
}

// State is the catalog group's state machine: the tables, the partition
// id counter and the applied index, in Pebble and mirrored in memory.
type State struct {
	db *pebble.DB

	mu      sync.RWMutex
	tables  map[string]*storedTable // replaced, never mutated, on apply
	nextID  uint64
	applied uint64
	notify  chan struct{} // closed and replaced whenever applied advances
	failed  error
	subs    []chan struct{}
}

var _ raft.BatchingFSM = (*State)(nil)

// OpenState loads the catalog stored in db.
func OpenState(db *pebble.DB) (*State, error) {
	s := &State{db: db, notify: make(chan struct{})}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	return s, nil
}

func (s *State) load() error {
	tables := map[string]*storedTable{}
	nextID, applied := uint64(1), uint64(0)
	err := scan(s.db, func(k, v []byte) error {
		key := string(k)
		switch {
		case strings.HasPrefix(key, prefixTable):
			var st storedTable
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode table %s: %w", key, err)
			}
			tables[st.Name] = &st
		case key == keyNextID && len(v) == 8:
			nextID = binary.BigEndian.Uint64(v)
		case key == keyApplied && len(v) == 8:
			applied = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.tables, s.nextID, s.applied = tables, nextID, applied
	s.wake()
	s.mu.Unlock()
	return nil
}

// reader is what scan reads: the DB or a snapshot.
type reader interface {
	NewIter(o *pebble.IterOptions) (*pebble.Iterator, error)
}

// scan calls fn for every catalog key, in key order.
func scan(r reader, fn func(k, v []byte) error) error {
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: []byte(keysFirst), UpperBound: []byte(keysEnd)})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			return errors.Join(err, it.Close())
		}
	}
	return errors.Join(it.Error(), it.Close())
}

// Table returns a deep copy of the named table and its version.
func (s *State) Table(name string) (*schema.Table, uint64, bool) {
	s.mu.RLock()
	st, ok := s.tables[name]
	s.mu.RUnlock()
	if !ok {
		return nil, 0, false
	}
	return cloneTable(&st.Table), st.Version, true
}

// SharedTable returns the named table as stored, without a copy, and its
// version. Stored tables are replaced, never mutated, so the result stays
// valid; it is shared with every caller and must not be modified.
func (s *State) SharedTable(name string) (*schema.Table, uint64, bool) {
	s.mu.RLock()
	st, ok := s.tables[name]
	s.mu.RUnlock()
	if !ok {
		return nil, 0, false
	}
	return &st.Table, st.Version, true
}

// Tables returns a deep copy of every table, ordered by name.
func (s *State) Tables() []*schema.Table {
	s.mu.RLock()
	out := make([]*schema.Table, 0, len(s.tables))
	for _, st := range s.tables {
		out = append(out, cloneTable(&st.Table))
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *schema.Table) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names returns every table name in ascending order.
func (s *State) Names() []string {
	s.mu.RLock()
	names := slices.Collect(maps.Keys(s.tables))
	s.mu.RUnlock()
	slices.Sort(names)
	return names
}

// PartitionEpoch returns the epoch of partition id as this replica knows
// it. gone reports a partition the catalog handed out that no table holds
// any more (its table was deleted); both results are zero for an id this
// replica has not heard of yet.
func (s *State) PartitionEpoch(id uint64) (epoch uint64, gone bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, st := range s.tables {
		for _, p := range st.Partitions {
			if p.ID == id {
				return p.Epoch, false
			}
		}
	}
	return 0, id < s.nextID
}

// NextPartitionID is the id the next partition will get: every partition
// id below it has been handed out.
func (s *State) NextPartitionID() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.nextID
}

// AppliedIndex is the last log index the catalog has applied.
func (s *State) AppliedIndex() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.applied
}

// WaitApplied blocks until AppliedIndex is at least index, ctx ends or
// the storage fails.
func (s *State) WaitApplied(ctx context.Context, index uint64) error {
	for {
		s.mu.RLock()
		applied, failed, ch := s.applied, s.failed, s.notify
		s.mu.RUnlock()
		switch {
		case failed != nil:
			return failed
		case applied >= index:
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("catalog: wait for index %d (applied %d): %w", index, applied, ctx.Err())
		}
	}
}

// Subscribe returns a channel that receives a signal (coalesced) after
// every applied change.
func (s *State) Subscribe() <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs = append(s.subs, ch)
	s.mu.Unlock()
	return ch
}

// wake releases waiters and signals subscribers; s.mu must be held.
func (s *State) wake() {
	close(s.notify)
	s.notify = make(chan struct{})
	for _, ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func cloneTable(t *schema.Table) *schema.Table {
	b, err := json.Marshal(t)
	if err != nil {
		panic(fmt.Sprintf("catalog: table %s does not encode: %v", t.Name, err))
	}
	var out schema.Table
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("catalog: table %s does not decode: %v", t.Name, err))
	}
	return &out
}
