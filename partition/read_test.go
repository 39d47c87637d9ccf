package partition

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// fillNumeric stores pk "a" with sort keys -5..14 and neighbours "b", "aa".
func fillNumeric(t testing.TB, p *Partition) []int {
	t.Helper()
	var cmds []*Command
	var sks []int
	for i := -5; i < 15; i++ {
		sks = append(sks, i)
		cmds = append(cmds, put(item("pk", attr.Str("a"), "sk", num(fmt.Sprint(i)),
			"even", attr.Bool(i%2 == 0), "v", attr.Str(fmt.Sprint("v", i)))))
	}
	for _, pk := range []string{"b", "aa", ""} {
		for i := 0; i < 3; i++ {
			cmds = append(cmds, put(item("pk", attr.Str(pk), "sk", num(fmt.Sprint(i)))))
		}
	}
	mustApply(t, p, cmds...)
	return sks
}

// queryAll pages through a query with the given limit and returns the sort
// keys seen, checking every page's bounds.
func queryAll(t *testing.T, p *Partition, in QueryInput, limit int) []string {
	t.Helper()
	var seen []string
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("query does not terminate")
		}
		in.Limit = limit
		page, err := p.Query(&in)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if limit > 0 && page.ScannedCount > limit {
			t.Fatalf("page scanned %d items, limit %d", page.ScannedCount, limit)
		}
		if limit > 0 && page.ScannedCount == limit && page.LastEvaluatedKey == nil {
			t.Fatalf("page hit the limit without LastEvaluatedKey")
		}
		for _, it := range page.Items {
			seen = append(seen, it["sk"].S)
		}
		if page.LastEvaluatedKey == nil {
			return seen
		}
		if len(page.LastEvaluatedKey) != 2 {
			t.Fatalf("LastEvaluatedKey = %s", show(page.LastEvaluatedKey))
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

func TestQueryRangeOps(t *testing.T) {
	p := newPartition(t, hashRangeN)
	sks := fillNumeric(t, p)
	kc := func(op expr.RangeOp, a, b int) *expr.KeyCondition {
		return &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("a"), RangeName: "sk", Op: op,
			Values: [2]attr.Value{num(fmt.Sprint(a)), num(fmt.Sprint(b))}}
	}
	tests := []struct {
		name string
		kc   *expr.KeyCondition
		keep func(int) bool
	}{
		{"none", kc(expr.RangeNone, 0, 0), func(int) bool { return true }},
		{"eq", kc(expr.RangeEQ, 3, 0), func(i int) bool { return i == 3 }},
		{"eq missing", kc(expr.RangeEQ, 99, 0), func(int) bool { return false }},
		{"lt", kc(expr.RangeLT, 2, 0), func(i int) bool { return i < 2 }},
		{"le", kc(expr.RangeLE, 2, 0), func(i int) bool { return i <= 2 }},
		{"gt", kc(expr.RangeGT, -1, 0), func(i int) bool { return i > -1 }},
		{"ge", kc(expr.RangeGE, -1, 0), func(i int) bool { return i >= -1 }},
		{"between", kc(expr.RangeBetween, -2, 9), func(i int) bool { return i >= -2 && i <= 9 }},
		{"between equal", kc(expr.RangeBetween, 4, 4), func(i int) bool { return i == 4 }},
		{"between reversed", kc(expr.RangeBetween, 9, 4), func(int) bool { return false }},
	}
	for _, tt := range tests {
		var want []string
		for _, i := range sks {
			if tt.keep(i) {
				want = append(want, fmt.Sprint(i))
			}
		}
		for _, forward := range []bool{true, false} {
			for _, limit := range []int{0, 1, 3, 7, 100} {
				t.Run(fmt.Sprintf("%s/forward=%v/limit=%d", tt.name, forward, limit), func(t *testing.T) {
					exp := slices.Clone(want)
					if !forward {
						slices.Reverse(exp)
					}
					got := queryAll(t, p, QueryInput{Key: tt.kc, Forward: forward}, limit)
					if !slices.Equal(got, exp) {
						t.Fatalf("got %v, want %v", got, exp)
					}
				})
			}
		}
	}
}

