package partition

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
)

// span is a range of storage keys [lower, upper) read in one direction.
type span struct {
	lower, upper []byte
	reverse      bool
}

// pageSpec is what a page keeps of the items it reads.
type pageSpec struct {
	limit      int
	filter     *expr.Condition
	projection []expr.Path
	countOnly  bool
}

// Query returns one page of items of one partition key, in sort-key order
// (reversed when !in.Forward).
func (p *Partition) Query(in *QueryInput) (*Page, error) {
	sp, err := p.querySpan(in.Key)
	if err != nil {
		return nil, err
	}
	sp.reverse = !in.Forward
	if in.ExclusiveStartKey != nil {
		if sp, err = p.startAfter(sp, in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	}
	return p.readPage(sp, pageSpec{in.Limit, in.Filter, in.Projection, in.CountOnly})
}

// Scan returns one page of a scan, in partition-key hash order.
func (p *Partition) Scan(in *ScanInput) (*Page, error) {
	sp, err := p.segmentSpan(in.Segment, in.TotalSegments)
	if err != nil {
		return nil, err
	}
	if in.ExclusiveStartKey != nil {
		if sp, err = p.startAfter(sp, in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	}
	return p.readPage(sp, pageSpec{in.Limit, in.Filter, in.Projection, in.CountOnly})
}

// segmentSpan is the key range of parallel scan segment seg of total: the
// hash range [seg*2^64/total, (seg+1)*2^64/total).
func (p *Partition) segmentSpan(seg, total int) (span, error) {
	if total <= 0 {
		return span{lower: p.ks.itemsStart(), upper: p.ks.itemsEnd()}, nil
	}
	if seg < 0 || seg >= total {
		return span{}, dberr.Validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", seg, total)
	}
	sp := span{lower: p.ks.hashStart(segmentStart(seg, total)), upper: p.ks.itemsEnd()}
	if seg+1 < total {
		sp.upper = p.ks.hashStart(segmentStart(seg+1, total))
	}
	return sp, nil
}

// segmentStart is floor(seg * 2^64 / total).
func segmentStart(seg, total int) uint64 {
	q, _ := bits.Div64(uint64(seg), 0, uint64(total))
	return q
}

// querySpan turns a key condition into a key range.
func (p *Partition) querySpan(kc *expr.KeyCondition) (span, error) {
	base, err := p.ks.hashKeyPrefix(kc.HashValue)
	if err != nil {
		return span{}, dberr.Validationf("Query condition missed key schema element: %s", p.ks.schema.Hash.Name)
	}
	whole := span{lower: base, upper: keyenc.PrefixEnd(base)}
	if kc.Op == expr.RangeNone {
		return whole, nil
	}
	enc := func(v attr.Value) ([]byte, error) {
		return keyenc.Append(bytes.Clone(base), v)
	}
	lo, err := enc(kc.Values[0])
	if err != nil {
		return span{}, fmt.Errorf("partition: encode sort key bound: %w", err)
	}
	switch kc.Op {
	case expr.RangeEQ:
		return span{lower: lo, upper: after(lo)}, nil
	case expr.RangeLT:
		return span{lower: base, upper: lo}, nil
	case expr.RangeLE:
		return span{lower: base, upper: after(lo)}, nil
	case expr.RangeGT:
		return span{lower: after(lo), upper: whole.upper}, nil
	case expr.RangeGE:
		return span{lower: lo, upper: whole.upper}, nil
	case expr.RangeBetween:
		hi, err := enc(kc.Values[1])
		if err != nil {
			return span{}, fmt.Errorf("partition: encode sort key bound: %w", err)
		}
		return span{lower: lo, upper: after(hi)}, nil
	case expr.RangeBeginsWith:
		pre, err := keyenc.AppendPrefix(bytes.Clone(base), kc.Values[0])
		if err != nil {
			return span{}, fmt.Errorf("partition: encode begins_with prefix: %w", err)
		}
		return span{lower: pre, upper: keyenc.PrefixEnd(pre)}, nil
	}
	return span{}, fmt.Errorf("partition: unknown key condition operator %d", kc.Op)
}

// after is the smallest key greater than k: since key encodings are
// self-delimiting, no item key lies strictly between k and k+0x00.
func after(k []byte) []byte {
	return append(bytes.Clone(k), 0x00)
}

// startAfter narrows sp to the keys after (in its direction) the item with
// key esk.
func (p *Partition) startAfter(sp span, esk attr.Item) (span, error) {
	k, err := p.ks.itemKey(esk)
	if err != nil {
		return span{}, err
	}
	if sp.reverse {
		if sp.upper == nil || bytes.Compare(k, sp.upper) < 0 {
			sp.upper = k
		}
		return sp, nil
	}
	if a := after(k); bytes.Compare(a, sp.lower) > 0 {
		sp.lower = a
	}
	return sp, nil
}

// readPage reads items of sp until the limit, 1 MB or the end of sp.
func (p *Partition) readPage(sp span, spec pageSpec) (*Page, error) {
	page := &Page{}
	if sp.upper != nil && bytes.Compare(sp.lower, sp.upper) >= 0 {
		return page, nil
	}
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: sp.lower, UpperBound: sp.upper})
	if err != nil {
		return nil, fmt.Errorf("partition %d: open iterator: %w", p.id, err)
	}
	defer it.Close()
	valid := it.First()
	if sp.reverse {
		valid = it.Last()
	}
	for ; valid; valid = step(it, sp.reverse) {
		item, err := attr.DecodeItem(bytes.Clone(it.Value()))
		if err != nil {
			return nil, fmt.Errorf("partition %d: decode item %x: %w", p.id, it.Key(), err)
		}
		if p.addToPage(page, item, spec) {
			break
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("partition %d: iterate: %w", p.id, err)
	}
	return page, nil
}

func step(it *pebble.Iterator, reverse bool) bool {
	if reverse {
		return it.Prev()
	}
	return it.Next()
}

// addToPage evaluates one item and reports whether the page is full, in
// which case it sets LastEvaluatedKey.
func (p *Partition) addToPage(page *Page, item attr.Item, spec pageSpec) bool {
	page.ScannedCount++
	page.ReadBytes += attr.ItemSize(item)
	if spec.filter == nil || spec.filter.Eval(item) {
		page.Count++
		if !spec.countOnly {
			page.Items = append(page.Items, project(item, spec.projection))
		}
	}
	full := (spec.limit > 0 && page.ScannedCount >= spec.limit) || page.ReadBytes >= MaxPageBytes
	if full {
		page.LastEvaluatedKey = p.ks.keyOf(item)
	}
	return full
}

func project(item attr.Item, paths []expr.Path) attr.Item {
	if paths == nil {
		return item
	}
	return expr.Project(item, paths)
}
