package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// partitionFor returns the partition of t holding partition key value v.
func partitionFor(t *schema.Table, v attr.Value) (*schema.Partition, error) {
	h := keyenc.Hash(v)
	p := t.PartitionFor(h)
	if p == nil {
		return nil, fmt.Errorf("router: table %s has no partition for hash %d", t.Name, h)
	}
	return p, nil
}

// writeItem sends cmd to the partition of its item's partition key.
func (r *Router) writeItem(ctx context.Context, t *schema.Table, cmd *partition.Command) (partition.Result, error) {
	return withFreshMap(ctx, r, t, func(t *schema.Table) (partition.Result, error) {
		p, err := partitionFor(t, cmd.Item[t.Key.Hash.Name])
		if err != nil {
			return partition.Result{}, err
		}
		return r.cfg.Data.Write(ctx, t, p, cmd)
	})
}

// readItem reads key from the partition of its partition key.
func (r *Router) readItem(ctx context.Context, t *schema.Table, key attr.Item, consistent bool) (attr.Item, error) {
	return withFreshMap(ctx, r, t, func(t *schema.Table) (attr.Item, error) {
		p, err := partitionFor(t, key[t.Key.Hash.Name])
		if err != nil {
			return nil, err
		}
		return r.cfg.Data.Get(ctx, t, p, key, consistent)
	})
}

// readEncoded is readItem through an EncodedReader.
func (r *Router) readEncoded(ctx context.Context, er EncodedReader, t *schema.Table, key attr.Item, consistent bool) ([]byte, error) {
	return withFreshMap(ctx, r, t, func(t *schema.Table) ([]byte, error) {
		p, err := partitionFor(t, key[t.Key.Hash.Name])
		if err != nil {
			return nil, err
		}
		return er.GetEncoded(ctx, t, p, key, consistent)
	})
}

// queryPage reads one page of a query from the one partition of its
// partition key.
func (r *Router) queryPage(ctx context.Context, t *schema.Table, in *partition.QueryInput) (*partition.Page, error) {
	return withFreshMap(ctx, r, t, func(t *schema.Table) (*partition.Page, error) {
		p, err := partitionFor(t, in.Key.HashValue)
		if err != nil {
			return nil, err
		}
		return r.cfg.Data.Query(ctx, t, p, in)
	})
}

// scanPage reads one page of a scan of the hash range [in.HashFirst,
// in.HashLast]; see scanPartitions. A stale partition map restarts the
// page with the fresh one.
func (r *Router) scanPage(ctx context.Context, t *schema.Table, in *partition.ScanInput) (*partition.Page, error) {
	return withFreshMap(ctx, r, t, func(t *schema.Table) (*partition.Page, error) {
		return r.scanPartitions(ctx, t, in)
	})
}

// scanPartitions visits the partitions of t that intersect the scan's
// hash range in hash order. It resumes after in.ExclusiveStartKey in that
// key's partition and carries the remaining Limit and byte budget from one
// partition to the next; the page ends with a LastEvaluatedKey when a
// partition stops early, and without one when the range is done.
func (r *Router) scanPartitions(ctx context.Context, t *schema.Table, in *partition.ScanInput) (*partition.Page, error) {
	cur, ok := newScanCursor(t, in)
	out := &partition.Page{}
	for ; ok; ok = cur.next() {
		sub := cur.input(in, out)
		page, err := r.cfg.Data.Scan(ctx, t, cur.part(), sub)
		if err != nil {
			return nil, fmt.Errorf("router: scan partition %d: %w", cur.part().ID, err)
		}
		addPage(out, page)
		if page.LastEvaluatedKey != nil {
			out.LastEvaluatedKey = page.LastEvaluatedKey
			return out, nil
		}
	}
	return out, nil
}

// tableStats returns t's item count and size. When t's partition map
// turns out stale it re-reads t at the catalog and returns the fresh
// definition with the fresh counts; on error it returns t.
func (r *Router) tableStats(ctx context.Context, t *schema.Table) (*schema.Table, int64, int64, error) {
	items, size, err := r.cfg.Data.Stats(ctx, t)
	if !errors.Is(err, ErrStaleMap) {
		return t, items, size, err
	}
	fresh, err := r.catalogRefresh(ctx, t.Name)
	if err != nil {
		return t, 0, 0, err
	}
	items, size, err = r.cfg.Data.Stats(ctx, fresh)
	return fresh, items, size, err
}

