package replication_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/replication/fsm"
	"github.com/hashicorp/raft"
)

func TestConcurrentApplyReplicates(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	const writers, perWriter = 16, 63 // 1008 puts
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	l := c.leader()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := l.group.Apply(ctx, putCmd(fmt.Sprint("w", w, "-", i), "v"))
				cancel()
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Apply: %v", err)
	}
	got := c.converged()
	if n := strings.Count(got, "\n"); n != writers*perWriter {
		t.Fatalf("replicas hold %d items, want %d", n, writers*perWriter)
	}
	for _, nd := range c.nodes {
		if items, _ := nd.fsm.Partition().Stats(); items != writers*perWriter {
			t.Errorf("%s counts %d items", nd.id, items)
		}
	}
}

func TestReadIndex(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	l := c.leader()
	c.apply(putCmd("a", "1"))
	f := c.followers()[0]
	// A follower names the leader once it has heard from it; the write
	// above needed only one of the two followers.
	eventually(t, "the follower knows the leader", func() bool {
		id, _ := f.group.Leader()
		return id == l.id
	})
	cases := []struct {
		name    string
		node    *node
		wantErr error
	}{
		{"leader", l, nil},
		{"follower", f, replication.ErrNotLeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := tc.node.group.ReadIndex(ctx)
			if !errors.Is(err, tc.wantErr) && err != tc.wantErr {
				t.Fatalf("ReadIndex = %v, want %v", err, tc.wantErr)
			}
			var nle *replication.NotLeaderError
			if tc.wantErr != nil && (!errors.As(err, &nle) || nle.LeaderID != l.id || nle.LeaderAddr != l.addr) {
				t.Fatalf("ReadIndex error %v does not name leader %s", err, l.id)
			}
		})
	}
	t.Run("concurrent reads see acknowledged writes", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := l.group.ReadIndex(ctx); err != nil {
					t.Errorf("ReadIndex: %v", err)
				}
				if it, _ := l.fsm.Partition().Get(attr.Item{"id": attr.Str("a")}); it == nil {
					t.Errorf("acknowledged write not visible after ReadIndex")
				}
			}()
		}
		wg.Wait()
	})
}

func TestLeaderFailover(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	for i := 0; i < 10; i++ {
		c.apply(addCmd(1))
	}
	old := c.leader()
	c.stop(old)
	var l *node
	eventually(t, "a new leader", func() bool {
		for _, nd := range c.nodes {
			if nd.up && nd.group.IsLeader() {
				l = nd
				return true
			}
		}
		return false
	})
	if l == old {
		t.Fatal("stopped node still leads")
	}
	for i := 0; i < 10; i++ {
		c.apply(addCmd(2))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.group.ReadIndex(ctx); err != nil {
		t.Fatalf("ReadIndex on the new leader: %v", err)
	}
	c.wantCounter(l, 30, 2)
	if _, err := old.group.Apply(ctx, addCmd(1)); !errors.Is(err, replication.ErrShutdown) && !errors.Is(err, replication.ErrNotLeader) {
		t.Fatalf("Apply on a shut-down group = %v", err)
	}
}

// TestRestartDoesNotReapply restarts replicas from their directories (raft
// log and Pebble on disk) and checks that ADD commands sum exactly.
func TestRestartDoesNotReapply(t *testing.T) {
	cases := []struct {
		name     string
		snapshot bool // snapshot before the restart
	}{
		{"log only", false},
		{"after snapshot", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, 3, testConfig())
			for i := 1; i <= 20; i++ {
				c.apply(addCmd(i))
			}
			c.converged()
			if tc.snapshot {
				for _, nd := range c.nodes {
					if err := nd.group.Snapshot(); err != nil {
						t.Fatalf("Snapshot %s: %v", nd.id, err)
					}
				}
			}
			for _, nd := range c.followers() { // restart followers, then the leader
				c.stop(nd)
				c.start(nd)
			}
			l := c.leader()
			c.stop(l)
			c.start(l)
			for i := 21; i <= 25; i++ {
				c.apply(addCmd(i))
			}
			c.converged()
			for _, nd := range c.nodes {
				c.wantCounter(nd, 325, 25)
			}
		})
	}
}

