package placement

import (
	"time"

	"maps"
	"slices"

	"github.com/flotilla-db/flotilla/partition/schema"
)

// Node is one live cluster node.
type Node struct {
	ID   string
	Zone string // availability zone; "" when the node declares none
}

// Cluster is the membership a placement decision is based on.
type Cluster struct {
	// Alive lists the reachable nodes, in any order.
	Alive []Node
	// DeadSince holds the nodes known but unreachable or gone, with the time
	// they were first seen so. An id that is also in Alive counts as alive.
	DeadSince map[string]time.Time
}

// Initial chooses up to n distinct live nodes for a new partition: it
// spreads the replicas across zones before reusing one, prefers the least
// loaded nodes (load holds the replica count per node id; nil means none)
// and breaks ties by node id. Fewer than n ids are returned when fewer
// nodes are alive.
func Initial(c Cluster, load map[string]int, n int) []string {
	v := newView(c, load)
	n = min(n, len(v.ids))
	set := make([]string, 0, max(n, 0))
	for len(set) < n {
		id, ok := v.pick(set)
		if !ok {
			break
		}
		set = append(set, id)
	}
	return set
}

// Load counts the replicas each node holds across tables, ignoring tables
// being deleted.
func Load(tables []*schema.Table) map[string]int {
	load := make(map[string]int)
	for _, t := range tables {
		if deleting(t) {
			continue
		}
		for _, p := range t.Partitions {
			for _, id := range p.Replicas {
				load[id]++
			}
		}
	}
	return load
}

func deleting(t *schema.Table) bool { return t == nil || t.Status == schema.StatusDeleting }

// view is the cluster as one decision sees it: the live nodes with their
// zones and a private copy of the load that the decision updates as it
// assigns replicas.
type view struct {
	zone map[string]string // live node id -> zone
	ids  []string          // live node ids, sorted
	load map[string]int
}

func newView(c Cluster, load map[string]int) *view {
	v := &view{zone: make(map[string]string, len(c.Alive)), load: maps.Clone(load)}
	if v.load == nil {
		v.load = make(map[string]int)
	}
	for _, n := range c.Alive {
		if _, dup := v.zone[n.ID]; dup || n.ID == "" {
			continue
		}
		v.zone[n.ID] = n.Zone
		v.ids = append(v.ids, n.ID)
	}
	slices.Sort(v.ids)
	return v
}

func (v *view) alive(id string) bool {
	_, ok := v.zone[id]
	return ok
}

func (v *view) anyAlive(set []string) bool { return slices.ContainsFunc(set, v.alive) }

func (v *view) allAlive(set []string) bool {
	return !slices.ContainsFunc(set, func(id string) bool { return !v.alive(id) })
}

// pick returns the best live node not in set: the fewest members of set in
// its zone, then the lowest load, then the lowest id. It reports false when
// every live node is already in set.
func (v *view) pick(set []string) (string, bool) {
	zones := v.zoneCounts(set)
	best := ""
	for _, id := range v.ids {
		if slices.Contains(set, id) {
			continue
		}
		if best == "" || v.better(id, best, zones) {
			best = id
		}
	}
	return best, best != ""
}

func (v *view) better(a, b string, zones map[string]int) bool {
	if za, zb := zones[v.zone[a]], zones[v.zone[b]]; za != zb {
		return za < zb
	}
	if v.load[a] != v.load[b] {
		return v.load[a] < v.load[b]
	}
	return a < b
}

// zoneCounts counts the live members of set per zone; members not alive
// have no known zone and are not counted.
func (v *view) zoneCounts(set []string) map[string]int {
	zones := make(map[string]int, len(set))
	for _, id := range set {
		if z, ok := v.zone[id]; ok {
			zones[z]++
		}
	}
	return zones
}

// move records that a replica left from (if not "") and to gained one.
func (v *view) move(from, to string) {
	if from != "" {
		v.load[from]--
	}
	v.load[to]++
}

// LeadFirst reorders a new partition's replica set in place so that the
// node that is first replica of the fewest partitions (firsts, by node id)
// comes first, ties going to the lower id. The first replica bootstraps a
// new group and becomes its first leader, so this spreads leaders from the
// start. Only the first position changes.
func LeadFirst(set []string, firsts map[string]int) {
	if len(set) == 0 {
		return
	}
	lead := 0
	for j, id := range set {
		if firsts[id] < firsts[set[lead]] || (firsts[id] == firsts[set[lead]] && id < set[lead]) {
			lead = j
		}
	}
	set[0], set[lead] = set[lead], set[0]
}
