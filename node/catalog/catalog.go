package catalog

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

// Observer hears of table lifecycle changes. Each call is made after the
// change is durable in the catalog, without the catalog's lock held, from
// the goroutine that made the change; calls for different tables may run
// concurrently. An Observer must not call back into the Catalog that holds
// it.
type Observer interface {
	// TableCreated is called once a new table is stored. An error fails the
	// CreateTable call, which then removes the table again.
	TableCreated(ctx context.Context, t *schema.Table) error
	// TableDeleted is called once a table is removed; it must delete all of
	// the table's items. An error leaves the tombstone in place, to be
	// retried through PendingDrops.
	TableDeleted(ctx context.Context, t *schema.Table) error
}

// Key layout, all under the catalog prefix 'c'.
const (
	prefixTable     = "ct/" // ct/<name> → JSON schema.Table
	prefixTombstone = "cd/" // cd/<first partition id, 8 bytes big-endian> → JSON schema.Table
	keyNextID       = "cn"  // next partition id, 8 bytes big-endian
)

// MaxInitialPartitions caps the partitions a new table starts with.
const MaxInitialPartitions = 64

// Config configures a Catalog.
type Config struct {
	// Observer hears of table lifecycle changes; nil for none.
	Observer Observer
	// InitialOnDemandPartitions is the number of partitions a new
	// PAY_PER_REQUEST table starts with (1 to MaxInitialPartitions).
	InitialOnDemandPartitions int
}

// DefaultConfig returns two initial on-demand partitions and no Observer.
func DefaultConfig() Config {
	return Config{InitialOnDemandPartitions: 2}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if n := c.InitialOnDemandPartitions; n < 1 || n > MaxInitialPartitions {
		return fmt.Errorf("catalog: Config.InitialOnDemandPartitions %d is not between 1 and %d", n, MaxInitialPartitions)
	}
	return nil
}

// Catalog stores table definitions in a Pebble DB.
type Catalog struct {
	db  *pebble.DB
	cfg Config
	obs Observer

	mu     sync.RWMutex
	tables map[string]*schema.Table // guarded by mu; values are never mutated
	nextID uint64                   // guarded by mu
}

var _ router.Catalog = (*Catalog)(nil)

// Open loads the catalog stored in db.
func Open(db *pebble.DB, cfg Config) (*Catalog, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Catalog{db: db, cfg: cfg, obs: cfg.Observer, tables: make(map[string]*schema.Table), nextID: 1}
	if err := c.load(); err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	return c, nil
}

func (c *Catalog) load() error {
	v, closer, err := c.db.Get([]byte(keyNextID))
	switch {
	case err == nil:
		if len(v) != 8 {
			closer.Close()
			return fmt.Errorf("next partition id is %d bytes, want 8", len(v))
		}
		c.nextID = binary.BigEndian.Uint64(v)
		closer.Close()
	case !errors.Is(err, pebble.ErrNotFound):
		return err
	}
	return scanPrefix(c.db, prefixTable, func(_, v []byte) error {
		t, err := decodeTable(v)
		if err != nil {
			return err
		}
		c.tables[t.Name] = t
		return nil
	})
}

// scanPrefix calls fn for every key with the given prefix, in key order.
func scanPrefix(db *pebble.DB, prefix string, fn func(k, v []byte) error) error {
	it, err := db.NewIter(&pebble.IterOptions{
		LowerBound: []byte(prefix),
		UpperBound: prefixEnd(prefix),
	})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	return it.Close()
}

// prefixEnd returns the smallest key greater than every key with prefix p
// (p never ends in 0xff here).
func prefixEnd(p string) []byte {
	b := []byte(p)
	b[len(b)-1]++
	return b
}

// storedTable is a table as stored. Tables stored before tables had
// several partitions carry only partitionId: they load as one partition
// covering the whole hash space.
type storedTable struct {
	schema.Table
	LegacyPartitionID uint64 `json:"partitionId,omitempty"`
}

func decodeTable(v []byte) (*schema.Table, error) {
	var st storedTable
	if err := json.Unmarshal(v, &st); err != nil {
		return nil, fmt.Errorf("decode table: %w", err)
	}
	t := &st.Table
	if len(t.Partitions) == 0 && st.LegacyPartitionID != 0 {
		t.Partitions = []schema.Partition{{ID: st.LegacyPartitionID, First: 0, Last: math.MaxUint64, Epoch: 1}}
	}
	if err := t.ValidatePartitions(); err != nil {
		return nil, fmt.Errorf("decode table: %w", err)
	}
	return t, nil
}

// partitionCount is the number of partitions a new table starts with, as
// DynamoDB sizes them: one per 3000 RCU plus one per 1000 WCU when
// provisioned, a configured number when on demand.
func (c *Catalog) partitionCount(t *schema.Table) int {
	n := c.cfg.InitialOnDemandPartitions
	if t.BillingMode != schema.BillingPayPerRequest {
		tp := t.Throughput
		units := tp.ReadCapacityUnits + 3*tp.WriteCapacityUnits // in RCU/3000 terms
		n = int(min((units+2999)/3000, MaxInitialPartitions))
	}
	return max(1, min(n, MaxInitialPartitions))
}

func tableKey(name string) []byte { return []byte(prefixTable + name) }

func tombstoneKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixTombstone), id)
}

func notFound(name string) error {
	return dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
}

// CreateTable stores t with new partitions, which it sets in t: their
// number follows t's billing mode and throughput, their ids are fresh and
// consecutive and their ranges split the hash space evenly.
func (c *Catalog) CreateTable(ctx context.Context, t *schema.Table) error {
	if err := c.insert(t); err != nil {
		return err
	}
	if c.obs == nil {
		return nil
	}
	if err := c.obs.TableCreated(ctx, t); err != nil {
		c.rollbackCreate(t)
		return fmt.Errorf("catalog: open table %s: %w", t.Name, err)
	}
	return nil
}

