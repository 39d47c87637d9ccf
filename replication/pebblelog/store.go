package pebblelog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/hashicorp/raft"
)

var (
	// ErrKeyNotFound is returned by Get and GetUint64 for a key never
	// set. Raft recognises it by its text, "not found".
	ErrKeyNotFound = errors.New("not found")
	// ErrClosed is returned by a Store's methods after Close.
	ErrClosed = errors.New("pebblelog: store closed")
)

// Store is one group's raft log and stable store.
type Store struct {
	stores       *Stores
	db           *pebble.DB
	group        string
	logPrefix    []byte
	stablePrefix []byte
	closed       atomic.Bool

	// writeMu serialises writes so that the cached bounds follow them in
	// commit order.
	writeMu sync.Mutex

	mu          sync.RWMutex
	first, last uint64 // the log's bounds, 0 and 0 when empty; guarded by mu
}

var (
	_ raft.LogStore    = (*Store)(nil)
	_ raft.StableStore = (*Store)(nil)
)

func newStore(s *Stores, group string) *Store {
	return &Store{stores: s, db: s.db, group: group, logPrefix: logPrefix(group), stablePrefix: stablePrefix(group)}
}

// Close releases the group so that it can be opened again or dropped;
// the database stays open.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stores.release(s.group)
	return nil
}

func (s *Store) check() error {
	if s.closed.Load() {
		return fmt.Errorf("pebblelog: group %s: %w", s.group, ErrClosed)
	}
	return nil
}

// logKey appends the key of log index i to dst.
func (s *Store) logKey(dst []byte, i uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, s.logPrefix...), i)
}

// FirstIndex returns the first index in the log, 0 when it is empty.
func (s *Store) FirstIndex() (uint64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.first, nil
}

// LastIndex returns the last index in the log, 0 when it is empty.
func (s *Store) LastIndex() (uint64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.last, nil
}

// GetLog reads the entry at index into l; raft.ErrLogNotFound when there
// is none.
func (s *Store) GetLog(index uint64, l *raft.Log) error {
	if err := s.check(); err != nil {
		return err
	}
	v, closer, err := s.db.Get(s.logKey(make([]byte, 0, len(s.logPrefix)+8), index))
	if errors.Is(err, pebble.ErrNotFound) {
		return raft.ErrLogNotFound
	}
	if err != nil {
		return fmt.Errorf("pebblelog: group %s: get log %d: %w", s.group, index, err)
	}
	defer closer.Close()
	if err := decodeLog(v, l); err != nil {
		return fmt.Errorf("pebblelog: group %s: log %d: %w", s.group, index, err)
	}
	return nil
}

// StoreLog stores one entry.
func (s *Store) StoreLog(l *raft.Log) error {
	return s.StoreLogs([]*raft.Log{l})
}

// StoreLogs stores entries in one batch committed with pebble.Sync.
func (s *Store) StoreLogs(logs []*raft.Log) error {
	if len(logs) == 0 {
		return nil
	}
	if err := s.check(); err != nil {
		return err
	}
	b := s.db.NewBatch()
	defer b.Close()
	lo, hi := logs[0].Index, logs[0].Index
	var key, val []byte
	for _, l := range logs {
		key, val = s.logKey(key[:0], l.Index), appendLog(val[:0], l)
		if err := b.Set(key, val, nil); err != nil {
			return fmt.Errorf("pebblelog: group %s: store log %d: %w", s.group, l.Index, err)
		}
		lo, hi = min(lo, l.Index), max(hi, l.Index)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.stores.commit(b); err != nil {
		return fmt.Errorf("pebblelog: group %s: store logs %d-%d: %w", s.group, lo, hi, err)
	}
	s.mu.Lock()
	if s.first == 0 || lo < s.first {
		s.first = lo
	}
	s.last = max(s.last, hi)
	s.mu.Unlock()
	return nil
}

// DeleteRange deletes the entries from min to max inclusive, durably.
func (s *Store) DeleteRange(min, max uint64) error {
	if err := s.check(); err != nil {
		return err
	}
	if min > max {
		return nil
	}
	b := s.db.NewBatch()
	defer b.Close()
	end := prefixEnd(s.logPrefix)
	if max < ^uint64(0) {
		end = s.logKey(nil, max+1)
	}
	if err := b.DeleteRange(s.logKey(nil, min), end, nil); err != nil {
		return fmt.Errorf("pebblelog: group %s: delete logs %d-%d: %w", s.group, min, max, err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.stores.commit(b); err != nil {
		return fmt.Errorf("pebblelog: group %s: delete logs %d-%d: %w", s.group, min, max, err)
	}
	if err := s.loadBounds(); err != nil {
		return fmt.Errorf("pebblelog: group %s: after deleting logs %d-%d: %w", s.group, min, max, err)
	}
	return nil
}

// loadBounds reads the log's first and last index from the database.
// Callers hold writeMu, or own the store exclusively.
func (s *Store) loadBounds() error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: s.logPrefix, UpperBound: prefixEnd(s.logPrefix)})
	if err != nil {
		return err
	}
	var first, last uint64
	if it.First() {
		first = s.indexOf(it.Key())
		it.Last()
		last = s.indexOf(it.Key())
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	s.mu.Lock()
	s.first, s.last = first, last
	s.mu.Unlock()
	return nil
}

func (s *Store) indexOf(key []byte) uint64 {
	return binary.BigEndian.Uint64(key[len(s.logPrefix):])
}

// Set stores a stable value durably.
func (s *Store) Set(key, val []byte) error {
	if err := s.check(); err != nil {
		return err
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set(append(append([]byte(nil), s.stablePrefix...), key...), val, nil); err != nil {
		return fmt.Errorf("pebblelog: group %s: set %q: %w", s.group, key, err)
	}
	if err := s.stores.commit(b); err != nil {
		return fmt.Errorf("pebblelog: group %s: set %q: %w", s.group, key, err)
	}
	return nil
}

// Get returns a stable value; ErrKeyNotFound when it was never set.
func (s *Store) Get(key []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	v, closer, err := s.db.Get(append(append([]byte(nil), s.stablePrefix...), key...))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrKeyNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pebblelog: group %s: get %q: %w", s.group, key, err)
	}
	defer closer.Close()
	return append([]byte{}, v...), nil
}

// SetUint64 stores a stable uint64 durably, big-endian.
func (s *Store) SetUint64(key []byte, val uint64) error {
	return s.Set(key, binary.BigEndian.AppendUint64(nil, val))
}

// GetUint64 returns a stable uint64; 0 and ErrKeyNotFound when it was
// never set.
func (s *Store) GetUint64(key []byte) (uint64, error) {
	v, err := s.Get(key)
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("pebblelog: group %s: %q holds %d bytes, not a uint64", s.group, key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}