// TestSnapshotCatchUp truncates the log with snapshots so that a lagging
// replica and a new one can only catch up by InstallSnapshot.
func TestSnapshotCatchUp(t *testing.T) {
	cfg := testConfig()
	cfg.SnapshotThreshold = 20
	cfg.TrailingLogs = 5
	cfg.SnapshotInterval = 20 * time.Millisecond
	c := newCluster(t, 3, cfg)
	c.apply(addCmd(0)) // every replica learns the configuration
	c.converged()
	lagging := c.followers()[0]
	c.stop(lagging)
	for i := 1; i <= 100; i++ {
		c.apply(addCmd(1))
	}
	l := c.leader()
	eventually(t, "a snapshot on the leader", func() bool {
		return leaderSnapshotted(l)
	})
	c.start(lagging)
	fresh := c.addNode()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.group.AddVoter(ctx, fresh.id, fresh.addr); err != nil {
		t.Fatalf("AddVoter: %v", err)
	}
	c.apply(addCmd(1))
	c.converged()
	for _, nd := range []*node{lagging, fresh} {
		c.wantCounter(nd, 101, 1)
		// Both caught up from an installed snapshot, which they report.
		if got := nd.group.SnapshotIndex(); got < 20 {
			t.Errorf("%s SnapshotIndex = %d, want an installed snapshot (>= 20)", nd.id, got)
		}
	}
	first, _ := l.group.FirstIndex()
	if snap := l.group.SnapshotIndex(); snap < first-1 || snap == 0 {
		t.Errorf("leader SnapshotIndex %d does not cover the compacted log (first index %d)", snap, first)
	}
}

// leaderSnapshotted reports whether the leader's log was compacted.
func leaderSnapshotted(l *node) bool {
	first, err := l.group.FirstIndex()
	return err == nil && first > 1
}

func TestReconfiguration(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	c.apply(putCmd("before", "1"))
	l := c.leader()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fourth := c.addNode()
	if err := l.group.AddVoter(ctx, fourth.id, fourth.addr); err != nil {
		t.Fatalf("AddVoter: %v", err)
	}
	removed := c.followers()[0]
	if removed == fourth {
		removed = c.followers()[1]
	}
	if err := l.group.RemoveServer(ctx, removed.id); err != nil {
		t.Fatalf("RemoveServer: %v", err)
	}
	servers, err := l.group.Configuration()
	if err != nil {
		t.Fatal(err)
	}
	got := map[raft.ServerID]bool{}
	for _, s := range servers {
		got[s.ID] = s.Suffrage == raft.Voter
	}
	if len(got) != 3 || !got[fourth.id] || got[removed.id] {
		t.Fatalf("configuration = %v, want 3 voters with %s and without %s", servers, fourth.id, removed.id)
	}
	if err := removed.group.Remove(); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	removed.up = false
	c.closeDBs(removed)
	c.apply(putCmd("after", "2"))
	if items := strings.Count(c.converged(), "\n"); items != 2 {
		t.Fatalf("replicas hold %d items, want 2", items)
	}
	fol := c.followers()[0]
	if err := fol.group.AddVoter(ctx, "x", "y"); !errors.Is(err, replication.ErrNotLeader) {
		t.Fatalf("AddVoter on a follower = %v, want ErrNotLeader", err)
	}
}

func TestBootstrapTwiceFails(t *testing.T) {
	c := newCluster(t, 1, testConfig())
	c.apply(putCmd("a", "1"))
	err := c.nodes[0].group.Bootstrap([]raft.Server{{ID: "n0", Address: "addr0"}})
	if !errors.Is(err, replication.ErrExistingState) {
		t.Fatalf("second Bootstrap = %v, want ErrExistingState", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := testConfig()
	good.ID, good.Dir, good.LocalID, good.LocalAddr = "1", "d", "n", "a"
	_, good.Transport = raft.NewInmemTransport("a")
	good.FSM = newFSMForConfig(t)
	cases := []struct {
		name    string
		mutate  func(*replication.Config)
		wantErr string
	}{
		{"valid", func(*replication.Config) {}, ""},
		{"no id", func(c *replication.Config) { c.ID = "" }, "Config.ID is required"},
		{"no dir", func(c *replication.Config) { c.Dir = "" }, "Config.Dir is required"},
		{"no fsm", func(c *replication.Config) { c.FSM = nil }, "Config.FSM is required"},
		{"lease above heartbeat", func(c *replication.Config) { c.LeaderLeaseTimeout = time.Hour }, "LeaderLeaseTimeout"},
		{"no batch", func(c *replication.Config) { c.MaxAppendEntries = 0 }, "MaxAppendEntries"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mutate(&cfg)
			err := cfg.Validate()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Validate = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func newFSMForConfig(t *testing.T) *fsm.PartitionFSM {
	db, err := pebble.Open("db", &pebble.Options{FS: vfs.NewMem(), Logger: quietPebble{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := partition.Open(db, 1, keySchema)
	if err != nil {
		t.Fatal(err)
	}
	return fsm.New(p)
}
