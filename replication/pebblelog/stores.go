package pebblelog

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	dto "github.com/prometheus/client_model/go"
)

// ErrGroupOpen is returned by Stores.Open for a group already open.
var ErrGroupOpen = errors.New("pebblelog: group already open")

// Stores hands out the log stores of a node's groups, all in one Pebble
// database.
type Stores struct {
	db *pebble.DB

	mu   sync.Mutex
	open map[string]bool // groups with an open Store; guarded by mu

	commits atomic.Uint64 // synced batches committed by every Store
}

// New returns the Stores of db. The caller closes db after closing every
// Store.
func New(db *pebble.DB) *Stores {
	return &Stores{db: db, open: map[string]bool{}}
}

// Open opens group's store, loading its first and last index.
func (s *Stores) Open(group string) (*Store, error) {
	if err := validGroup(group); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[group] {
		return nil, fmt.Errorf("%w: %s", ErrGroupOpen, group)
	}
	st := newStore(s, group)
	if err := st.loadBounds(); err != nil {
		return nil, fmt.Errorf("pebblelog: open group %s: %w", group, err)
	}
	s.open[group] = true
	return st, nil
}

// release forgets that group is open.
func (s *Stores) release(group string) {
	s.mu.Lock()
	delete(s.open, group)
	s.mu.Unlock()
}

// Drop deletes every key of group, durably. The group must not be open.
func (s *Stores) Drop(group string) error {
	if err := validGroup(group); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[group] {
		return fmt.Errorf("pebblelog: drop group %s: %w", group, ErrGroupOpen)
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, p := range [][]byte{logPrefix(group), stablePrefix(group)} {
		if err := b.DeleteRange(p, prefixEnd(p), nil); err != nil {
			return fmt.Errorf("pebblelog: drop group %s: %w", group, err)
		}
	}
	if err := s.commit(b); err != nil {
		return fmt.Errorf("pebblelog: drop group %s: %w", group, err)
	}
	return nil
}

// commit commits b durably and counts it.
func (s *Stores) commit(b *pebble.Batch) error {
	if err := b.Commit(pebble.Sync); err != nil {
		return err
	}
	s.commits.Add(1)
	return nil
}

// Counters are the database's write counters since it was opened.
type Counters struct {
	// Commits counts the synced batches the Stores committed: each log
	// append, log deletion and stable write is one.
	Commits uint64
	// WALSyncs counts the write-ahead log's fsyncs, every writer's
	// (Pebble's own included). Commits/WALSyncs is how many batches
	// shared an fsync.
	WALSyncs uint64
}

// Counters returns the current counters.
func (s *Stores) Counters() Counters {
	return Counters{Commits: s.commits.Load(), WALSyncs: walSyncs(s.db)}
}

// walSyncs reads the number of WAL fsyncs from the sample count of
// Pebble's WAL fsync latency histogram, which observes every sync.
func walSyncs(db *pebble.DB) uint64 {
	h := db.Metrics().LogWriter.FsyncLatency
	if h == nil {
		return 0
	}
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		return 0
	}
	return m.GetHistogram().GetSampleCount()
}

// validGroup rejects names that would make one group's prefix a prefix of
// another's.
func validGroup(group string) error {
	for i := 0; i < len(group); i++ {
		if group[i] == '/' {
			return fmt.Errorf("pebblelog: group name %q contains '/'", group)
		}
	}
	if group == "" {
		return errors.New("pebblelog: empty group name")
	}
	return nil
}

func logPrefix(group string) []byte    { return []byte("rl/" + group + "/") }
func stablePrefix(group string) []byte { return []byte("rs/" + group + "/") }

// prefixEnd is the smallest key after every key that starts with p, which
// ends in '/'.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	end[len(end)-1]++
	return end
}
