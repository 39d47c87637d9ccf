package router

import (
	"context"
	"errors"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Catalog stores table definitions. Errors are *dberr.Error values
// (ResourceNotFound, ResourceInUse) or internal faults.
type Catalog interface {
	// CreateTable stores a new table, assigning its Partitions; it fails
	// with ResourceInUse if the name is taken.
	CreateTable(ctx context.Context, t *schema.Table) error
	// Table returns the named table or ResourceNotFound.
	Table(ctx context.Context, name string) (*schema.Table, error)
	// ListTables returns all table names in ascending order.
	ListTables(ctx context.Context) ([]string, error)
	// UpdateTable applies fn to a copy of the named table and stores the
	// result if fn returns nil. When fn fails, nothing is stored and fn's
	// error is returned so that errors.As still finds it (the router
	// reports the *dberr.Error fn returned to the client).
	UpdateTable(ctx context.Context, name string, fn func(*schema.Table) error) (*schema.Table, error)
	// DeleteTable removes the table and all its items and returns its
	// last definition.
	DeleteTable(ctx context.Context, name string) (*schema.Table, error)
}

// Data reads and writes items of a table's partitions. The router picks
// the partition p (one of t.Partitions) from the partition key's hash
// (keyenc.Hash); a Scan is asked for the hash range it covers within p.
type Data interface {
	// Write applies one command to partition p durably and returns its
	// result; a failed condition is reported in Result.Err, a fault in the
	// error.
	Write(ctx context.Context, t *schema.Table, p *schema.Partition, cmd *partition.Command) (partition.Result, error)
	// Get returns the item with the given primary key from partition p, or
	// nil.
	Get(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, consistent bool) (attr.Item, error)
	// Query returns one page of a query of partition p.
	Query(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.QueryInput) (*partition.Page, error)
	// Scan returns one page of a scan of partition p within
	// [in.HashFirst, in.HashLast].
	Scan(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.ScanInput) (*partition.Page, error)
	// Stats returns the table's item count and size in bytes, summed over
	// its partitions.
	Stats(ctx context.Context, t *schema.Table) (items, bytes int64, err error)
}

// EncodedReader is an optional Data capability: GetEncoded returns, as
// Data.Get would return the item, the storage encoding (attr.AppendItem)
// of the item with the given primary key, or nil. GetItem without a
// projection writes its JSON straight from the encoding.
type EncodedReader interface {
	GetEncoded(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, consistent bool) ([]byte, error)
}

// ErrStaleMap is wrapped by a Data call that found the caller's partition
// map out of date: the partition it was sent to no longer exists or its
// replicas moved, as a node whose catalog is newer said. Nothing was
// applied. The router re-reads the table (TableRefresher) and retries once
// with the fresh map. A Data implementation wraps it together with a
// *dberr.Error of kind Unavailable, so that a caller that does not retry
// reports a retryable error.
var ErrStaleMap = errors.New("router: partition map is stale")

// TableRefresher is an optional Catalog capability: a Catalog whose Table
// may answer from a lagging copy implements it. RefreshTable returns the
// named table as of the catalog's latest commit (and brings the local copy
// up to date), or ResourceNotFound.
type TableRefresher interface {
	RefreshTable(ctx context.Context, name string) (*schema.Table, error)
}

// SharedTableReader is an optional Catalog capability: SharedTable returns
// the named table like Catalog.Table, but without copying it, so the data
// path does not pay for a deep copy per request. The result is shared with
// other callers: the router never modifies it.
type SharedTableReader interface {
	SharedTable(ctx context.Context, name string) (*schema.Table, error)
}
