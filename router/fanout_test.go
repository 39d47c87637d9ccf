package router

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// partData is a Data over real partitions in one in-memory Pebble. It
// fails any request sent to a partition that does not own the key's hash
// or a scan range outside the partition.
type partData struct {
	parts map[uint64]*partition.Partition
}

var _ Data = (*partData)(nil)

func newPartData(t *testing.T, tb *schema.Table) *partData {
	t.Helper()
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem(), Logger: quietPebble{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	d := &partData{parts: map[uint64]*partition.Partition{}}
	for _, p := range tb.Partitions {
		if d.parts[p.ID], err = partition.Open(db, p.ID, tb.Key); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

type quietPebble struct{}

func (quietPebble) Infof(string, ...any)         {}
func (quietPebble) Errorf(string, ...any)        {}
func (quietPebble) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func (d *partData) owns(t *schema.Table, p *schema.Partition, v attr.Value) error {
	if h := keyenc.Hash(v); !p.Contains(h) {
		return fmt.Errorf("partition %d [%d, %d] sent key hash %d", p.ID, p.First, p.Last, h)
	}
	return nil
}

func (d *partData) Write(_ context.Context, t *schema.Table, p *schema.Partition, cmd *partition.Command) (partition.Result, error) {
	if err := d.owns(t, p, cmd.Item[t.Key.Hash.Name]); err != nil {
		return partition.Result{}, err
	}
	r := d.parts[p.ID]
	res, err := r.ApplyBatch(r.AppliedIndex()+1, []*partition.Command{cmd})
	if err != nil {
		return partition.Result{}, err
	}
	return res[0], nil
}

func (d *partData) Get(_ context.Context, t *schema.Table, p *schema.Partition, key attr.Item, _ bool) (attr.Item, error) {
	if err := d.owns(t, p, key[t.Key.Hash.Name]); err != nil {
		return nil, err
	}
	return d.parts[p.ID].Get(key)
}

func (d *partData) Query(_ context.Context, t *schema.Table, p *schema.Partition, in *partition.QueryInput) (*partition.Page, error) {
	if err := d.owns(t, p, in.Key.HashValue); err != nil {
		return nil, err
	}
	return d.parts[p.ID].Query(in)
}

func (d *partData) Scan(_ context.Context, _ *schema.Table, p *schema.Partition, in *partition.ScanInput) (*partition.Page, error) {
	if in.HashFirst < p.First || in.HashLast > p.Last || in.HashFirst > in.HashLast {
		return nil, fmt.Errorf("partition %d [%d, %d] asked to scan [%d, %d]", p.ID, p.First, p.Last, in.HashFirst, in.HashLast)
	}
	return d.parts[p.ID].Scan(in)
}

func (d *partData) Stats(context.Context, *schema.Table) (items, bytes int64, err error) {
	for _, p := range d.parts {
		n, b := p.Stats()
		items, bytes = items+n, bytes+b
	}
	return items, bytes, nil
}

// fanoutEnv is a Router over a table of several partitions holding
// fanoutItems items.
type fanoutEnv struct {
	r  *Router
	t  *schema.Table
	d  *partData
	pk map[string]bool // "pk/sk" of every item
}

const fanoutItems = 93 // three items for each of 31 partition keys

func newFanoutEnv(t *testing.T, nparts int) *fanoutEnv {
	t.Helper()
	tb := &schema.Table{Name: "multi", Partitions: schema.EvenPartitions(1, nparts), Key: schema.KeySchema{
		Hash:  schema.KeyAttr{Name: "pk", Type: attr.TypeS},
		Range: schema.KeyAttr{Name: "sk", Type: attr.TypeN},
	}}
	e := &fanoutEnv{t: tb, d: newPartData(t, tb), pk: map[string]bool{}}
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = newFakeCatalog(), e.d
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.r = r
	for i := range fanoutItems {
		pk, sk := fmt.Sprint("user", i%31), fmt.Sprint(i)
		item := attr.Item{"pk": attr.Str(pk), "sk": {T: attr.TypeN, S: sk}}
		res, err := r.writeItem(context.Background(), tb, &partition.Command{Op: partition.OpPut, Item: item})
		if err != nil || res.Err != nil {
			t.Fatalf("put %s/%s: %v %v", pk, sk, err, res.Err)
		}
		e.pk[pk+"/"+sk] = true
	}
	return e
}

// scanAll pages through the scan of [first, last] and returns every item's
// "pk/sk" in order and the number of pages.
func (e *fanoutEnv) scanAll(t *testing.T, first, last uint64, limit int) ([]string, []uint64) {
	t.Helper()
	in := &partition.ScanInput{HashFirst: first, HashLast: last, Limit: limit}
	var keys []string
	var hashes []uint64
	for pages := 0; pages < 10*fanoutItems; pages++ {
		page, err := e.r.scanPage(context.Background(), e.t, in)
		if err != nil {
			t.Fatal(err)
		}
		if limit > 0 && page.ScannedCount > limit {
			t.Fatalf("page scanned %d items, limit %d", page.ScannedCount, limit)
		}
		if page.Count != len(page.Items) {
			t.Fatalf("Count %d, %d items", page.Count, len(page.Items))
		}
		for _, it := range page.Items {
			keys = append(keys, it["pk"].S+"/"+it["sk"].S)
			hashes = append(hashes, keyenc.Hash(it["pk"]))
		}
		if page.LastEvaluatedKey == nil {
			return keys, hashes
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
	t.Fatal("scan does not terminate")
	return nil, nil
}

func TestScanFanoutPagesAcrossPartitions(t *testing.T) {
	e := newFanoutEnv(t, 4)
	for limit := range 8 {
		t.Run(fmt.Sprint("limit=", limit), func(t *testing.T) {
			keys, hashes := e.scanAll(t, 0, math.MaxUint64, limit)
			checkOnce(t, e.pk, keys)
			for i := 1; i < len(hashes); i++ {
				if hashes[i] < hashes[i-1] {
					t.Fatalf("item %d (%s) out of hash order", i, keys[i])
				}
			}
		})
	}
}

func checkOnce(t *testing.T, want map[string]bool, keys []string) {
	t.Helper()
	seen := map[string]int{}
	for _, k := range keys {
		seen[k]++
		if !want[k] || seen[k] > 1 {
			t.Fatalf("item %s returned %d times (stored: %v)", k, seen[k], want[k])
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("returned %d distinct items, want %d", len(seen), len(want))
	}
}

func TestScanSegmentsTimesPartitionsCoverEveryItemOnce(t *testing.T) {
	for _, nparts := range []int{1, 3, 4} {
		e := newFanoutEnv(t, nparts)
		for _, total := range []int{1, 2, 3, 5, 8} {
			for _, limit := range []int{0, 4} {
				t.Run(fmt.Sprintf("partitions=%d/segments=%d/limit=%d", nparts, total, limit), func(t *testing.T) {
					var keys []string
					for seg := range total {
						k, _ := e.scanAll(t, schema.SegmentStart(seg, total), schema.SegmentEnd(seg, total), limit)
						keys = append(keys, k...)
					}
					checkOnce(t, e.pk, keys)
				})
			}
		}
	}
}

func TestScanFanoutCarriesByteBudget(t *testing.T) {
	e := newFanoutEnv(t, 4)
	size := attr.ItemSize(attr.Item{"pk": attr.Str("user10"), "sk": {T: attr.TypeN, S: "10"}})
	in := &partition.ScanInput{HashFirst: 0, HashLast: math.MaxUint64, MaxBytes: 30 * size}
	var keys []string
	for pages := 0; ; pages++ {
		if pages > fanoutItems {
			t.Fatal("scan does not terminate")
		}
		page, err := e.r.scanPage(context.Background(), e.t, in)
		if err != nil {
			t.Fatal(err)
		}
		if page.LastEvaluatedKey != nil && (page.ReadBytes < 30*size || page.ReadBytes > 31*size) {
			t.Fatalf("page read %d bytes, want about %d", page.ReadBytes, 30*size)
		}
		for _, it := range page.Items {
			keys = append(keys, it["pk"].S+"/"+it["sk"].S)
		}
		if page.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
	checkOnce(t, e.pk, keys)
}

func TestPointOperationsReachTheKeysPartition(t *testing.T) {
	e := newFanoutEnv(t, 4)
	ctx := context.Background()
	for i := range 31 {
		pk := attr.Str(fmt.Sprint("user", i))
		t.Run(pk.S, func(t *testing.T) {
			page, err := e.r.queryPage(ctx, e.t, &partition.QueryInput{Key: &expr.KeyCondition{HashName: "pk", HashValue: pk}, Forward: true})
			if err != nil {
				t.Fatal(err)
			}
			if page.Count != 3 {
				t.Fatalf("query %s found %d items, want 3", pk.S, page.Count)
			}
			item, err := e.r.readItem(ctx, e.t, attr.Item{"pk": pk, "sk": {T: attr.TypeN, S: fmt.Sprint(i)}}, true)
			if err != nil || item == nil {
				t.Fatalf("get %s = %v, %v", pk.S, item, err)
			}
		})
	}
	used := 0
	for _, p := range e.d.parts {
		if n, _ := p.Stats(); n > 0 {
			used++
		}
	}
	if used != 4 {
		t.Errorf("%d of 4 partitions hold items", used)
	}
}