func TestQueryBeginsWith(t *testing.T) {
	p := newPartition(t, hashRangeS)
	sks := []string{"a", "a\x00", "ab", "ab\x00z", "abc", "abd", "ac", "b", "\xff"}
	for _, sk := range sks {
		mustApply(t, p, put(item("pk", attr.Str("p"), "sk", attr.Str(sk))))
		mustApply(t, p, put(item("pk", attr.Str("q"), "sk", attr.Str(sk))))
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"ab", []string{"ab", "ab\x00z", "abc", "abd"}},
		{"a", []string{"a", "a\x00", "ab", "ab\x00z", "abc", "abd", "ac"}},
		{"a\x00", []string{"a\x00"}},
		{"abc", []string{"abc"}},
		{"abx", nil},
		{"\xff", []string{"\xff"}},
	}
	for _, tt := range tests {
		for _, forward := range []bool{true, false} {
			for _, limit := range []int{0, 1, 2} {
				t.Run(fmt.Sprintf("%q/forward=%v/limit=%d", tt.prefix, forward, limit), func(t *testing.T) {
					kc := &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("p"), RangeName: "sk",
						Op: expr.RangeBeginsWith, Values: [2]attr.Value{attr.Str(tt.prefix)}}
					exp := slices.Clone(tt.want)
					if !forward {
						slices.Reverse(exp)
					}
					if got := queryAll(t, p, QueryInput{Key: kc, Forward: forward}, limit); !slices.Equal(got, exp) {
						t.Fatalf("got %q, want %q", got, exp)
					}
				})
			}
		}
	}
}

func TestQueryFilterProjectionCount(t *testing.T) {
	p := newPartition(t, hashRangeN)
	fillNumeric(t, p)
	kc := &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("a"), RangeName: "sk", Op: expr.RangeGE,
		Values: [2]attr.Value{num("0")}}
	even := parseCond(t, "even = :t", map[string]attr.Value{":t": attr.Bool(true)})
	tests := []struct {
		name                      string
		in                        QueryInput
		wantCount, wantScanned    int
		wantItems                 int
		wantAttrs                 int
		wantLastEvaluatedKeyIsSet bool
	}{
		{"filter", QueryInput{Key: kc, Forward: true, Filter: even}, 8, 15, 8, 4, false},
		{"filter with limit", QueryInput{Key: kc, Forward: true, Filter: even, Limit: 5}, 3, 5, 3, 4, true},
		{"count only", QueryInput{Key: kc, Forward: true, Filter: even, CountOnly: true}, 8, 15, 0, 0, false},
		{"projection", QueryInput{Key: kc, Forward: true, Projection: []expr.Path{{{Name: "v"}}}}, 15, 15, 15, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := p.Query(&tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if page.Count != tt.wantCount || page.ScannedCount != tt.wantScanned || len(page.Items) != tt.wantItems {
				t.Fatalf("Count %d Scanned %d Items %d; want %d %d %d", page.Count, page.ScannedCount,
					len(page.Items), tt.wantCount, tt.wantScanned, tt.wantItems)
			}
			for _, it := range page.Items {
				if len(it) != tt.wantAttrs {
					t.Fatalf("item %s has %d attributes, want %d", show(it), len(it), tt.wantAttrs)
				}
			}
			if (page.LastEvaluatedKey != nil) != tt.wantLastEvaluatedKeyIsSet {
				t.Fatalf("LastEvaluatedKey = %s", show(page.LastEvaluatedKey))
			}
			if page.ReadBytes <= 0 {
				t.Fatalf("ReadBytes = %d", page.ReadBytes)
			}
		})
	}
}

func TestPageStopsAfterOneMegabyte(t *testing.T) {
	p := newPartition(t, hashRangeN)
	big := strings.Repeat("x", 100_000)
	for i := 0; i < 15; i++ {
		mustApply(t, p, put(item("pk", attr.Str("a"), "sk", num(fmt.Sprint(i)), "big", attr.Str(big))))
	}
	size := attr.ItemSize(item("pk", attr.Str("a"), "sk", num("1"), "big", attr.Str(big)))
	wantFirst := (MaxPageBytes + size - 1) / size // the item that crosses 1 MB is included
	kc := &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("a")}
	tests := []struct {
		name  string
		read  func(esk attr.Item) (*Page, error)
		first string
	}{
		{"query", func(esk attr.Item) (*Page, error) {
			return p.Query(&QueryInput{Key: kc, Forward: true, ExclusiveStartKey: esk})
		}, fmt.Sprint(wantFirst - 1)},
		{"scan", func(esk attr.Item) (*Page, error) {
			return p.Scan(&ScanInput{ExclusiveStartKey: esk})
		}, fmt.Sprint(wantFirst - 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := tt.read(nil)
			if err != nil {
				t.Fatal(err)
			}
			if page.ScannedCount != wantFirst || page.LastEvaluatedKey == nil {
				t.Fatalf("first page scanned %d (LEK %s), want %d", page.ScannedCount, show(page.LastEvaluatedKey), wantFirst)
			}
			if page.ReadBytes < MaxPageBytes {
				t.Fatalf("ReadBytes = %d", page.ReadBytes)
			}
			if got := page.LastEvaluatedKey["sk"].S; got != tt.first {
				t.Fatalf("LastEvaluatedKey sk = %s, want %s", got, tt.first)
			}
			rest, err := tt.read(page.LastEvaluatedKey)
			if err != nil {
				t.Fatal(err)
			}
			if rest.ScannedCount != 15-wantFirst || rest.LastEvaluatedKey != nil {
				t.Fatalf("second page scanned %d (LEK %s), want %d", rest.ScannedCount, show(rest.LastEvaluatedKey), 15-wantFirst)
			}
		})
	}
}

