package dataplane

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

// staleCalls runs every kind of request on partition p from node "a" and
// returns their errors by name.
func staleCalls(t *testing.T, c *cluster, p *schema.Partition) map[string]error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	d, tab := c.nodes["a"].data, testTable(*p)
	key := item("k", 1, nil)
	out := map[string]error{}
	_, out["write"] = d.Write(ctx, tab, p, put(key))
	_, out["consistent get"] = d.Get(ctx, tab, p, key, true)
	_, out["eventual get"] = d.Get(ctx, tab, p, key, false)
	_, out["query"] = d.Query(ctx, tab, p, parseQuery(t, partition.ReadSource{KeyCondition: "pk = :pk",
		Values: map[string]attr.Value{":pk": attr.Str("k")}}, partition.QueryInput{Forward: true}))
	_, out["scan"] = d.Scan(ctx, tab, p, parseScan(t, partition.ReadSource{}, partition.ScanInput{HashLast: ^uint64(0)}))
	_, _, out["stats"] = d.Stats(ctx, tab)
	return out
}

func TestStaleMap(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares node "b", the partition's only listed replica.
		setup     func(c *cluster)
		epoch     uint64 // the request's
		wantStale bool
	}{
		{"partition deleted", func(c *cluster) { c.nodes["b"].m.set(1, 1, true) }, 1, true},
		{"replicas moved", func(c *cluster) { c.nodes["b"].m.set(1, 3, false) }, 2, true},
		{"same epoch, replica not open", func(c *cluster) { c.nodes["b"].m.set(1, 2, false) }, 2, false},
		{"partition not known yet", func(*cluster) {}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, "a", "b")
			tt.setup(c)
			p := &schema.Partition{ID: 1, Epoch: tt.epoch, Last: ^uint64(0), Replicas: []string{"b"}}
			for op, err := range staleCalls(t, c, p) {
				if !dberr.Is(err, dberr.Unavailable) {
					t.Errorf("%s: got %v, want Unavailable", op, err)
				}
				// Stats carries no epoch, so moved replicas do not show.
				want := tt.wantStale && (op != "stats" || tt.name == "partition deleted")
				if got := errors.Is(err, router.ErrStaleMap); got != want {
					t.Errorf("%s: stale map = %v, want %v (%v)", op, got, want, err)
				}
			}
		})
	}
}

// TestStaleMapServedWhenHosted checks that a node hosting the partition
// serves it whatever the request's epoch: the catalog is consulted only
// when there is no replica.
func TestStaleMapServedWhenHosted(t *testing.T) {
	c := newCluster(t, "a", "b")
	c.host("b", 1, true)
	c.nodes["b"].m.set(1, 5, false)
	p := &schema.Partition{ID: 1, Epoch: 1, Last: ^uint64(0), Replicas: []string{"b"}}
	for op, err := range staleCalls(t, c, p) {
		if err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
}

// TestLeaderlessReplicaServesNoStaleItems is a node that was down while
// its partition's table was deleted: its own replica, which finds no
// leader any more, still holds the old item. No read may return it; the
// other node's catalog reports the map as stale.
func TestLeaderlessReplicaServesNoStaleItems(t *testing.T) {
	c := newCluster(t, "a", "b")
	old := c.host("a", 1, false)
	if _, err := old.p.ApplyBatch(1, []*partition.Command{put(item("k", 1, map[string]attr.Value{"v": attr.Str("old")}))}); err != nil {
		t.Fatal(err)
	}
	c.nodes["b"].m.set(1, 1, true)
	p := &schema.Partition{ID: 1, Epoch: 1, Last: ^uint64(0), Replicas: []string{"a", "b"}}
	for op, err := range staleCalls(t, c, p) {
		if op == "stats" {
			continue // served by any replica
		}
		if !errors.Is(err, router.ErrStaleMap) {
			t.Errorf("%s: got %v, want a stale map", op, err)
		}
	}
	if n := old.applies.Load(); n != 0 {
		t.Errorf("the leaderless replica applied %d writes", n)
	}
}
