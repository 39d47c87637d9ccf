package schema

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Partition is one contiguous range of a table's partition-key hash space
// (keyenc.Hash values) and the replicas that hold it.
type Partition struct {
	// ID names the partition; ids are unique across tables and never
	// reused.
	ID uint64 `json:"id"`
	// First and Last bound the range of hashes, both inclusive.
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
	// Epoch grows whenever the range changes (split, merge).
	Epoch uint64 `json:"epoch"`
	// Replicas lists the node ids that should hold the partition; empty on
	// a single node.
	Replicas []string `json:"replicas,omitempty"`
}

// Contains reports whether hash h lies in p's range.
func (p *Partition) Contains(h uint64) bool { return p.First <= h && h <= p.Last }

// PartitionFor returns the partition whose range holds hash h, or nil when
// the table has no partitions.
func (t *Table) PartitionFor(h uint64) *Partition {
	ps := t.Partitions
	i := sort.Search(len(ps), func(i int) bool { return ps[i].Last >= h })
	if i == len(ps) || !ps[i].Contains(h) {
		return nil
	}
	return &ps[i]
}

// ValidatePartitions reports whether t.Partitions are sorted by First and
// cover the hash space [0, 2^64-1] exactly once, with distinct ids.
func (t *Table) ValidatePartitions() error {
	ps := t.Partitions
	if len(ps) == 0 {
		return fmt.Errorf("schema: table %s has no partitions", t.Name)
	}
	ids := make(map[uint64]bool, len(ps))
	var next uint64 // first hash not yet covered
	for i, p := range ps {
		switch {
		case p.First > p.Last:
			return fmt.Errorf("schema: table %s partition %d has First %d after Last %d", t.Name, p.ID, p.First, p.Last)
		case p.First != next:
			return fmt.Errorf("schema: table %s partition %d starts at %d, want %d", t.Name, p.ID, p.First, next)
		case ids[p.ID]:
			return fmt.Errorf("schema: table %s lists partition %d twice", t.Name, p.ID)
		case p.Last == math.MaxUint64 && i != len(ps)-1:
			return fmt.Errorf("schema: table %s partition %d ends the hash space but is not last", t.Name, p.ID)
		}
		ids[p.ID] = true
		next = p.Last + 1
	}
	if last := ps[len(ps)-1].Last; last != math.MaxUint64 {
		return fmt.Errorf("schema: table %s partitions end at %d, want %d", t.Name, last, uint64(math.MaxUint64))
	}
	return nil
}

// EvenPartitions splits the hash space into n ranges of (nearly) equal
// size, with consecutive ids from firstID and epoch 1. n must be at least 1.
func EvenPartitions(firstID uint64, n int) []Partition {
	ps := make([]Partition, n)
	for i := range ps {
		ps[i] = Partition{ID: firstID + uint64(i), First: SegmentStart(i, n), Epoch: 1}
		ps[i].Last = SegmentEnd(i, n)
	}
	return ps
}

// SegmentStart is floor(i * 2^64 / n): the first hash of segment i of n
// equal slices of the hash space. 0 <= i < n.
func SegmentStart(i, n int) uint64 {
	q, _ := bits.Div64(uint64(i), 0, uint64(n))
	return q
}

// SegmentEnd is the last hash of segment i of n (inclusive): one before the
// next segment's start, or 2^64-1 for the last segment.
func SegmentEnd(i, n int) uint64 {
	if i+1 >= n {
		return math.MaxUint64
	}
	return SegmentStart(i+1, n) - 1
}
