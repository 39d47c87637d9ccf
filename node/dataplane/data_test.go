package dataplane

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

var _ router.Data = (*Data)(nil)

func num(n string) attr.Value { return attr.Value{T: attr.TypeN, S: n} }

// getFrom reads an item straight from a replica's partition.
func getFrom(t *testing.T, r *fakeReplica, key attr.Item) attr.Item {
	t.Helper()
	it, err := r.p.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestWriteRouting(t *testing.T) {
	key := item("a", 1, nil)
	tests := []struct {
		name string
		// setup hosts partition 1 and returns the replica that must apply
		// the write; the write is sent from node "a".
		setup    func(c *cluster) *fakeReplica
		replicas []string
	}{
		{"local leader", func(c *cluster) *fakeReplica { return c.host("a", 1, true) }, []string{"a", "b"}},
		{"forwarded to listed replica", func(c *cluster) *fakeReplica { return c.host("b", 1, true) }, []string{"b"}},
		{"local follower's hint", func(c *cluster) *fakeReplica {
			c.host("a", 1, false).setLeader(false, "c", c.addr("c"))
			return c.host("c", 1, true)
		}, []string{"b", "c"}},
		{"remote follower's hint", func(c *cluster) *fakeReplica {
			c.host("b", 1, false).setLeader(false, "c", c.addr("c"))
			return c.host("c", 1, true)
		}, []string{"b", "c"}},
		{"follower without hint", func(c *cluster) *fakeReplica {
			c.host("b", 1, false)
			return c.host("c", 1, true)
		}, []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, "a", "b", "c")
			want := tt.setup(c)
			p := &schema.Partition{ID: 1, Last: ^uint64(0), Replicas: tt.replicas}
			res, err := c.nodes["a"].data.Write(context.Background(), testTable(*p), p, put(item("a", 1, map[string]attr.Value{"v": attr.Str("x")})))
			if err != nil || res.Err != nil {
				t.Fatalf("Write: %v / %v", err, res.Err)
			}
			if got := want.applies.Load(); got != 1 {
				t.Errorf("leader applied %d writes, want 1", got)
			}
			if it := getFrom(t, want, key); it["v"].S != "x" {
				t.Errorf("leader holds %v, want v=x", it)
			}
		})
	}
}

func TestWriteRetriesUntilReplicaOpens(t *testing.T) {
	c := newCluster(t, "a", "b")
	p := &schema.Partition{ID: 1, Last: ^uint64(0), Replicas: []string{"b"}}
	b := c.nodes["b"]
	done := make(chan error, 1)
	go func() {
		_, err := c.nodes["a"].data.Write(context.Background(), testTable(*p), p, put(item("k", 1, nil)))
		done <- err
	}()
	waitFor(t, "two NO_REPLICA answers", func() bool { return b.groups.lookups.Load() >= 2 })
	r := c.host("b", 1, true)
	if err := <-done; err != nil {
		t.Fatalf("Write: %v", err)
	}
	if getFrom(t, r, item("k", 1, nil)) == nil {
		t.Fatal("item not written")
	}
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *cluster)
		p     schema.Partition
	}{
		{"replica not open", func(*cluster) {}, schema.Partition{ID: 1, Replicas: []string{"b"}}},
		{"no leader", func(c *cluster) { c.host("b", 1, false) }, schema.Partition{ID: 1, Replicas: []string{"b"}}},
		{"unknown node", func(*cluster) {}, schema.Partition{ID: 1, Replicas: []string{"zz"}}},
		{"node down", func(c *cluster) { c.dir["zz"] = "127.0.0.1:1" }, schema.Partition{ID: 1, Replicas: []string{"zz"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, "a", "b")
			tt.setup(c)
			ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
			defer cancel()
			p := &tt.p
			_, err := c.nodes["a"].data.Write(ctx, testTable(*p), p, put(item("k", 1, nil)))
			if !dberr.Is(err, dberr.Unavailable) {
				t.Errorf("Write: got %v, want Unavailable", err)
			}
			_, err = c.nodes["a"].data.Get(ctx, testTable(*p), p, item("k", 1, nil), true)
			if !dberr.Is(err, dberr.Unavailable) {
				t.Errorf("Get: got %v, want Unavailable", err)
			}
		})
	}
}

