package partition

import (
	"bytes"
	"fmt"
	"math"

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
	maxBytes   int // 0 means MaxPageBytes
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
	return p.readPage(sp, pageSpec{in.Limit, in.MaxBytes, in.Filter, in.Projection, in.CountOnly})
}

// Scan returns one page of a scan, in partition-key hash order.
func (p *Partition) Scan(in *ScanInput) (*Page, error) {
	sp := p.hashSpan(in.hashRange())
	if in.ExclusiveStartKey != nil {
		var err error
		if sp, err = p.startAfter(sp, in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	}
	return p.readPage(sp, pageSpec{in.Limit, in.MaxBytes, in.Filter, in.Projection, in.CountOnly})
}

// hashSpan is the key range of the items whose partition-key hash lies in
// [first, last]; empty when first > last.
func (p *Partition) hashSpan(first, last uint64) span {
	if first > last {
		return span{lower: p.ks.itemsStart(), upper: p.ks.itemsStart()}
	}
	sp := span{lower: p.ks.hashStart(first), upper: p.ks.itemsEnd()}
	if last < math.MaxUint64 {
		sp.upper = p.ks.hashStart(last + 1)
	}
	return sp
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
		item, err := attr.DecodeItem(it.Value()) // the decoded item copies what it keeps
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
	maxBytes := spec.maxBytes
	if maxBytes <= 0 {
		maxBytes = MaxPageBytes
	}
	full := (spec.limit > 0 && page.ScannedCount >= spec.limit) || page.ReadBytes >= maxBytes
	if full {
		page.LastEvaluatedKey = p.ks.schema.KeyOf(item)
	}
	return full
}

func project(item attr.Item, paths []expr.Path) attr.Item {
	if paths == nil {
		return item
	}
	return expr.Project(item, paths)
}
