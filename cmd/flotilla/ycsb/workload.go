package ycsb

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Op is one kind of operation a workload issues.
type Op int

// The operation kinds, in report order.
const (
	OpRead Op = iota
	OpUpdate
	OpInsert
	OpScan
	OpReadModifyWrite
	numOps
)

var opNames = [numOps]string{"READ", "UPDATE", "INSERT", "SCAN", "READ-MODIFY-WRITE"}

func (o Op) String() string { return opNames[o] }

// Distribution names how a workload chooses the records it reads, updates
// and scans.
type Distribution string

// The request distributions.
const (
	DistZipfian Distribution = "zipfian" // scrambled zipfian, constant 0.99
	DistUniform Distribution = "uniform"
	DistLatest  Distribution = "latest" // the most recent inserts most often
)

// ParseDistribution checks a distribution name.
func ParseDistribution(s string) (Distribution, error) {
	switch d := Distribution(s); d {
	case DistZipfian, DistUniform, DistLatest:
		return d, nil
	}
	return "", fmt.Errorf("ycsb: unknown distribution %q (want zipfian, uniform or latest)", s)
}

// Workload is one YCSB core workload: the share of each operation and
// the default request distribution.
type Workload struct {
	Name         string // "a".."f"
	Description  string
	Mix          [numOps]float64 // shares, summing to 1
	Distribution Distribution
	// Ranged: the table has a bucket hash key and a range key, so that
	// scans are Queries (workload E).
	Ranged bool
}

// The YCSB core workloads, as in YCSB's workloads/workload[a-f].
var workloads = []Workload{
	{Name: "a", Description: "update heavy: 50% read, 50% update", Mix: [numOps]float64{OpRead: 0.5, OpUpdate: 0.5}, Distribution: DistZipfian},
	{Name: "b", Description: "read mostly: 95% read, 5% update", Mix: [numOps]float64{OpRead: 0.95, OpUpdate: 0.05}, Distribution: DistZipfian},
	{Name: "c", Description: "read only: 100% read", Mix: [numOps]float64{OpRead: 1}, Distribution: DistZipfian},
	{Name: "d", Description: "read latest: 95% read, 5% insert", Mix: [numOps]float64{OpRead: 0.95, OpInsert: 0.05}, Distribution: DistLatest},
	{Name: "e", Description: "short ranges: 95% scan (Query), 5% insert", Mix: [numOps]float64{OpScan: 0.95, OpInsert: 0.05},
		Distribution: DistZipfian, Ranged: true},
	{Name: "f", Description: "read-modify-write: 50% read, 50% read then update", Mix: [numOps]float64{OpRead: 0.5, OpReadModifyWrite: 0.5},
		Distribution: DistZipfian},
}

// WorkloadByName returns workload "a".."f" (case-insensitive).
func WorkloadByName(name string) (Workload, error) {
	for _, w := range workloads {
		if strings.EqualFold(w.Name, name) {
			return w, nil
		}
	}
	return Workload{}, fmt.Errorf("ycsb: unknown workload %q (want a, b, c, d, e or f)", name)
}

// choose draws an operation according to the mix.
func (w Workload) choose(rng *rand.Rand) Op {
	u := rng.Float64()
	last := OpRead
	for op, share := range w.Mix {
		if share == 0 {
			continue
		}
		if u < share {
			return Op(op)
		}
		u -= share
		last = Op(op)
	}
	return last // rounding
}

// Ops returns the operations the workload issues, in report order.
func (w Workload) Ops() []Op {
	var ops []Op
	for op, share := range w.Mix {
		if share > 0 {
			ops = append(ops, Op(op))
		}
	}
	return ops
}

// keyChooser draws the record an operation reads, updates or scans from.
type keyChooser interface {
	next(rng *rand.Rand) int64
}

// choosers builds one keyChooser per client for distribution d over the
// records acknowledged by inserts, sharing the costly zeta computation.
type choosers struct {
	d         Distribution
	inserts   *AckCounter
	scrambled *ScrambledZipfian
	latest    *Latest
}

// newChoosers prepares the choosers for records loaded records and up to
// expectedInserts more.
func newChoosers(d Distribution, records, expectedInserts int64, inserts *AckCounter) *choosers {
	c := &choosers{d: d, inserts: inserts}
	switch d {
	case DistZipfian:
		c.scrambled = NewScrambledZipfian(records + expectedInserts)
	case DistLatest:
		c.latest = NewLatest(inserts)
	}
	return c
}

// forClient returns a chooser that one client owns.
func (c *choosers) forClient() keyChooser {
	switch c.d {
	case DistZipfian:
		return zipfianChooser{z: c.scrambled.Clone(), inserts: c.inserts}
	case DistLatest:
		return latestChooser{c.latest.Clone()}
	default:
		return uniformChooser{c.inserts}
	}
}

type uniformChooser struct{ inserts *AckCounter }

func (u uniformChooser) next(rng *rand.Rand) int64 { return rng.Int64N(u.inserts.Last() + 1) }

// zipfianChooser redraws records that are not inserted yet, as YCSB does.
type zipfianChooser struct {
	z       *ScrambledZipfian
	inserts *AckCounter
}

func (c zipfianChooser) next(rng *rand.Rand) int64 {
	last := c.inserts.Last()
	for range 100 {
		if k := c.z.Next(rng); k <= last {
			return k
		}
	}
	return rng.Int64N(last + 1)
}

type latestChooser struct{ l *Latest }

func (c latestChooser) next(rng *rand.Rand) int64 { return c.l.Next(rng) }
