package router

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// fakeCatalog is an in-memory Catalog. Tables are stored by value so that
// callers never share a *schema.Table with the catalog.
type fakeCatalog struct {
	mu      sync.Mutex
	tables  map[string]schema.Table
	nextPID uint64
}

var _ Catalog = (*fakeCatalog)(nil)

func newFakeCatalog() *fakeCatalog {
	return &fakeCatalog{tables: map[string]schema.Table{}}
}

// copyTable returns a deep copy of t's slices and pointers.
func copyTable(t schema.Table) *schema.Table {
	t.AttributeDefinitions = slices.Clone(t.AttributeDefinitions)
	t.Tags = slices.Clone(t.Tags)
	t.Partitions = slices.Clone(t.Partitions)
	if t.SSE != nil {
		sse := *t.SSE
		t.SSE = &sse
	}
	return &t
}

func (c *fakeCatalog) CreateTable(_ context.Context, t *schema.Table) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.tables[t.Name]; ok {
		return dberr.New(dberr.ResourceInUse, "Table already exists: %s", t.Name)
	}
	c.nextPID++
	t.Partitions = schema.EvenPartitions(c.nextPID, 1)
	c.tables[t.Name] = *copyTable(*t)
	return nil
}

func (c *fakeCatalog) Table(_ context.Context, name string) (*schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
	}
	return copyTable(t), nil
}

func (c *fakeCatalog) ListTables(context.Context) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

func (c *fakeCatalog) UpdateTable(_ context.Context, name string, fn func(*schema.Table) error) (*schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
	}
	cp := copyTable(t)
	if err := fn(cp); err != nil {
		return nil, err
	}
	c.tables[name] = *copyTable(*cp)
	return cp, nil
}

func (c *fakeCatalog) DeleteTable(_ context.Context, name string) (*schema.Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
	}
	delete(c.tables, name)
	return copyTable(t), nil
}

// errFakeUnset is returned by fakeData methods whose function field is nil.
var errFakeUnset = errors.New("fakeData: method not set")

// fakeData is a Data whose behaviour is given by function fields, which
// do not see the partition; a nil field fails with errFakeUnset, except
// Stats, which reports the items and bytes fields.
type fakeData struct {
	mu      sync.Mutex
	items   int64
	bytes   int64
	writeFn func(ctx context.Context, t *schema.Table, cmd *partition.Command) (partition.Result, error)
	getFn   func(ctx context.Context, t *schema.Table, key attr.Item, consistent bool) (attr.Item, error)
	queryFn func(ctx context.Context, t *schema.Table, in *partition.QueryInput) (*partition.Page, error)
	scanFn  func(ctx context.Context, t *schema.Table, in *partition.ScanInput) (*partition.Page, error)
}

var _ Data = (*fakeData)(nil)

func (d *fakeData) Write(ctx context.Context, t *schema.Table, _ *schema.Partition, cmd *partition.Command) (partition.Result, error) {
	if d.writeFn == nil {
		return partition.Result{}, errFakeUnset
	}
	return d.writeFn(ctx, t, cmd)
}

func (d *fakeData) Get(ctx context.Context, t *schema.Table, _ *schema.Partition, key attr.Item, consistent bool) (attr.Item, error) {
	if d.getFn == nil {
		return nil, errFakeUnset
	}
	return d.getFn(ctx, t, key, consistent)
}

func (d *fakeData) Query(ctx context.Context, t *schema.Table, _ *schema.Partition, in *partition.QueryInput) (*partition.Page, error) {
	if d.queryFn == nil {
		return nil, errFakeUnset
	}
	return d.queryFn(ctx, t, in)
}

func (d *fakeData) Scan(ctx context.Context, t *schema.Table, _ *schema.Partition, in *partition.ScanInput) (*partition.Page, error) {
	if d.scanFn == nil {
		return nil, errFakeUnset
	}
	return d.scanFn(ctx, t, in)
}

func (d *fakeData) Stats(context.Context, *schema.Table) (items, bytes int64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items, d.bytes, nil
}