func TestUnknownOutcomeIsAnError(t *testing.T) {
	c := newCluster(t, "a", "b")
	r := c.host("b", 1, true)
	r.block = make(chan struct{}) // never released: the write times out on the leader
	p := &schema.Partition{ID: 1, Replicas: []string{"b"}}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err := c.nodes["a"].data.Write(ctx, testTable(*p), p, put(item("k", 1, nil)))
	if err == nil {
		t.Fatalf("Write succeeded (%+v); an unknown outcome must be an error", res)
	}
	if dberr.Is(err, dberr.Unavailable) || !dberr.Is(err, dberr.Internal) {
		t.Errorf("got %v, want an internal error", err)
	}
	if n := r.applies.Load(); n != 1 {
		t.Errorf("write proposed %d times, want 1 (never retried)", n)
	}
}

func TestReadRouting(t *testing.T) {
	c := newCluster(t, "a", "b")
	follower := c.host("a", 1, false)
	follower.setLeader(false, "b", c.addr("b"))
	leader := c.host("b", 1, true)
	key := item("k", 1, nil)
	if _, err := follower.p.ApplyBatch(1, []*partition.Command{put(item("k", 1, map[string]attr.Value{"v": attr.Str("stale")}))}); err != nil {
		t.Fatal(err)
	}
	if _, err := leader.p.ApplyBatch(1, []*partition.Command{put(item("k", 1, map[string]attr.Value{"v": attr.Str("fresh")}))}); err != nil {
		t.Fatal(err)
	}
	p := &schema.Partition{ID: 1, Replicas: []string{"a", "b"}}
	tests := []struct {
		consistent bool
		want       string
		readIndex  int64
	}{
		{consistent: true, want: "fresh", readIndex: 1},
		// Eventually consistent reads go to the leader while it is
		// reachable (without a ReadIndex), so clients read their writes.
		{consistent: false, want: "fresh", readIndex: 0},
	}
	for _, tt := range tests {
		t.Run(map[bool]string{true: "consistent", false: "eventual"}[tt.consistent], func(t *testing.T) {
			before := leader.readIndexes.Load()
			it, err := c.nodes["a"].data.Get(context.Background(), testTable(*p), p, key, tt.consistent)
			if err != nil {
				t.Fatal(err)
			}
			if it["v"].S != tt.want {
				t.Errorf("got %v, want v=%s", it, tt.want)
			}
			if got := leader.readIndexes.Load() - before; got != tt.readIndex {
				t.Errorf("leader ReadIndex calls = %d, want %d", got, tt.readIndex)
			}
		})
	}
	t.Run("encoded", func(t *testing.T) {
		enc, err := c.nodes["a"].data.GetEncoded(context.Background(), testTable(*p), p, key, true)
		if err != nil {
			t.Fatal(err)
		}
		if it, err := attr.DecodeItem(enc); err != nil || it["v"].S != "fresh" {
			t.Errorf("GetEncoded from the leader decodes to %v, %v; want v=fresh", it, err)
		}
		missing, err := c.nodes["a"].data.GetEncoded(context.Background(), testTable(*p), p, item("absent", 1, nil), true)
		if err != nil || missing != nil {
			t.Errorf("GetEncoded of a missing item = %x, %v; want nil, nil", missing, err)
		}
	})
	t.Run("eventual without a reachable leader", func(t *testing.T) {
		c.nodes["b"].groups.remove(1)
		it, err := c.nodes["a"].data.Get(context.Background(), testTable(*p), p, key, false)
		if err != nil {
			t.Fatal(err)
		}
		if it["v"].S != "stale" {
			t.Errorf("got %v, want the local replica's v=stale", it)
		}
	})
}

