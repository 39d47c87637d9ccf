package ycsb

import (
	"math/rand/v2"
	"testing"
)

// histogramOf counts n draws of next, checking each is in [0, items).
func histogramOf(t *testing.T, items int64, n int, next func() int64) []int {
	t.Helper()
	counts := make([]int, items)
	for range n {
		v := next()
		if v < 0 || v >= items {
			t.Fatalf("draw %d outside [0, %d)", v, items)
		}
		counts[v]++
	}
	return counts
}

func TestZipfianSkew(t *testing.T) {
	const items, draws = 1000, 200_000
	rng := rand.New(rand.NewPCG(1, 1))
	z := NewZipfian(items, ZipfianConstant)
	counts := histogramOf(t, items, draws, func() int64 { return z.Next(rng) })
	// P(0) = 1/zeta(items); zeta(1000, 0.99) is about 7.4.
	want := float64(draws) / zeta(0, items, ZipfianConstant, 0)
	if got := float64(counts[0]); got < want*0.95 || got > want*1.05 {
		t.Errorf("item 0 drawn %v times, want about %.0f", got, want)
	}
	if !(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500]) {
		t.Errorf("popularity not decreasing: counts[0,1,10,500] = %d %d %d %d", counts[0], counts[1], counts[10], counts[500])
	}
	top := 0
	for _, c := range counts[:100] {
		top += c
	}
	if share := float64(top) / draws; share < 0.6 {
		t.Errorf("the first 10%% of items got %.2f of the draws, want over 0.6", share)
	}
}

func TestScrambledZipfianRangeAndSkew(t *testing.T) {
	for _, items := range []int64{1, 7, 1000} {
		rng := rand.New(rand.NewPCG(2, uint64(items)))
		s := NewScrambledZipfian(items)
		counts := histogramOf(t, items, 100_000, func() int64 { return s.Clone().Next(rng) })
		if items < 1000 {
			continue
		}
		most, at := 0, 0
		for i, c := range counts {
			if c > most {
				most, at = c, i
			}
		}
		// The head of the zipfian (P = 1/26.47) lands on one item.
		if mean := 100_000 / float64(items); float64(most) < 20*mean {
			t.Errorf("most drawn item has %d draws, want over 20x the mean %.0f", most, mean)
		}
		if at < 10 {
			t.Errorf("most popular item is %d: not scrambled away from the start", at)
		}
	}
}

func TestLatestFollowsInserts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	c := NewAckCounter(1000)
	l := NewLatest(c)
	mode := func(items int64) int {
		counts := histogramOf(t, items, 50_000, func() int64 { return l.Next(rng) })
		best := 0
		for i, n := range counts {
			if n > counts[best] {
				best = i
			}
		}
		return best
	}
	if m := mode(1000); m != 999 {
		t.Errorf("most drawn record is %d, want the newest, 999", m)
	}
	n := c.Next()
	if got := mode(1001); got != 999 {
		t.Errorf("before its ack, most drawn record is %d, want 999", got)
	}
	c.Ack(n)
	if got := mode(1001); got != 1000 {
		t.Errorf("after inserting 1000, most drawn record is %d, want 1000", got)
	}
}

func TestAckCounterOutOfOrder(t *testing.T) {
	c := NewAckCounter(10)
	a, b, d := c.Next(), c.Next(), c.Next()
	if a != 10 || b != 11 || d != 12 || c.Last() != 9 {
		t.Fatalf("Next = %d %d %d, Last %d; want 10 11 12, 9", a, b, d, c.Last())
	}
	c.Ack(b)
	if c.Last() != 9 {
		t.Errorf("Last = %d after acking 11 only, want 9", c.Last())
	}
	c.Ack(a)
	if c.Last() != 11 {
		t.Errorf("Last = %d after acking 10 and 11, want 11", c.Last())
	}
	c.Ack(d)
	if c.Last() != 12 {
		t.Errorf("Last = %d, want 12", c.Last())
	}
}

func TestKeys(t *testing.T) {
	seen := map[string]bool{}
	for k := range int64(10000) {
		if h := FNVHash64(k); h < 0 {
			t.Fatalf("FNVHash64(%d) = %d, negative", k, h)
		}
		name := KeyName(k)
		if seen[name] {
			t.Fatalf("KeyName(%d) = %s repeats", k, name)
		}
		seen[name] = true
	}
	buckets := map[string]int{}
	for k := range int64(8000) {
		buckets[BucketName(k, 8)]++
	}
	if len(buckets) != 8 {
		t.Fatalf("8000 keys fell in %d buckets, want 8: %v", len(buckets), buckets)
	}
	for b, n := range buckets {
		if n < 800 || n > 1200 {
			t.Errorf("bucket %s has %d of 8000 keys, want about 1000", b, n)
		}
	}
}
