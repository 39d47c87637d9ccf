package placement

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/partition/schema"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const deadTimeout = 5 * time.Minute

// table builds an active table whose partitions (ids from 1, epoch 1)
// hold the given replica lists.
func table(name string, replicas [][]string) *schema.Table {
	t := &schema.Table{Name: name, Status: schema.StatusActive}
	for i, r := range replicas {
		t.Partitions = append(t.Partitions, schema.Partition{ID: uint64(i + 1), Epoch: 1, Replicas: r})
	}
	return t
}

func deletingTable(name string, replicas [][]string) *schema.Table {
	t := table(name, replicas)
	t.Status = schema.StatusDeleting
	return t
}

// same returns n copies of one replica list.
func same(n int, replicas ...string) [][]string {
	out := make([][]string, n)
	for i := range out {
		out[i] = slices.Clone(replicas)
	}
	return out
}

func deadFor(d time.Duration, ids ...string) map[string]time.Time {
	m := make(map[string]time.Time, len(ids))
	for _, id := range ids {
		m[id] = now.Add(-d)
	}
	return m
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		tables  []*schema.Table
		cluster Cluster
		rf      int
		want    []Change
	}{
		{
			name:    "healthy cluster needs nothing",
			tables:  []*schema.Table{table("t", same(2, "n1", "n2", "n3"))},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3")},
			rf:      3,
		},
		{
			name:    "dead node past timeout is replaced, survivors keep order",
			tables:  []*schema.Table{table("t", [][]string{{"n2", "n1", "n3"}})},
			cluster: Cluster{Alive: nodes("n1", "n3", "n4"), DeadSince: deadFor(10*time.Minute, "n2")},
			rf:      3,
			want:    []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n3", "n4"}, Epoch: 2, Reason: "replace dead node n2 with n4"}},
		},
		{
			name:    "dead exactly at timeout is replaced",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2", "n3"}})},
			cluster: Cluster{Alive: nodes("n1", "n3", "n4"), DeadSince: deadFor(deadTimeout, "n2")},
			rf:      3,
			want:    []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n3", "n4"}, Epoch: 2, Reason: "replace dead node n2 with n4"}},
		},
		{
			name:    "dead node not replaced before timeout",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2", "n3"}})},
			cluster: Cluster{Alive: nodes("n1", "n3", "n4"), DeadSince: deadFor(time.Minute, "n2")},
			rf:      3,
		},
		{
			name:    "node alive again is not replaced",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2", "n3"}})},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3", "n4"), DeadSince: deadFor(time.Hour, "n2")},
			rf:      3,
		},
		{
			name:    "dead node kept when no replacement exists",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2", "n3"}})},
			cluster: Cluster{Alive: nodes("n1", "n3"), DeadSince: deadFor(time.Hour, "n2")},
			rf:      3,
		},
		{
			name:    "all replicas dead: last copies never dropped",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2"}})},
			cluster: Cluster{Alive: nodes("n3", "n4", "n5"), DeadSince: deadFor(time.Hour, "n1", "n2")},
			rf:      3,
		},
		{
			name:    "two dead replicas replaced across zones",
			tables:  []*schema.Table{table("t", [][]string{{"a1", "b1", "c1"}})},
			cluster: Cluster{Alive: nodes("a1@a", "a2@a", "b2@b", "c2@c"), DeadSince: deadFor(time.Hour, "b1", "c1")},
			rf:      3,
			want: []Change{{Table: "t", PartitionID: 1, Replicas: []string{"a1", "b2", "c2"}, Epoch: 2,
				Reason: "replace dead node b1 with b2; replace dead node c1 with c2"}},
		},
		{
			name:    "replacements spread load across partitions",
			tables:  []*schema.Table{table("t", same(2, "n1", "n2", "n3"))},
			cluster: Cluster{Alive: nodes("n1", "n2", "n4", "n5"), DeadSince: deadFor(time.Hour, "n3")},
			rf:      3,
			want: []Change{
				{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n2", "n4"}, Epoch: 2, Reason: "replace dead node n3 with n4"},
				{Table: "t", PartitionID: 2, Replicas: []string{"n1", "n2", "n5"}, Epoch: 2, Reason: "replace dead node n3 with n5"},
			},
		},
		{
			name:    "repair under-replicated partition",
			tables:  []*schema.Table{table("t", [][]string{{"n2"}})},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3")},
			rf:      3,
			want: []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n2", "n1", "n3"}, Epoch: 2,
				Reason: "add n1 (2 of 3 replicas); add n3 (3 of 3 replicas)"}},
		},
		{
			name:    "repair limited by live nodes",
			tables:  []*schema.Table{table("t", [][]string{{"n1"}, {"n1", "n2"}})},
			cluster: Cluster{Alive: nodes("n1", "n2")},
			rf:      3,
			want:    []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n2"}, Epoch: 2, Reason: "add n2 (2 of 2 replicas)"}},
		},
		{
			name:    "empty replica list gets an initial placement",
			tables:  []*schema.Table{table("t", [][]string{nil})},
			cluster: Cluster{Alive: nodes("a1@a", "a2@a", "b1@b")},
			rf:      3,
			want: []Change{{Table: "t", PartitionID: 1, Replicas: []string{"a1", "b1", "a2"}, Epoch: 2,
				Reason: "add a1 (1 of 3 replicas); add b1 (2 of 3 replicas); add a2 (3 of 3 replicas)"}},
		},
		{
			name:    "replication factor below 1 counts as 1",
			tables:  []*schema.Table{table("t", [][]string{nil})},
			cluster: Cluster{Alive: nodes("n1", "n2")},
			rf:      0,
			want:    []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1"}, Epoch: 2, Reason: "add n1 (1 of 1 replicas)"}},
		},
		{
			name:    "duplicates removed",
			tables:  []*schema.Table{table("t", [][]string{{"n1", "n2", "n1"}})},
			cluster: Cluster{Alive: nodes("n1", "n2")},
			rf:      2,
			want:    []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n2"}, Epoch: 2, Reason: "duplicate replicas removed"}},
		},
		{
			name: "tables being deleted are ignored",
			tables: []*schema.Table{
				deletingTable("gone", [][]string{{"n1", "n2", "n3"}}),
				table("kept", [][]string{{"n1", "n4", "n5"}}),
			},
			cluster: Cluster{Alive: nodes("n1", "n4", "n5", "n6"), DeadSince: deadFor(time.Hour, "n2", "n3")},
			rf:      3,
		},
		{
			name: "changes ordered by table name",
			tables: []*schema.Table{
				table("b", [][]string{{"n1", "n2"}}),
				table("a", [][]string{{"n1", "n2"}}),
			},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3")},
			rf:      3,
			want: []Change{
				{Table: "a", PartitionID: 1, Replicas: []string{"n1", "n2", "n3"}, Epoch: 2, Reason: "add n3 (3 of 3 replicas)"},
				{Table: "b", PartitionID: 1, Replicas: []string{"n1", "n2", "n3"}, Epoch: 2, Reason: "add n3 (3 of 3 replicas)"},
			},
		},
		{
			name:    "rebalance moves one replica to an added node",
			tables:  []*schema.Table{table("t", same(3, "n1", "n2", "n3"))},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3", "n4")},
			rf:      3,
			want: []Change{{Table: "t", PartitionID: 1, Replicas: []string{"n1", "n3", "n4"}, Epoch: 2,
				Reason: "rebalance: move replica from n2 to n4"}},
		},
		{
			name:    "no rebalance while a node is down",
			tables:  []*schema.Table{table("t", same(3, "n1", "n2", "n3")), table("u", same(3, "n1", "n2", "n5"))},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3", "n4"), DeadSince: deadFor(time.Minute, "n5")},
			rf:      3,
		},
		{
			name:    "no rebalance onto unknown-state replicas",
			tables:  []*schema.Table{table("t", same(3, "n1", "n2", "n9"))},
			cluster: Cluster{Alive: nodes("n1", "n2", "n3", "n4")},
			rf:      3,
		},
		{
			name:    "no rebalance of a partition's only replica",
			tables:  []*schema.Table{table("t", same(4, "n1"))},
			cluster: Cluster{Alive: nodes("n1", "n2")},
			rf:      1,
		},
		{
			name:    "no rebalance that would narrow zone spread",
			tables:  []*schema.Table{table("t", same(4, "a1", "b1", "c1"))},
			cluster: Cluster{Alive: nodes("a1@a", "b1@b", "c1@c", "c2@c", "c3@c")},
			rf:      3,
			want: []Change{{Table: "t", PartitionID: 1, Replicas: []string{"a1", "b1", "c2"}, Epoch: 2,
				Reason: "rebalance: move replica from c1 to c2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := clone(tt.tables)
			got := Plan(tt.tables, tt.cluster, now, deadTimeout, tt.rf)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Plan =\n%+v\nwant\n%+v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.tables, before) {
				t.Fatalf("Plan modified its input")
			}
		})
	}
}

