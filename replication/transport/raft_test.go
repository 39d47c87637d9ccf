package transport

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// countFSM counts applied commands; its snapshot is the count.
type countFSM struct {
	count    atomic.Uint64
	restores atomic.Int32
}

func (f *countFSM) Apply(*raft.Log) any { return f.count.Add(1) }

func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) { return countSnapshot(f.count.Load()), nil }

func (f *countFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	var buf [8]byte
	if _, err := io.ReadFull(rc, buf[:]); err != nil {
		return fmt.Errorf("restoring count: %w", err)
	}
	f.count.Store(binary.BigEndian.Uint64(buf[:]))
	f.restores.Add(1)
	return nil
}

type countSnapshot uint64

func (s countSnapshot) Persist(sink raft.SnapshotSink) error {
	// Pad the snapshot so that it spans several chunks.
	buf := make([]byte, 600*1024)
	binary.BigEndian.PutUint64(buf, uint64(s))
	if _, err := sink.Write(buf); err != nil {
		_ = sink.Cancel()
		return err
	}
	return sink.Close()
}

func (countSnapshot) Release() {}

// replica is one Raft group member on one node.
type replica struct {
	raft *raft.Raft
	fsm  *countFSM
}

// raftCluster runs Raft groups on in-process nodes joined by testNet.
type raftCluster struct {
	t     *testing.T
	nodes map[string]*Transport
	mu    sync.Mutex
	reps  map[string]map[string]*replica // group → node → replica
}

func newRaftCluster(t *testing.T, names ...string) *raftCluster {
	n := newTestNet(t)
	c := &raftCluster{t: t, nodes: map[string]*Transport{}, reps: map[string]map[string]*replica{}}
	for _, name := range names {
		c.nodes[name] = n.node(name)
	}
	return c
}

func fastRaftConfig(id string) *raft.Config {
	cfg := raft.DefaultConfig()
	cfg.LocalID = raft.ServerID(id)
	cfg.HeartbeatTimeout = 50 * time.Millisecond
	cfg.ElectionTimeout = 50 * time.Millisecond
	cfg.LeaderLeaseTimeout = 50 * time.Millisecond
	cfg.CommitTimeout = 5 * time.Millisecond
	cfg.SnapshotThreshold = 100
	cfg.TrailingLogs = 10
	cfg.SnapshotInterval = time.Hour
	cfg.LogOutput = io.Discard
	cfg.LogLevel = "ERROR"
	return cfg
}

// start opens group on node; bootstrap lists the voters if non-empty.
func (c *raftCluster) start(group, node string, bootstrap ...string) *replica {
	c.t.Helper()
	fsm := &countFSM{}
	logs := raft.NewInmemStore()
	trans := c.nodes[node].Group(group)
	if len(bootstrap) > 0 {
		var conf raft.Configuration
		for _, v := range bootstrap {
			conf.Servers = append(conf.Servers, raft.Server{ID: raft.ServerID(v), Address: raft.ServerAddress(v)})
		}
		if err := raft.BootstrapCluster(fastRaftConfig(node), logs, logs, raft.NewInmemSnapshotStore(), trans, conf); err != nil {
			c.t.Fatalf("bootstrap %s on %s: %v", group, node, err)
		}
	}
	r, err := raft.NewRaft(fastRaftConfig(node), fsm, logs, logs, raft.NewInmemSnapshotStore(), trans)
	if err != nil {
		c.t.Fatalf("raft %s on %s: %v", group, node, err)
	}
	c.t.Cleanup(func() { _ = r.Shutdown().Error() })
	rep := &replica{raft: r, fsm: fsm}
	c.mu.Lock()
	if c.reps[group] == nil {
		c.reps[group] = map[string]*replica{}
	}
	c.reps[group][node] = rep
	c.mu.Unlock()
	return rep
}

// leader waits until exactly one live replica of group leads and returns
// its node.
func (c *raftCluster) leader(group string, exclude string) string {
	c.t.Helper()
	var leader string
	waitFor(c.t, "leader of "+group, 10*time.Second, func() bool {
		leader = ""
		for node, rep := range c.reps[group] {
			if node != exclude && rep.raft.State() == raft.Leader {
				leader = node
			}
		}
		return leader != ""
	})
	return leader
}

func (c *raftCluster) apply(group, leader string, n int) {
	c.t.Helper()
	r := c.reps[group][leader].raft
	futures := make([]raft.ApplyFuture, n)
	for i := range futures {
		futures[i] = r.Apply([]byte("inc"), 5*time.Second)
	}
	for i, f := range futures {
		if err := f.Error(); err != nil {
			c.t.Fatalf("apply %d to %s: %v", i, group, err)
		}
	}
}

func (c *raftCluster) waitCount(group string, want uint64, nodes ...string) {
	c.t.Helper()
	for _, node := range nodes {
		fsm := c.reps[group][node].fsm
		waitFor(c.t, fmt.Sprintf("%s on %s to count %d", group, node, want), 10*time.Second, func() bool {
			return fsm.count.Load() == want
		})
	}
}

// TestRaftGroups runs two Raft groups over three nodes' shared transports:
// election, replication, leader failover and a lagging follower catching
// up by InstallSnapshot.
func TestRaftGroups(t *testing.T) {
	c := newRaftCluster(t, "n1", "n2", "n3")

	// Group 1: all three replicas, then the leader fails.
	c.start("1", "n1", "n1", "n2", "n3")
	c.start("1", "n2")
	c.start("1", "n3")
	// Group 2: n3 stays down (its RPCs get NotFound) while the log grows
	// past a snapshot.
	c.start("2", "n1", "n1", "n2", "n3")
	c.start("2", "n2")

	t.Run("replicate", func(t *testing.T) {
		leader := c.leader("1", "")
		c.apply("1", leader, 1000)
		c.waitCount("1", 1000, "n1", "n2", "n3")
	})
	t.Run("failover", func(t *testing.T) {
		old := c.leader("1", "")
		if err := c.reps["1"][old].raft.Shutdown().Error(); err != nil {
			t.Fatal(err)
		}
		leader := c.leader("1", old)
		c.apply("1", leader, 100)
		var live []string
		for node := range c.reps["1"] {
			if node != old {
				live = append(live, node)
			}
		}
		c.waitCount("1", 1100, live...)
	})
	t.Run("snapshot catch-up", func(t *testing.T) {
		leader := c.leader("2", "")
		c.apply("2", leader, 1000)
		if err := c.reps["2"][leader].raft.Snapshot().Error(); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		c.apply("2", leader, 5)
		rep := c.start("2", "n3")
		c.waitCount("2", 1005, "n1", "n2", "n3")
		if rep.fsm.restores.Load() == 0 {
			t.Fatal("n3 caught up without installing a snapshot")
		}
	})
}