func TestErrorKindsPreserved(t *testing.T) {
	c := newCluster(t, "a", "b")
	c.host("b", 1, true)
	p := &schema.Partition{ID: 1, Replicas: []string{"b"}}
	tab := testTable(*p)
	old := item("k", 1, map[string]attr.Value{"n": attr.Str("text")})
	if _, err := c.nodes["a"].data.Write(context.Background(), tab, p, put(old)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cmd      *partition.Command
		kind     dberr.Kind
		wantItem attr.Item
	}{
		{"condition failed with item", &partition.Command{Op: partition.OpPut, Item: item("k", 1, nil),
			Condition: "attribute_not_exists(pk)", ReturnOldOnConditionFailure: true}, dberr.ConditionalCheckFailed, old},
		{"condition failed", &partition.Command{Op: partition.OpDelete, Item: item("k", 1, nil),
			Condition: "n = :v", Values: map[string]attr.Value{":v": attr.Str("other")}}, dberr.ConditionalCheckFailed, nil},
		{"validation at apply", &partition.Command{Op: partition.OpUpdate, Item: item("k", 1, nil),
			Update: "ADD n :one", Values: map[string]attr.Value{":one": num("1")}}, dberr.Validation, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.nodes["a"].data.Write(context.Background(), tab, p, tt.cmd)
			if err != nil {
				t.Fatal(err)
			}
			var de *dberr.Error
			if !errors.As(res.Err, &de) || de.Kind != tt.kind {
				t.Fatalf("Result.Err = %v, want kind %v", res.Err, tt.kind)
			}
			var got attr.Item
			if de.Item != nil {
				got = de.Item.(attr.Item)
			}
			if !reflect.DeepEqual(got, tt.wantItem) {
				t.Errorf("error item = %v, want %v", got, tt.wantItem)
			}
		})
	}
}

func TestStats(t *testing.T) {
	c := newCluster(t, "a", "b")
	local := c.host("a", 1, true)
	remote := c.host("b", 2, true)
	for i, r := range []*fakeReplica{local, remote, remote} {
		if _, err := r.p.ApplyBatch(uint64(i+1), []*partition.Command{put(item("k", i, nil))}); err != nil {
			t.Fatal(err)
		}
	}
	tab := testTable(schema.Partition{ID: 1, Last: 1 << 62, Replicas: []string{"a"}},
		schema.Partition{ID: 2, First: 1<<62 + 1, Last: ^uint64(0), Replicas: []string{"b"}})
	items, bytes, err := c.nodes["a"].data.Stats(context.Background(), tab)
	if err != nil {
		t.Fatal(err)
	}
	li, lb := local.p.Stats()
	ri, rb := remote.p.Stats()
	if items != li+ri || bytes != lb+rb || items != 3 {
		t.Errorf("Stats = %d items %d bytes, want %d, %d (3 items)", items, bytes, li+ri, lb+rb)
	}
}

// parseQuery builds a QueryInput the way the router does, with its Source.
func parseQuery(t *testing.T, src partition.ReadSource, in partition.QueryInput) *partition.QueryInput {
	t.Helper()
	env := expr.NewEnv(src.Names, src.Values)
	var err error
	if in.Key, err = expr.ParseKeyCondition(src.KeyCondition, env, testKey); err != nil {
		t.Fatal(err)
	}
	if src.Filter != "" {
		if in.Filter, err = expr.ParseCondition("FilterExpression", src.Filter, env); err != nil {
			t.Fatal(err)
		}
	}
	if src.Projection != "" {
		if in.Projection, err = expr.ParseProjection(src.Projection, env); err != nil {
			t.Fatal(err)
		}
	}
	in.Source = &src
	return &in
}

// parseScan builds a ScanInput with its Source.
func parseScan(t *testing.T, src partition.ReadSource, in partition.ScanInput) *partition.ScanInput {
	t.Helper()
	q := parseQuery(t, partition.ReadSource{KeyCondition: "pk = :pk", Filter: src.Filter, Projection: src.Projection,
		Names: src.Names, Values: withPK(src.Values)}, partition.QueryInput{})
	in.Filter, in.Projection, in.Source = q.Filter, q.Projection, &src
	return &in
}

func withPK(v map[string]attr.Value) map[string]attr.Value {
	out := map[string]attr.Value{":pk": attr.Str("x")}
	for k, x := range v {
		out[k] = x
	}
	return out
}

