package placement

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/flotilla-db/flotilla/partition/schema"
)

// rebalance finds one replica move from a node holding at least two more
// replicas than another live node to that node, trying the least loaded
// receivers and the most loaded donors first, and moves that take a
// partition's first replica only when no other move exists.
func (v *view) rebalance(tables []*schema.Table) (Change, bool) {
	receivers := v.byLoad(1)
	donors := v.byLoad(-1)
	for _, firstOK := range []bool{false, true} {
		for _, to := range receivers {
			for _, from := range donors {
				if v.load[from]-v.load[to] < 2 {
					break // donors are sorted by falling load
				}
				if ch, ok := v.moveOne(tables, from, to, firstOK); ok {
					return ch, true
				}
			}
		}
	}
	return Change{}, false
}

// byLoad returns the live node ids by load (ascending for dir 1,
// descending for dir -1), ties by id.
func (v *view) byLoad(dir int) []string {
	ids := slices.Clone(v.ids)
	slices.SortStableFunc(ids, func(a, b string) int {
		if c := dir * cmp.Compare(v.load[a], v.load[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return ids
}

// moveOne moves one replica of the first partition that allows it from one
// node to another.
func (v *view) moveOne(tables []*schema.Table, from, to string, firstOK bool) (Change, bool) {
	for _, t := range tables {
		for i := range t.Partitions {
			p := &t.Partitions[i]
			if !v.canMove(p.Replicas, from, to, firstOK) {
				continue
			}
			set := slices.DeleteFunc(slices.Clone(p.Replicas), func(id string) bool { return id == from })
			v.move(from, to)
			return Change{
				Table:       t.Name,
				PartitionID: p.ID,
				Replicas:    append(set, to),
				Epoch:       p.Epoch + 1,
				Reason:      fmt.Sprintf("rebalance: move replica from %s to %s", from, to),
			}, true
		}
	}
	return Change{}, false
}

// canMove reports whether the replica on from may move to to: from holds
// one, to does not, from's is not the only replica, the move keeps the
// zones the set spans, and from is not first unless firstOK.
func (v *view) canMove(set []string, from, to string, firstOK bool) bool {
	i := slices.Index(set, from)
	if i < 0 || slices.Contains(set, to) || len(set) < 2 || (i == 0 && !firstOK) {
		return false
	}
	moved := append(slices.DeleteFunc(slices.Clone(set), func(id string) bool { return id == from }), to)
	return len(v.zoneCounts(moved)) >= len(v.zoneCounts(set))
}
