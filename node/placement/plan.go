package placement

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/partition/schema"
)

// Change is a new replica list for one partition.
type Change struct {
	Table       string
	PartitionID uint64
	// Replicas is the complete new list: surviving replicas in their old
	// order, new ones appended.
	Replicas []string
	// Epoch is the partition's epoch plus one, to store with Replicas.
	Epoch uint64
	// Reason says why, for logs.
	Reason string
}

// Plan returns the replica changes the cluster needs now: replacements for
// replicas on nodes dead for at least deadTimeout, extra replicas for
// partitions with fewer than min(replicationFactor, live nodes), and, only
// when neither is due and every replica is on a live node, one rebalancing
// move. replicationFactor below 1 counts as 1. Changes come in table-name
// then partition order, at most one per partition. See the package
// documentation for the rules.
func Plan(tables []*schema.Table, c Cluster, now time.Time, deadTimeout time.Duration, replicationFactor int) []Change {
	live := liveTables(tables)
	v := newView(c, Load(live))
	dead := deadNodes(c, v, now, deadTimeout)
	target := min(max(replicationFactor, 1), len(v.ids))
	var changes []Change
	healthy := true
	for _, t := range live {
		for i := range t.Partitions {
			p := &t.Partitions[i]
			if ch, ok := v.heal(t.Name, p, dead, target); ok {
				changes = append(changes, ch)
			}
			healthy = healthy && v.allAlive(p.Replicas)
		}
	}
	if len(changes) == 0 && healthy {
		if ch, ok := v.rebalance(live); ok {
			changes = append(changes, ch)
		}
	}
	return changes
}

// liveTables returns the tables not being deleted, sorted by name.
func liveTables(tables []*schema.Table) []*schema.Table {
	live := make([]*schema.Table, 0, len(tables))
	for _, t := range tables {
		if !deleting(t) {
			live = append(live, t)
		}
	}
	slices.SortStableFunc(live, func(a, b *schema.Table) int { return cmp.Compare(a.Name, b.Name) })
	return live
}

// deadNodes returns the nodes not alive and dead for at least deadTimeout.
func deadNodes(c Cluster, v *view, now time.Time, deadTimeout time.Duration) map[string]bool {
	dead := make(map[string]bool)
	for id, since := range c.DeadSince {
		if !v.alive(id) && now.Sub(since) >= deadTimeout {
			dead[id] = true
		}
	}
	return dead
}

// heal replaces p's replicas on dead nodes and tops p up to target
// replicas, reporting false when p needs no change or none is possible.
func (v *view) heal(table string, p *schema.Partition, dead map[string]bool, target int) (Change, bool) {
	set := dedupe(p.Replicas)
	var reasons []string
	if len(set) != len(p.Replicas) {
		reasons = append(reasons, "duplicate replicas removed")
	}
	if len(set) > 0 && !v.anyAlive(set) {
		return Change{}, false // no live copy to copy from: leave it be
	}
	set, reasons = v.replaceDead(set, dead, reasons)
	set, reasons = v.repair(set, target, reasons)
	if len(reasons) == 0 {
		return Change{}, false
	}
	return Change{
		Table:       table,
		PartitionID: p.ID,
		Replicas:    set,
		Epoch:       p.Epoch + 1,
		Reason:      strings.Join(reasons, "; "),
	}, true
}

// replaceDead swaps each replica on a dead node for a live one, keeping the
// survivors' order and appending replacements; a dead replica with no
// replacement available stays.
func (v *view) replaceDead(set []string, dead map[string]bool, reasons []string) ([]string, []string) {
	for _, gone := range slices.Clone(set) {
		if !dead[gone] {
			continue
		}
		without := slices.DeleteFunc(slices.Clone(set), func(id string) bool { return id == gone })
		id, ok := v.pick(without)
		if !ok {
			break
		}
		set = append(without, id)
		v.move(gone, id)
		reasons = append(reasons, fmt.Sprintf("replace dead node %s with %s", gone, id))
	}
	return set, reasons
}

// repair appends live nodes until set has target members or none is left.
func (v *view) repair(set []string, target int, reasons []string) ([]string, []string) {
	for len(set) < target {
		id, ok := v.pick(set)
		if !ok {
			break
		}
		set = append(set, id)
		v.move("", id)
		reasons = append(reasons, fmt.Sprintf("add %s (%d of %d replicas)", id, len(set), target))
	}
	return set, reasons
}

// dedupe returns a copy of ids without repeats, first occurrences kept.
func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