func TestQueryScanForwardedEqualsLocal(t *testing.T) {
	c := newCluster(t, "a", "b")
	r := c.host("b", 1, true)
	var cmds []*partition.Command
	for i := range 20 {
		cmds = append(cmds, put(item([]string{"x", "y"}[i%2], i, map[string]attr.Value{
			"n": num(strconv.Itoa(i)), "m": {T: attr.TypeM, M: map[string]attr.Value{"in": num(strconv.Itoa(i * 10))}}})))
	}
	if _, err := r.p.ApplyBatch(1, cmds); err != nil {
		t.Fatal(err)
	}
	p := &schema.Partition{ID: 1, Replicas: []string{"b"}}
	tab := testTable(*p)
	vals := map[string]attr.Value{":pk": attr.Str("x"), ":lo": num("3"), ":min": num("5")}
	queries := []struct {
		name string
		in   *partition.QueryInput
	}{
		{"key range, filter, projection", parseQuery(t, partition.ReadSource{
			KeyCondition: "pk = :pk AND sk >= :lo", Filter: "#n > :min", Projection: "sk, m.#i",
			Names: map[string]string{"#n": "n", "#i": "in"}, Values: vals}, partition.QueryInput{Forward: true})},
		{"backward, limit, start key", parseQuery(t, partition.ReadSource{
			KeyCondition: "pk = :pk", Values: map[string]attr.Value{":pk": attr.Str("y")}},
			partition.QueryInput{Limit: 3, ExclusiveStartKey: item("y", 15, nil)})},
		{"count only, consistent", parseQuery(t, partition.ReadSource{
			KeyCondition: "pk = :pk", Values: map[string]attr.Value{":pk": attr.Str("x")}},
			partition.QueryInput{Forward: true, CountOnly: true, Consistent: true})},
	}
	for _, tt := range queries {
		t.Run("query/"+tt.name, func(t *testing.T) {
			want, err := r.p.Query(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.nodes["a"].data.Query(context.Background(), tab, p, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			comparePages(t, got, want)
		})
	}
	scans := []struct {
		name string
		in   *partition.ScanInput
	}{
		{"filter and projection", parseScan(t, partition.ReadSource{Filter: "n < :min", Projection: "pk, n",
			Values: map[string]attr.Value{":min": num("7")}}, partition.ScanInput{})},
		{"limit", parseScan(t, partition.ReadSource{}, partition.ScanInput{Limit: 4, MaxBytes: 1 << 10})},
		{"no source needed", &partition.ScanInput{Limit: 2}},
	}
	for _, tt := range scans {
		t.Run("scan/"+tt.name, func(t *testing.T) {
			want, err := r.p.Scan(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.nodes["a"].data.Scan(context.Background(), tab, p, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			comparePages(t, got, want)
		})
	}
}

func comparePages(t *testing.T, got, want *partition.Page) {
	t.Helper()
	if len(got.Items) == 0 && len(want.Items) == 0 {
		got.Items, want.Items = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("forwarded page = %+v\nlocal page = %+v", got, want)
	}
	if want.Count == 0 && want.ScannedCount == 0 {
		t.Errorf("test reads nothing")
	}
}

// A consistent read whose leader check loses leadership changed nothing,
// so it is retried rather than failed.
func TestReadRetriedAfterLostLeadership(t *testing.T) {
	c := newCluster(t, "a")
	r := c.host("a", 1, true)
	r.lostReads = 2
	key := item("k", 1, nil)
	if _, err := r.p.ApplyBatch(1, []*partition.Command{put(item("k", 1, map[string]attr.Value{"v": attr.Str("x")}))}); err != nil {
		t.Fatal(err)
	}
	p := &schema.Partition{ID: 1, Replicas: []string{"a"}}
	it, err := c.nodes["a"].data.Get(context.Background(), testTable(*p), p, key, true)
	if err != nil {
		t.Fatalf("consistent Get after lost leadership: %v", err)
	}
	if it["v"].S != "x" {
		t.Errorf("got %v, want v=x", it)
	}
	if n := r.readIndexes.Load(); n != 1 {
		t.Errorf("successful ReadIndex calls = %d, want 1", n)
	}
}