func clone(tables []*schema.Table) []*schema.Table {
	out := make([]*schema.Table, len(tables))
	for i, t := range tables {
		c := *t
		c.Partitions = slices.Clone(t.Partitions)
		for j := range c.Partitions {
			c.Partitions[j].Replicas = slices.Clone(t.Partitions[j].Replicas)
		}
		out[i] = &c
	}
	return out
}

// apply stores changes in tables as the catalog would.
func apply(t *testing.T, tables []*schema.Table, changes []Change) {
	t.Helper()
	for _, ch := range changes {
		p := find(tables, ch.Table, ch.PartitionID)
		if p == nil {
			t.Fatalf("change for unknown partition %s/%d", ch.Table, ch.PartitionID)
		}
		if ch.Epoch != p.Epoch+1 {
			t.Fatalf("change epoch %d for partition at epoch %d", ch.Epoch, p.Epoch)
		}
		p.Replicas, p.Epoch = ch.Replicas, ch.Epoch
	}
}

func find(tables []*schema.Table, name string, id uint64) *schema.Partition {
	for _, t := range tables {
		for i := range t.Partitions {
			if t.Name == name && t.Partitions[i].ID == id {
				return &t.Partitions[i]
			}
		}
	}
	return nil
}

// converge applies Plan until it returns nothing, checking every step's
// invariants, and returns the number of steps taken.
func converge(t *testing.T, tables []*schema.Table, c Cluster, rf int) int {
	t.Helper()
	for step := 0; step < 1000; step++ {
		changes := Plan(tables, c, now, deadTimeout, rf)
		if len(changes) == 0 {
			return step
		}
		checkChanges(t, tables, changes)
		apply(t, tables, changes)
	}
	t.Fatal("Plan did not converge in 1000 steps")
	return 0
}