// withFreshMap runs do on t and, when the partition map turns out stale
// (ErrStaleMap), once more on the table re-read at the catalog. The fast
// path costs nothing extra: the catalog is asked only after a node said
// the map is stale. A table that is gone by then is ResourceNotFound; so
// is one re-created with another key schema, since the request was
// validated against the old one (as if it had arrived while no table of
// that name existed).
func withFreshMap[T any](ctx context.Context, r *Router, t *schema.Table, do func(*schema.Table) (T, error)) (T, error) {
	v, err := do(t)
	if !errors.Is(err, ErrStaleMap) {
		return v, err
	}
	fresh, err := r.catalogRefresh(ctx, t.Name)
	switch {
	case dberr.Is(err, dberr.ResourceNotFound) || (err == nil && fresh.Key != t.Key):
		var zero T
		return zero, dberr.New(dberr.ResourceNotFound, "Requested resource not found")
	case err != nil:
		var zero T
		return zero, err
	}
	return do(fresh)
}

// catalogRefresh re-reads the named table as of the catalog's latest
// commit (plain Table when the Catalog cannot refresh).
func (r *Router) catalogRefresh(ctx context.Context, name string) (*schema.Table, error) {
	var t *schema.Table
	var err error
	if tr, ok := r.cfg.Catalog.(TableRefresher); ok {
		t, err = tr.RefreshTable(ctx, name)
	} else {
		t, err = r.cfg.Catalog.Table(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("router: refresh table %s: %w", name, err)
	}
	return t, nil
}

// addPage adds one partition's page to the page being built.
func addPage(out, page *partition.Page) {
	out.Items = append(out.Items, page.Items...)
	out.Count += page.Count
	out.ScannedCount += page.ScannedCount
	out.ReadBytes += page.ReadBytes
}

// scanCursor walks the partitions of a table that intersect a hash range.
type scanCursor struct {
	parts       []schema.Partition
	i           int
	first, last uint64    // the scan's hash range
	start       attr.Item // ExclusiveStartKey, for the first partition only
}

// newScanCursor positions a cursor on the first partition to read: the
// one holding the ExclusiveStartKey's hash, or the range's first hash. ok
// is false when there is nothing to read.
func newScanCursor(t *schema.Table, in *partition.ScanInput) (*scanCursor, bool) {
	c := &scanCursor{parts: t.Partitions, first: in.HashFirst, last: in.HashLast, start: in.ExclusiveStartKey}
	from := c.first
	if c.start != nil {
		h := keyenc.Hash(c.start[t.Key.Hash.Name])
		if h > c.last {
			return c, false
		}
		from = max(from, h)
	}
	for c.i < len(c.parts) && c.parts[c.i].Last < from {
		c.i++
	}
	return c, c.i < len(c.parts) && c.first <= c.last
}

func (c *scanCursor) part() *schema.Partition { return &c.parts[c.i] }

// next moves to the following partition and reports whether it
// intersects the range.
func (c *scanCursor) next() bool {
	if c.parts[c.i].Last >= c.last {
		return false
	}
	c.i++
	c.start = nil
	return c.i < len(c.parts)
}

// input is the scan input for the current partition: its share of the
// range and what is left of the page's Limit and byte budget.
func (c *scanCursor) input(in *partition.ScanInput, sofar *partition.Page) *partition.ScanInput {
	p := c.part()
	sub := *in
	sub.HashFirst, sub.HashLast = max(c.first, p.First), min(c.last, p.Last)
	sub.ExclusiveStartKey = c.start
	if in.Limit > 0 {
		sub.Limit = in.Limit - sofar.ScannedCount
	}
	budget := in.MaxBytes
	if budget <= 0 {
		budget = partition.MaxPageBytes
	}
	sub.MaxBytes = budget - sofar.ReadBytes
	return &sub
}
