package dataplane

import (
	"context"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// TestFollowerReads: an eventually consistent read is served by this
// node's follower replica once it has applied what the leader had
// committed and every write this node acknowledged; until then it goes to
// the leader. Consistent reads always go to the leader.
func TestFollowerReads(t *testing.T) {
	c := newCluster(t, "a", "b")
	follower := c.host("a", 1, false)
	follower.setLeader(false, "b", c.addr("b"))
	leader := c.host("b", 1, true)
	p := &schema.Partition{ID: 1, Replicas: []string{"a", "b"}}
	tbl := testTable(*p)
	key := item("k", 1, nil)
	putAt := func(r *fakeReplica, index uint64, v string) {
		t.Helper()
		if _, err := r.p.ApplyBatch(index, []*partition.Command{put(item("k", 1, map[string]attr.Value{"v": attr.Str(v)}))}); err != nil {
			t.Fatal(err)
		}
	}
	putAt(follower, 1, "one")
	putAt(leader, 1, "one")
	putAt(leader, 2, "two")
	leader.mu.Lock()
	leader.index = 2
	leader.mu.Unlock()

	// read returns what an eventually consistent read through a sees, and
	// whether it reached b.
	read := func(consistent bool) (string, bool) {
		t.Helper()
		before := c.nodes["b"].groups.lookups.Load()
		it, err := c.nodes["a"].data.Get(context.Background(), tbl, p, key, consistent)
		if err != nil {
			t.Fatal(err)
		}
		return it["v"].S, c.nodes["b"].groups.lookups.Load() != before
	}

	if v, remote := read(false); v != "two" || !remote {
		t.Fatalf("follower without a follower read index: got v=%s (remote %v), want the leader's v=two", v, remote)
	}

	follower.mu.Lock()
	follower.followerIndex = 1 // the leader had committed index 1 as of its last append
	follower.mu.Unlock()
	// a's mark is now 2, from the leader's answer: its replica at 1 may
	// not serve until it applies 2.
	if v, remote := read(false); v != "two" || !remote {
		t.Fatalf("follower behind this node's mark: got v=%s (remote %v), want the leader's v=two", v, remote)
	}
	putAt(follower, 2, "two")
	if v, remote := read(false); v != "two" || remote {
		t.Fatalf("follower caught up: got v=%s (remote %v), want v=two served by a", v, remote)
	}
	t.Run("follower reads off", func(t *testing.T) {
		cfg := c.nodes["a"].data.cfg
		cfg.LocalReadWait = 0
		d, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		before := c.nodes["b"].groups.lookups.Load()
		it, err := d.Get(context.Background(), tbl, p, key, false)
		if err != nil {
			t.Fatal(err)
		}
		if it["v"].S != "two" || c.nodes["b"].groups.lookups.Load() == before {
			t.Fatalf("with LocalReadWait 0: got %v (b asked: %v), want v=two from the leader", it, c.nodes["b"].groups.lookups.Load() != before)
		}
	})
	if v, remote := read(true); v != "two" || !remote {
		t.Fatalf("consistent read: got v=%s (remote %v), want the leader's v=two", v, remote)
	}

	// A write through a raises a's mark to the write's index (3): a read
	// right after it sees the write, from the leader while a lags.
	if _, err := c.nodes["a"].data.Write(context.Background(), tbl, p, put(item("k", 1, map[string]attr.Value{"v": attr.Str("three")}))); err != nil {
		t.Fatal(err)
	}
	if v, remote := read(false); v != "three" || !remote {
		t.Fatalf("read after a write through a: got v=%s (remote %v), want the leader's v=three", v, remote)
	}
	putAt(follower, 3, "three")
	if v, remote := read(false); v != "three" || remote {
		t.Fatalf("follower caught up with the write: got v=%s (remote %v), want v=three served by a", v, remote)
	}

	// A follower whose leader committed more than it applied waits, then
	// gives way to the leader.
	putAt(leader, 4, "four")
	leader.mu.Lock()
	leader.index = 4
	leader.mu.Unlock()
	follower.mu.Lock()
	follower.followerIndex = 4
	follower.mu.Unlock()
	if v, remote := read(false); v != "four" || !remote {
		t.Fatalf("follower behind the leader's commit: got v=%s (remote %v), want the leader's v=four", v, remote)
	}
}

// TestMarks: a mark only rises.
func TestMarks(t *testing.T) {
	var m marks
	if got := m.get(7); got != 0 {
		t.Fatalf("mark of a new partition = %d, want 0", got)
	}
	for _, idx := range []uint64{5, 3, 0, 9, 8} {
		m.raise(7, idx)
	}
	if got := m.get(7); got != 9 {
		t.Fatalf("mark = %d, want 9", got)
	}
	if got := m.get(8); got != 0 {
		t.Fatalf("another partition's mark = %d, want 0", got)
	}
}