func TestScanSegmentsCoverEveryItemOnce(t *testing.T) {
	p := newPartition(t, hashRangeN)
	want := map[string]bool{}
	var cmds []*Command
	for i := 0; i < 300; i++ {
		pk, sk := fmt.Sprint("user", i%97), fmt.Sprint(i)
		cmds = append(cmds, put(item("pk", attr.Str(pk), "sk", num(sk))))
		want[pk+"/"+sk] = true
	}
	mustApply(t, p, cmds...)
	for _, total := range []int{0, 1, 2, 3, 7, 64} {
		for _, limit := range []int{0, 1, 13} {
			t.Run(fmt.Sprintf("segments=%d/limit=%d", total, limit), func(t *testing.T) {
				seen := map[string]int{}
				for seg := 0; seg < max(total, 1); seg++ {
					scanSegment(t, p, seg, total, limit, seen)
				}
				if len(seen) != len(want) {
					t.Fatalf("saw %d distinct items, want %d", len(seen), len(want))
				}
				for k, n := range seen {
					if !want[k] || n != 1 {
						t.Fatalf("item %s seen %d times (expected %v)", k, n, want[k])
					}
				}
			})
		}
	}
}

func scanSegment(t *testing.T, p *Partition, seg, total, limit int, seen map[string]int) {
	t.Helper()
	in := ScanInput{Limit: limit}
	if total > 0 {
		in.HashFirst, in.HashLast = schema.SegmentStart(seg, total), schema.SegmentEnd(seg, total)
	}
	for pages := 0; pages < 1000; pages++ {
		page, err := p.Scan(&in)
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		for _, it := range page.Items {
			seen[it["pk"].S+"/"+it["sk"].S]++
		}
		if page.LastEvaluatedKey == nil {
			return
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
	t.Fatal("scan does not terminate")
}

func TestScanStaysInHashRange(t *testing.T) {
	p := newPartition(t, hashOnly)
	for i := 0; i < 100; i++ {
		mustApply(t, p, put(item("id", attr.Str(fmt.Sprint("k", i)))))
	}
	tests := []struct {
		name        string
		first, last uint64
	}{
		{"lower half", 0, 1<<63 - 1},
		{"upper half", 1 << 63, math.MaxUint64},
		{"middle", 1 << 62, 3 << 62},
		{"inverted", 10, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := p.Scan(&ScanInput{HashFirst: tt.first, HashLast: tt.last})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i := 0; i < 100; i++ {
				if h := keyenc.Hash(attr.Str(fmt.Sprint("k", i))); tt.first <= h && h <= tt.last {
					want++
				}
			}
			if page.Count != want || page.LastEvaluatedKey != nil {
				t.Fatalf("Count = %d (LEK %s), want %d", page.Count, show(page.LastEvaluatedKey), want)
			}
			for _, it := range page.Items {
				if h := keyenc.Hash(it["id"]); h < tt.first || h > tt.last {
					t.Fatalf("item %s hash %d outside [%d, %d]", show(it), h, tt.first, tt.last)
				}
			}
		})
	}
}

func TestPageStopsAtMaxBytes(t *testing.T) {
	p := newPartition(t, hashRangeN)
	for i := 0; i < 10; i++ {
		mustApply(t, p, put(item("pk", attr.Str("a"), "sk", num(fmt.Sprint(i)))))
	}
	size := attr.ItemSize(item("pk", attr.Str("a"), "sk", num("1")))
	kc := &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("a")}
	tests := []struct {
		name string
		read func() (*Page, error)
	}{
		{"query", func() (*Page, error) { return p.Query(&QueryInput{Key: kc, Forward: true, MaxBytes: 2*size + 1}) }},
		{"scan", func() (*Page, error) { return p.Scan(&ScanInput{MaxBytes: 2*size + 1}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := tt.read()
			if err != nil {
				t.Fatal(err)
			}
			if page.ScannedCount != 3 || page.LastEvaluatedKey == nil {
				t.Fatalf("scanned %d (LEK %s), want 3 and a LastEvaluatedKey", page.ScannedCount, show(page.LastEvaluatedKey))
			}
		})
	}
}
