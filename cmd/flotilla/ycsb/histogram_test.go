package ycsb

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []uint64{0, 1, 127, 128, 129, 255, 256, 257, 1000, 1 << 20, 1<<63 - 1}
	for range 10000 {
		values = append(values, rng.Uint64N(1<<uint(rng.IntN(63)+1)))
	}
	for _, v := range values {
		b := bucketOf(v)
		if b < 0 || b >= histBuckets {
			t.Fatalf("bucketOf(%d) = %d, outside [0, %d)", v, b, histBuckets)
		}
		hi := bucketHigh(b)
		if hi < v {
			t.Fatalf("bucketHigh(bucketOf(%d)) = %d, below the value", v, hi)
		}
		if float64(hi-v) > float64(v)/128 {
			t.Fatalf("bucket of %d reaches %d: more than 1/128 above", v, hi)
		}
		if b > 0 && bucketHigh(b-1) >= v {
			t.Fatalf("value %d also fits bucket %d (up to %d)", v, b-1, bucketHigh(b-1))
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	// 1µs..10000µs, each once, in shuffled order.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, i := range rng.Perm(10000) {
		h.Record(time.Duration(i+1) * time.Microsecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0, time.Microsecond}, {0.5, 5000 * time.Microsecond}, {0.95, 9500 * time.Microsecond},
		{0.99, 9900 * time.Microsecond}, {0.999, 9990 * time.Microsecond}, {1, 10000 * time.Microsecond},
	}
	for _, tc := range tests {
		got := h.Quantile(tc.q)
		if got < tc.want || float64(got-tc.want) > float64(tc.want)/100 {
			t.Errorf("Quantile(%v) = %v, want %v to 1%% above", tc.q, got, tc.want)
		}
	}
	if h.Count() != 10000 || h.Max() != 10*time.Millisecond {
		t.Errorf("Count, Max = %d, %v; want 10000, 10ms", h.Count(), h.Max())
	}
	if m := h.Mean(); m != 5000500*time.Nanosecond {
		t.Errorf("Mean = %v, want 5.0005ms", m)
	}
}

func TestHistogramSkewedTail(t *testing.T) {
	var h Histogram
	for range 990 {
		h.Record(time.Millisecond)
	}
	for range 10 {
		h.Record(time.Second)
	}
	if got := h.Quantile(0.99); got < time.Millisecond || got > 1010*time.Microsecond {
		t.Errorf("p99 = %v, want 1ms to 1%% above (990 of 1000 at 1ms)", got)
	}
	if got := h.Quantile(0.999); got != time.Second {
		t.Errorf("p99.9 = %v, want 1s", got)
	}
}

func TestHistogramMergeAndEmpty(t *testing.T) {
	var a, b, empty Histogram
	if empty.Quantile(0.5) != 0 || empty.Mean() != 0 {
		t.Fatal("an empty histogram reports a latency")
	}
	a.Record(2 * time.Millisecond)
	b.Record(4 * time.Millisecond)
	b.Record(-time.Second) // counts as zero
	a.Merge(&b)
	a.Merge(&empty)
	if a.Count() != 3 || a.Quantile(0) != 0 || a.Max() != 4*time.Millisecond {
		t.Errorf("merged: count %d, min %v, max %v; want 3, 0, 4ms", a.Count(), a.Quantile(0), a.Max())
	}
	a.Reset()
	if a.Count() != 0 {
		t.Error("Reset left counts")
	}
}
