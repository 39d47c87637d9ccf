package schema

import (
	"math"
	"testing"
)

func TestEvenPartitionsCoverHashSpace(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 64} {
		tb := &Table{Name: "t", Partitions: EvenPartitions(10, n)}
		if err := tb.ValidatePartitions(); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(tb.Partitions) != n || tb.Partitions[0].ID != 10 || tb.Partitions[n-1].ID != uint64(10+n-1) {
			t.Fatalf("n=%d: got %+v", n, tb.Partitions)
		}
	}
}

func TestPartitionFor(t *testing.T) {
	tb := &Table{Name: "t", Partitions: EvenPartitions(1, 4)}
	cases := []struct {
		name string
		h    uint64
		want uint64
	}{
		{"zero", 0, 1},
		{"end of first", 1<<62 - 1, 1},
		{"start of second", 1 << 62, 2},
		{"middle", 1 << 63, 3},
		{"max", math.MaxUint64, 4},
		{"just below last", 3<<62 - 1, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tb.PartitionFor(tc.h)
			if p == nil || p.ID != tc.want {
				t.Fatalf("PartitionFor(%d) = %+v, want id %d", tc.h, p, tc.want)
			}
		})
	}
	if p := (&Table{}).PartitionFor(5); p != nil {
		t.Errorf("PartitionFor on no partitions = %+v, want nil", p)
	}
}

func TestValidatePartitionsRejects(t *testing.T) {
	cases := []struct {
		name string
		ps   []Partition
	}{
		{"none", nil},
		{"gap", []Partition{{ID: 1, First: 0, Last: 10}, {ID: 2, First: 12, Last: math.MaxUint64}}},
		{"overlap", []Partition{{ID: 1, First: 0, Last: 10}, {ID: 2, First: 10, Last: math.MaxUint64}}},
		{"short", []Partition{{ID: 1, First: 0, Last: 10}}},
		{"not from zero", []Partition{{ID: 1, First: 1, Last: math.MaxUint64}}},
		{"inverted", []Partition{{ID: 1, First: 0, Last: 10}, {ID: 2, First: 11, Last: 5}}},
		{"duplicate id", []Partition{{ID: 1, First: 0, Last: 10}, {ID: 1, First: 11, Last: math.MaxUint64}}},
		{"after max", []Partition{{ID: 1, First: 0, Last: math.MaxUint64}, {ID: 2, First: 0, Last: math.MaxUint64}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := (&Table{Name: "t", Partitions: tc.ps}).ValidatePartitions(); err == nil {
				t.Fatalf("ValidatePartitions(%+v) = nil, want an error", tc.ps)
			}
		})
	}
}

func TestSegmentsCoverEveryHashOnce(t *testing.T) {
	for _, n := range []int{1, 2, 3, 1000, 1000000} {
		var next uint64
		for _, i := range []int{0, 1, n / 2, n - 2, n - 1} {
			if i < 0 || i >= n {
				continue
			}
			if i > 0 && SegmentEnd(i-1, n)+1 != SegmentStart(i, n) {
				t.Fatalf("n=%d: segment %d does not follow segment %d", n, i, i-1)
			}
			if SegmentStart(i, n) > SegmentEnd(i, n) {
				t.Fatalf("n=%d: segment %d is empty", n, i)
			}
			next = SegmentEnd(i, n)
		}
		if next != math.MaxUint64 || SegmentStart(0, n) != 0 {
			t.Fatalf("n=%d: segments end at %d", n, next)
		}
	}
}
