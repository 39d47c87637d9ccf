package router

import (
	"context"
	"fmt"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
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
	p, err := partitionFor(t, cmd.Item[t.Key.Hash.Name])
	if err != nil {
		return partition.Result{}, err
	}
	return r.cfg.Data.Write(ctx, t, p, cmd)
}

// readItem reads key from the partition of its partition key.
func (r *Router) readItem(ctx context.Context, t *schema.Table, key attr.Item, consistent bool) (attr.Item, error) {
	p, err := partitionFor(t, key[t.Key.Hash.Name])
	if err != nil {
		return nil, err
	}
	return r.cfg.Data.Get(ctx, t, p, key, consistent)
}

// queryPage reads one page of a query from the one partition of its
// partition key.
func (r *Router) queryPage(ctx context.Context, t *schema.Table, in *partition.QueryInput) (*partition.Page, error) {
	p, err := partitionFor(t, in.Key.HashValue)
	if err != nil {
		return nil, err
	}
	return r.cfg.Data.Query(ctx, t, p, in)
}

// scanPage reads one page of a scan of the hash range [in.HashFirst,
// in.HashLast], visiting the partitions that intersect it in hash order.
// It resumes after in.ExclusiveStartKey in that key's partition and carries
// the remaining Limit and byte budget from one partition to the next; the
// page ends with a LastEvaluatedKey when a partition stops early, and
// without one when the range is done.
func (r *Router) scanPage(ctx context.Context, t *schema.Table, in *partition.ScanInput) (*partition.Page, error) {
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
