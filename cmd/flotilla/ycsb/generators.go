package ycsb

import (
	"math"
	"math/rand/v2"
	"sync"
)

// ZipfianConstant is YCSB's default zipfian skew.
const ZipfianConstant = 0.99

// zipfianItems and zipfianZetaN are YCSB's ScrambledZipfianGenerator
// constants: the zipfian it scrambles is over ten billion items, whose
// zeta for the constant 0.99 is precomputed.
const (
	zipfianItems = 10_000_000_000
	zipfianZetaN = 26.46902820178302
)

// Zipfian draws integers in [0, items) with item i chosen with probability
// proportional to 1/(i+1)^theta: YCSB's ZipfianGenerator (Gray et al.,
// "Quickly Generating Billion-Record Synthetic Databases"). Item 0 is the
// most popular. Not safe for concurrent use.
type Zipfian struct {
	items        int64
	theta        float64
	alpha        float64
	zeta2theta   float64
	zetan        float64
	eta          float64
	countForZeta int64
}

// NewZipfian returns a zipfian over [0, items) with the given skew,
// computing zeta(items) (O(items)).
func NewZipfian(items int64, theta float64) *Zipfian {
	return newZipfian(items, theta, zeta(0, items, theta, 0))
}

func newZipfian(items int64, theta, zetan float64) *Zipfian {
	z := &Zipfian{items: items, theta: theta, alpha: 1 / (1 - theta), zeta2theta: zeta(0, 2, theta, 0),
		zetan: zetan, countForZeta: items}
	z.eta = z.etaFor(items)
	return z
}

// zeta extends sum, the zeta of the first st items, to the first n.
func zeta(st, n int64, theta, sum float64) float64 {
	for i := st; i < n; i++ {
		sum += 1 / math.Pow(float64(i+1), theta)
	}
	return sum
}

func (z *Zipfian) etaFor(items int64) float64 {
	return (1 - math.Pow(2/float64(items), 1-z.theta)) / (1 - z.zeta2theta/z.zetan)
}

// Next draws an item in [0, items).
func (z *Zipfian) Next(rng *rand.Rand) int64 { return z.NextN(rng, z.items) }

// NextN draws from [0, items) for a count of items that may have grown
// since the last call (as the latest distribution needs); zeta is extended
// incrementally, never recomputed from scratch for growth.
func (z *Zipfian) NextN(rng *rand.Rand, items int64) int64 {
	if items != z.countForZeta {
		if items > z.countForZeta {
			z.zetan = zeta(z.countForZeta, items, z.theta, z.zetan)
		} else {
			z.zetan = zeta(0, items, z.theta, 0)
		}
		z.countForZeta = items
		z.eta = z.etaFor(items)
	}
	u := rng.Float64()
	uz := u * z.zetan
	if uz < 1 {
		return 0
	}
	if uz < 1+math.Pow(0.5, z.theta) {
		return 1
	}
	v := int64(float64(items) * math.Pow(z.eta*u-z.eta+1, z.alpha))
	return min(v, items-1)
}

// Clone returns an independent copy, so that each client can own one
// without recomputing zeta.
func (z *Zipfian) Clone() *Zipfian { c := *z; return &c }

// ScrambledZipfian draws integers in [0, items) with zipfian popularity,
// but the popular items are scattered over the range instead of clustered
// at its start: YCSB's ScrambledZipfianGenerator, which hashes a draw from
// a zipfian over ten billion items into the range. Not safe for concurrent
// use.
type ScrambledZipfian struct {
	items int64
	z     *Zipfian
}

// NewScrambledZipfian returns a scrambled zipfian over [0, items) with
// YCSB's constant 0.99.
func NewScrambledZipfian(items int64) *ScrambledZipfian {
	return &ScrambledZipfian{items: items, z: newZipfian(zipfianItems, ZipfianConstant, zipfianZetaN)}
}

// Next draws an item in [0, items).
func (s *ScrambledZipfian) Next(rng *rand.Rand) int64 {
	return FNVHash64(s.z.Next(rng)) % s.items
}

// Clone returns an independent copy.
func (s *ScrambledZipfian) Clone() *ScrambledZipfian {
	return &ScrambledZipfian{items: s.items, z: s.z.Clone()}
}

// Latest draws recently inserted records most often: YCSB's
// SkewedLatestGenerator, the newest acknowledged record minus a zipfian
// draw over the records so far. Not safe for concurrent use; the counter
// it reads is.
type Latest struct {
	basis *AckCounter
	z     *Zipfian
}

// NewLatest returns a latest-distribution chooser over basis's records.
func NewLatest(basis *AckCounter) *Latest {
	return &Latest{basis: basis, z: NewZipfian(max(basis.Last(), 1), ZipfianConstant)}
}

// Next draws a record number in [0, basis.Last()].
func (l *Latest) Next(rng *rand.Rand) int64 {
	last := l.basis.Last()
	if last < 1 {
		return 0
	}
	return last - l.z.NextN(rng, last)
}

// Clone returns an independent copy sharing the counter.
func (l *Latest) Clone() *Latest { return &Latest{basis: l.basis, z: l.z.Clone()} }

// AckCounter hands out record numbers for inserts and tracks the highest
// number below which every insert has been acknowledged, so that readers
// never choose a record whose insert is still in flight: YCSB's
// AcknowledgedCounterGenerator. Safe for concurrent use.
type AckCounter struct {
	mu      sync.Mutex
	next    int64
	last    int64
	pending map[int64]bool
}

// NewAckCounter returns a counter whose first insert is start; records
// below start count as acknowledged.
func NewAckCounter(start int64) *AckCounter {
	return &AckCounter{next: start, last: start - 1, pending: map[int64]bool{}}
}

// Next returns the number of the next record to insert.
func (c *AckCounter) Next() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.next
	c.next++
	return n
}

// Ack marks record n's insert as done (or given up).
func (c *AckCounter) Ack(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending[n] = true
	for c.pending[c.last+1] {
		delete(c.pending, c.last+1)
		c.last++
	}
}

// Last returns the highest record number at and below which every insert
// is acknowledged.
func (c *AckCounter) Last() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}
