package dataplane

import (
	"context"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// unsafeData is node's Data with Config.UnsafeStaleReads set.
func unsafeData(t *testing.T, n *testNode) *Data {
	t.Helper()
	cfg := n.data.cfg
	cfg.UnsafeStaleReads = true
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// putV stores k=1 with v on a replica, bypassing replication.
func putV(t *testing.T, r *fakeReplica, index uint64, v string) {
	t.Helper()
	cmd := put(item("k", 1, map[string]attr.Value{"v": attr.Str(v)}))
	if _, err := r.p.ApplyBatch(index, []*partition.Command{cmd}); err != nil {
		t.Fatal(err)
	}
}

// reads returns v of k=1 as a consistent get, an eventual get, a query
// and a scan of partition p through d see it.
func reads(t *testing.T, d *Data, p *schema.Partition) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	tab, key := testTable(*p), item("k", 1, nil)
	out := map[string]string{}
	for name, consistent := range map[string]bool{"consistent get": true, "eventual get": false} {
		it, err := d.Get(ctx, tab, p, key, consistent)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = it["v"].S
	}
	q, err := d.Query(ctx, tab, p, parseQuery(t, partition.ReadSource{KeyCondition: "pk = :pk",
		Values: map[string]attr.Value{":pk": attr.Str("k")}}, partition.QueryInput{Forward: true, Consistent: true}))
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("query: %v, %d items", err, len(q.Items))
	}
	out["query"] = q.Items[0]["v"].S
	sc := parseScan(t, partition.ReadSource{}, partition.ScanInput{HashLast: ^uint64(0)})
	sc.Consistent = true
	s, err := d.Scan(ctx, tab, p, sc)
	if err != nil || len(s.Items) != 1 {
		t.Fatalf("scan: %v, %d items", err, len(s.Items))
	}
	out["scan"] = s.Items[0]["v"].S
	return out
}

// TestUnsafeStaleReadsServeOwnReplica has node a hold a follower replica
// that lags behind the leader on b: with UnsafeStaleReads every read on a
// returns a's stale value without a ReadIndex; without it, the leader's.
func TestUnsafeStaleReadsServeOwnReplica(t *testing.T) {
	c := newCluster(t, "a", "b")
	leader := c.host("b", 1, true)
	follower := c.host("a", 1, false)
	follower.setLeader(false, "b", c.addr("b"))
	putV(t, leader, 1, "old")
	putV(t, leader, 2, "new")
	putV(t, follower, 1, "old")
	p := &schema.Partition{ID: 1, Epoch: 1, Last: ^uint64(0), Replicas: []string{"a", "b"}}

	for op, v := range reads(t, c.nodes["a"].data, p) {
		if v != "new" {
			t.Errorf("safe %s on a = %q, want the leader's new", op, v)
		}
	}
	before := leader.readIndexes.Load()
	for op, v := range reads(t, unsafeData(t, c.nodes["a"]), p) {
		if v != "old" {
			t.Errorf("unsafe %s on a = %q, want a's own stale old", op, v)
		}
	}
	if n := leader.readIndexes.Load() - before; n != 0 {
		t.Errorf("unsafe reads made %d ReadIndex calls at the leader", n)
	}
	if n := follower.readIndexes.Load(); n != 0 {
		t.Errorf("unsafe reads made %d ReadIndex calls on a", n)
	}
}

// TestUnsafeStaleReadsElsewhereUsual reads, with UnsafeStaleReads, a
// partition the node does not host: the normal path serves it.
func TestUnsafeStaleReadsElsewhereUsual(t *testing.T) {
	c := newCluster(t, "a", "b")
	leader := c.host("b", 1, true)
	putV(t, leader, 1, "new")
	p := &schema.Partition{ID: 1, Epoch: 1, Last: ^uint64(0), Replicas: []string{"b"}}
	before := leader.readIndexes.Load()
	for op, v := range reads(t, unsafeData(t, c.nodes["a"]), p) {
		if v != "new" {
			t.Errorf("%s = %q, want new", op, v)
		}
	}
	if leader.readIndexes.Load() == before {
		t.Error("consistent reads of a partition hosted elsewhere skipped the leader's ReadIndex")
	}
}