// checkChanges checks that no change holds duplicates or drops every
// replica of a partition that had one.
func checkChanges(t *testing.T, tables []*schema.Table, changes []Change) {
	t.Helper()
	for _, ch := range changes {
		if len(dedupe(ch.Replicas)) != len(ch.Replicas) {
			t.Fatalf("duplicate replicas in %+v", ch)
		}
		old := find(tables, ch.Table, ch.PartitionID).Replicas
		if len(old) > 0 && !slices.ContainsFunc(old, func(id string) bool { return slices.Contains(ch.Replicas, id) }) {
			t.Fatalf("change %+v keeps none of %v", ch, old)
		}
	}
}

func TestPlanRebalanceConverges(t *testing.T) {
	tests := []struct {
		name       string
		partitions int
		alive      []Node
		rf         int
		maxSpread  int
	}{
		{"fourth node", 8, nodes("n1", "n2", "n3", "n4"), 3, 1},
		{"fourth and fifth node", 10, nodes("n1", "n2", "n3", "n4", "n5"), 3, 1},
		{"three new nodes", 7, nodes("n1", "n2", "n3", "n4", "n5", "n6"), 3, 1},
		{"zones with one new node each", 9, nodes("n1@a", "n2@b", "n3@c", "n4@a", "n5@b", "n6@c"), 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tables := []*schema.Table{table("t", same(tt.partitions, "n1", "n2", "n3"))}
			c := Cluster{Alive: tt.alive}
			steps := converge(t, tables, c, tt.rf)
			if steps < 2 {
				t.Fatalf("converged in %d steps; want gradual moves", steps)
			}
			load := Load(tables)
			avg := float64(tt.partitions*tt.rf) / float64(len(tt.alive))
			for _, n := range tt.alive {
				if d := float64(load[n.ID]) - avg; d > 1 || d < -1 {
					t.Errorf("node %s holds %d replicas, average %.2f (load %v)", n.ID, load[n.ID], avg, load)
				}
			}
			checkZones(t, tables, c)
		})
	}
}

