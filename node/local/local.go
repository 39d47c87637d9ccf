package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

// Replica is the partition state machine as the Store uses it;
// *partition.Partition implements it.
type Replica interface {
	ApplyBatch(first uint64, cmds []*partition.Command) ([]partition.Result, error)
	AppliedIndex() uint64
	Get(key attr.Item) (attr.Item, error)
	Query(in *partition.QueryInput) (*partition.Page, error)
	Scan(in *partition.ScanInput) (*partition.Page, error)
	Stats() (items, bytes int64)
	Drop() error
}

var _ Replica = (*partition.Partition)(nil)

// OpenFunc opens the partition with the given id and key schema.
type OpenFunc func(id uint64, key schema.KeySchema) (Replica, error)

// Config configures a Store.
type Config struct {
	// Open opens a partition. Required.
	Open OpenFunc
	// MaxBatch is the most writes applied in one storage batch.
	MaxBatch int
	// QueueDepth is the number of writes that may wait for a partition's
	// writer before callers block.
	QueueDepth int
	// Logger receives writer faults; nil discards.
	Logger *slog.Logger
}

// DefaultConfig returns the default batching settings and no Open.
func DefaultConfig() Config {
	return Config{MaxBatch: 256, QueueDepth: 1024}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Open == nil:
		return errors.New("local: Config.Open is nil")
	case c.MaxBatch < 1:
		return fmt.Errorf("local: Config.MaxBatch %d is less than 1", c.MaxBatch)
	case c.QueueDepth < 0:
		return fmt.Errorf("local: Config.QueueDepth %d is negative", c.QueueDepth)
	}
	return nil
}

// Store holds this node's partitions.
type Store struct {
	cfg Config
	log *slog.Logger

	ctx    context.Context // ends on Close; parent of every writer
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.RWMutex
	parts   map[uint64]*writer // guarded by mu
	dropped map[uint64]bool    // guarded by mu; ids are never reused
	closed  bool               // guarded by mu
}

var _ router.Data = (*Store)(nil)

// New returns an empty Store.
func New(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Store{
		cfg: cfg, log: log.With("component", "local"),
		ctx: ctx, cancel: cancel,
		parts: make(map[uint64]*writer), dropped: make(map[uint64]bool),
	}, nil
}

// errClosed is returned once the Store is closed.
var errClosed = dberr.New(dberr.Unavailable, "The server is shutting down")

func tableGone(t *schema.Table) error {
	return dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", t.Name)
}

// partition returns the writer of partition p of t, opening it on first
// use.
func (s *Store) partition(t *schema.Table, p *schema.Partition) (*writer, error) {
	s.mu.RLock()
	w, ok := s.parts[p.ID]
	closed := s.closed
	s.mu.RUnlock()
	if ok && !closed {
		return w, nil
	}
	return s.open(t, p)
}

// open opens partition p of t and starts its writer, unless another caller
// did.
func (s *Store) open(t *schema.Table, p *schema.Partition) (*writer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	if w, ok := s.parts[p.ID]; ok {
		return w, nil
	}
	if s.dropped[p.ID] {
		return nil, tableGone(t)
	}
	r, err := s.cfg.Open(p.ID, t.Key)
	if err != nil {
		return nil, fmt.Errorf("local: open partition %d of table %s: %w", p.ID, t.Name, err)
	}
	w := newWriter(r, s.cfg.MaxBatch, s.cfg.QueueDepth, s.log.With("partition", p.ID))
	s.parts[p.ID] = w
	s.goFunc(w.run)
	return w, nil
}

// goFunc runs fn on a goroutine that Close waits for.
func (s *Store) goFunc(fn func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn(s.ctx)
	}()
}

// TableCreated opens every partition of the new table.
func (s *Store) TableCreated(_ context.Context, t *schema.Table) error {
	for i := range t.Partitions {
		if _, err := s.partition(t, &t.Partitions[i]); err != nil {
			return err
		}
	}
	return nil
}

// TableDeleted stops the writers of the table's partitions and deletes all
// of their items.
func (s *Store) TableDeleted(ctx context.Context, t *schema.Table) error {
	for i := range t.Partitions {
		if err := s.dropPartition(ctx, t, &t.Partitions[i]); err != nil {
			return err
		}
	}
	return nil
}

// dropPartition stops p's writer, if running, and deletes p's items.
func (s *Store) dropPartition(ctx context.Context, t *schema.Table, p *schema.Partition) error {
	w, err := s.forget(p.ID)
	if err != nil {
		return err
	}
	if w == nil {
		r, err := s.cfg.Open(p.ID, t.Key)
		if err != nil {
			return fmt.Errorf("local: open partition %d to drop it: %w", p.ID, err)
		}
		return dropReplica(r, t, p.ID)
	}
	if err := w.stop(ctx); err != nil {
		return err
	}
	return dropReplica(w.r, t, p.ID)
}

func dropReplica(r Replica, t *schema.Table, id uint64) error {
	if err := r.Drop(); err != nil {
		return fmt.Errorf("local: drop partition %d of table %s: %w", id, t.Name, err)
	}
	return nil
}

// forget marks partition id dropped and returns its writer, if open.
func (s *Store) forget(id uint64) (*writer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	s.dropped[id] = true
	w := s.parts[id]
	delete(s.parts, id)
	return w, nil
}

// Close stops every writer, failing the writes still queued, and waits for
// them. It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// Write applies cmd to partition p of t and returns its result once
// durable.
func (s *Store) Write(ctx context.Context, t *schema.Table, p *schema.Partition, cmd *partition.Command) (partition.Result, error) {
	w, err := s.partition(t, p)
	if err != nil {
		return partition.Result{}, err
	}
	return w.write(ctx, cmd)
}

// Get returns the item with the given primary key from partition p, or
// nil. Every read is strongly consistent.
func (s *Store) Get(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, _ bool) (attr.Item, error) {
	w, err := s.partition(t, p)
	if err != nil {
		return nil, err
	}
	return w.r.Get(key)
}

// Query returns one page of a query of partition p.
func (s *Store) Query(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.QueryInput) (*partition.Page, error) {
	w, err := s.partition(t, p)
	if err != nil {
		return nil, err
	}
	return w.r.Query(in)
}

// Scan returns one page of a scan of partition p.
func (s *Store) Scan(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.ScanInput) (*partition.Page, error) {
	w, err := s.partition(t, p)
	if err != nil {
		return nil, err
	}
	return w.r.Scan(in)
}

// Stats returns the table's item count and size in bytes, summed over its
// partitions.
func (s *Store) Stats(ctx context.Context, t *schema.Table) (items, bytes int64, err error) {
	for i := range t.Partitions {
		w, err := s.partition(t, &t.Partitions[i])
		if err != nil {
			return 0, 0, err
		}
		n, b := w.r.Stats()
		items, bytes = items+n, bytes+b
	}
	return items, bytes, nil
}