func (c *Catalog) insert(t *schema.Table) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.tables[t.Name]; ok {
		return dberr.New(dberr.ResourceInUse, "Table already exists: %s", t.Name)
	}
	n := c.partitionCount(t)
	t.Partitions = schema.EvenPartitions(c.nextID, n)
	stored, err := clone(t)
	if err != nil {
		return err
	}
	b := c.db.NewBatch()
	defer b.Close()
	if err := setTable(b, stored); err != nil {
		return err
	}
	_ = b.Set([]byte(keyNextID), binary.BigEndian.AppendUint64(nil, c.nextID+uint64(n)), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("catalog: create table %s: %w", t.Name, err)
	}
	c.nextID += uint64(n)
	c.tables[t.Name] = stored
	return nil
}

// rollbackCreate removes a table whose partition could not be opened.
func (c *Catalog) rollbackCreate(t *schema.Table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.tables[t.Name]; !ok || cur.Partitions[0].ID != t.Partitions[0].ID {
		return
	}
	if err := c.db.Delete(tableKey(t.Name), pebble.Sync); err != nil {
		return // the table stays; its partition opens lazily on first use
	}
	delete(c.tables, t.Name)
}

func setTable(b *pebble.Batch, t *schema.Table) error {
	v, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("catalog: encode table %s: %w", t.Name, err)
	}
	return b.Set(tableKey(t.Name), v, nil)
}

// Table returns a copy of the named table. The copy shares slices with the
// catalog's own value: callers must not modify their elements.
func (c *Catalog) Table(_ context.Context, name string) (*schema.Table, error) {
	c.mu.RLock()
	t, ok := c.tables[name]
	c.mu.RUnlock()
	if !ok {
		return nil, notFound(name)
	}
	cp := *t
	return &cp, nil
}

// Tables returns a copy of every table, ordered by name, sharing slices as
// Table does.
func (c *Catalog) Tables() []*schema.Table {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*schema.Table, 0, len(c.tables))
	for _, t := range c.tables {
		cp := *t
		out = append(out, &cp)
	}
	slices.SortFunc(out, func(a, b *schema.Table) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// ListTables returns all table names in ascending order.
func (c *Catalog) ListTables(context.Context) ([]string, error) {
	c.mu.RLock()
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	c.mu.RUnlock()
	slices.Sort(names)
	return names, nil
}

// UpdateTable applies fn to a deep copy of the named table and stores the
// result if fn returns nil. fn runs with the catalog's write lock held and
// must not call the Catalog. The table's name and partitions cannot change.
func (c *Catalog) UpdateTable(_ context.Context, name string, fn func(*schema.Table) error) (*schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.tables[name]
	if !ok {
		return nil, notFound(name)
	}
	next, err := clone(cur)
	if err != nil {
		return nil, err
	}
	if err := fn(next); err != nil {
		return nil, err
	}
	next.Name, next.Partitions = cur.Name, cur.Partitions
	b := c.db.NewBatch()
	defer b.Close()
	if err := setTable(b, next); err != nil {
		return nil, err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return nil, fmt.Errorf("catalog: update table %s: %w", name, err)
	}
	c.tables[name] = next
	return clone(next)
}

// DeleteTable removes the table, has the Observer drop its items and
// returns the table's last definition.
func (c *Catalog) DeleteTable(ctx context.Context, name string) (*schema.Table, error) {
	t, err := c.remove(name)
	if err != nil {
		return nil, err
	}
	if err := c.finishDrop(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// remove deletes the table and writes its tombstone in one synced batch.
// The returned value is no longer shared with the catalog.
func (c *Catalog) remove(name string) (*schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, notFound(name)
	}
	v, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("catalog: encode table %s: %w", name, err)
	}
	b := c.db.NewBatch()
	defer b.Close()
	_ = b.Delete(tableKey(name), nil)
	_ = b.Set(tombstoneKey(t.Partitions[0].ID), v, nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return nil, fmt.Errorf("catalog: delete table %s: %w", name, err)
	}
	delete(c.tables, name)
	return t, nil
}

// finishDrop has the Observer drop t's items, then clears its tombstone.
func (c *Catalog) finishDrop(ctx context.Context, t *schema.Table) error {
	if c.obs != nil {
		if err := c.obs.TableDeleted(ctx, t); err != nil {
			return fmt.Errorf("catalog: drop table %s: %w", t.Name, err)
		}
	}
	if err := c.db.Delete(tombstoneKey(t.Partitions[0].ID), pebble.Sync); err != nil {
		return fmt.Errorf("catalog: clear tombstone of %s: %w", t.Name, err)
	}
	return nil
}

// PendingDrops returns the tables deleted from the catalog whose items may
// not all be dropped yet (the process stopped in between).
func (c *Catalog) PendingDrops() ([]*schema.Table, error) {
	var out []*schema.Table
	err := scanPrefix(c.db, prefixTombstone, func(_, v []byte) error {
		t, err := decodeTable(v)
		if err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: read tombstones: %w", err)
	}
	return out, nil
}

// FinishDrops completes every pending drop through the Observer.
func (c *Catalog) FinishDrops(ctx context.Context) error {
	pending, err := c.PendingDrops()
	if err != nil {
		return err
	}
	for _, t := range pending {
		if err := c.finishDrop(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// clone returns a deep copy of t. A JSON round trip copies every field the
// catalog persists, including ones added to schema.Table later.
func clone(t *schema.Table) (*schema.Table, error) {
	v, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("catalog: encode table %s: %w", t.Name, err)
	}
	return decodeTable(v)
}