// checkZones checks every partition spans as many zones as it can.
func checkZones(t *testing.T, tables []*schema.Table, c Cluster) {
	t.Helper()
	zoneOf := map[string]string{}
	zones := map[string]bool{}
	for _, n := range c.Alive {
		zoneOf[n.ID], zones[n.Zone] = n.Zone, true
	}
	for _, tb := range tables {
		for _, p := range tb.Partitions {
			spanned := map[string]bool{}
			for _, id := range p.Replicas {
				spanned[zoneOf[id]] = true
			}
			if want := min(len(zones), len(p.Replicas)); len(spanned) != want {
				t.Errorf("partition %d on %v spans %d zones, want %d", p.ID, p.Replicas, len(spanned), want)
			}
		}
	}
}

func TestPlanReplaceThenRebalance(t *testing.T) {
	tables := []*schema.Table{table("t", same(6, "n1", "n2", "n3"))}
	c := Cluster{Alive: nodes("n1", "n2", "n4", "n5"), DeadSince: deadFor(time.Hour, "n3")}
	first := Plan(tables, c, now, deadTimeout, 3)
	if len(first) != 6 {
		t.Fatalf("first Plan returned %d changes, want all 6 replacements: %+v", len(first), first)
	}
	apply(t, tables, first)
	converge(t, tables, c, 3)
	load := Load(tables)
	if load["n3"] != 0 {
		t.Fatalf("dead node still holds replicas: %v", load)
	}
	for _, n := range c.Alive {
		if d := load[n.ID]*4 - 18; d > 4 || d < -4 {
			t.Errorf("node %s holds %d replicas, average 4.5 (load %v)", n.ID, load[n.ID], load)
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	base := []*schema.Table{
		table("a", same(5, "n1", "n2", "n3")),
		table("b", [][]string{{"n1"}, {"n2", "n6"}, nil}),
	}
	alive := nodes("n1@x", "n2@y", "n3@z", "n4@x", "n5@y")
	dead := deadFor(time.Hour, "n6")
	want := Plan(clone(base), Cluster{Alive: alive, DeadSince: dead}, now, deadTimeout, 3)
	if len(want) == 0 {
		t.Fatal("Plan returned no changes")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		t.Run(fmt.Sprint("shuffle=", i), func(t *testing.T) {
			tables, shuffled := clone(base), slices.Clone(alive)
			rng.Shuffle(len(tables), func(i, j int) { tables[i], tables[j] = tables[j], tables[i] })
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			got := Plan(tables, Cluster{Alive: shuffled, DeadSince: dead}, now, deadTimeout, 3)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Plan =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
