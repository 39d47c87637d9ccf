package replication_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/replication/fsm"
	"github.com/flotilla-db/flotilla/replication/pebblelog"
	"github.com/hashicorp/raft"
)

const partitionID = 42

var keySchema = schema.KeySchema{Hash: schema.KeyAttr{Name: "id", Type: attr.TypeS}}

// testConfig returns fast raft timings for in-process clusters: fast
// enough for quick elections, slow enough that a loaded 2-core machine
// (scheduling and GC pauses) does not cost a healthy leader its lease.
func testConfig() replication.Config {
	c := replication.DefaultConfig()
	c.HeartbeatTimeout = 200 * time.Millisecond
	c.ElectionTimeout = 200 * time.Millisecond
	c.LeaderLeaseTimeout = 150 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
	c.SnapshotInterval = time.Hour
	return c
}

// node is one simulated node: its own Pebble, transport and group.
type node struct {
	id    raft.ServerID
	addr  raft.ServerAddress
	dir   string
	fs    vfs.FS
	db    *pebble.DB
	fsm   *fsm.PartitionFSM
	trans *raft.InmemTransport
	group *replication.Group
	up    bool
	// logDB and logs are the node's shared log store when the test runs
	// on the Pebble log store (raftLogEnv); else nil.
	logDB *pebble.DB
	logs  *pebblelog.Stores
}

// raftLogEnv set to "pebble" makes the test's nodes keep their raft logs
// in a shared Pebble log store (package pebblelog) rather than in
// raft-boltdb files. Tests set it with t.Setenv.
const raftLogEnv = "FLOTILLA_TEST_RAFT_LOG"

// cluster is a set of nodes connected by in-memory transports.
type cluster struct {
	t     testing.TB
	cfg   replication.Config
	mu    sync.Mutex
	nodes []*node
	// uncertain counts proposals whose outcome is unknown (leadership was
	// lost after they were proposed) and that apply proposed again: each
	// may have been applied twice.
	uncertain int
	// wrap, when set, wraps each node's transport as its group sees it.
	wrap func(nd *node, t raft.Transport) raft.Transport
}

// newCluster starts n nodes with cfg's tunings and bootstraps them as one
// group; every node is shut down when the test ends.
func newCluster(t testing.TB, n int, cfg replication.Config) *cluster {
	return newWrappedCluster(t, n, cfg, nil)
}

// newWrappedCluster is newCluster with every node's transport, as its
// group sees it, wrapped by wrap (nil: not wrapped).
func newWrappedCluster(t testing.TB, n int, cfg replication.Config, wrap func(nd *node, t raft.Transport) raft.Transport) *cluster {
	c := &cluster{t: t, cfg: cfg, wrap: wrap}
	for i := 0; i < n; i++ {
		c.addNode()
	}
	t.Cleanup(c.shutdown)
	var servers []raft.Server
	for _, nd := range c.nodes {
		servers = append(servers, raft.Server{Suffrage: raft.Voter, ID: nd.id, Address: nd.addr})
	}
	if err := c.nodes[0].group.Bootstrap(servers); err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	return c
}

// addNode creates and starts a node that is not yet a member.
func (c *cluster) addNode() *node {
	i := len(c.nodes)
	nd := &node{
		id:   raft.ServerID(fmt.Sprint("n", i)),
		addr: raft.ServerAddress(fmt.Sprint("addr", i)),
		dir:  c.t.TempDir(),
		fs:   vfs.Default,
	}
	c.nodes = append(c.nodes, nd)
	c.start(nd)
	return nd
}

// start opens nd's Pebble and group from its directory and connects its
// transport to every other node.
func (c *cluster) start(nd *node) {
	if err := c.open(nd); err != nil {
		c.t.Fatalf("Open: %v", err)
	}
}

// open is start returning replication.Open's error.
func (c *cluster) open(nd *node) error {
	t := c.t
	db, err := pebble.Open(filepath.Join(nd.dir, "store"), &pebble.Options{FS: nd.fs, Logger: quietPebble{t}})
	if err != nil {
		t.Fatalf("pebble.Open: %v", err)
	}
	p, err := partition.Open(db, partitionID, keySchema)
	if err != nil {
		t.Fatalf("partition.Open: %v", err)
	}
	_, trans := raft.NewInmemTransport(nd.addr)
	nd.db, nd.fsm, nd.trans = db, fsm.New(p), trans
	c.connect(nd)
	cfg := c.cfg
	cfg.ID = fmt.Sprint(partitionID)
	cfg.Dir = filepath.Join(nd.dir, "raft", cfg.ID)
	cfg.LocalID, cfg.LocalAddr, cfg.Transport, cfg.FSM = nd.id, nd.addr, trans, nd.fsm
	if c.wrap != nil {
		cfg.Transport = c.wrap(nd, trans)
	}
	if os.Getenv(raftLogEnv) == "pebble" {
		c.openLogStore(nd)
		cfg.LogStores = replication.PebbleLogStores(nd.logs)
	}
	if nd.group, err = replication.Open(cfg); err != nil {
		c.closeDBs(nd)
		return err
	}
	nd.up = true
	return nil
}

// openLogStore opens nd's shared log store unless it is open.
func (c *cluster) openLogStore(nd *node) {
	if nd.logDB != nil {
		return
	}
	db, err := pebblelog.OpenDB(filepath.Join(nd.dir, "raftlog"), nd.fs, quietPebble{c.t})
	if err != nil {
		c.t.Fatalf("open log store: %v", err)
	}
	nd.logDB, nd.logs = db, pebblelog.New(db)
}

// closeDBs closes nd's Pebble databases that are open.
func (c *cluster) closeDBs(nd *node) {
	for _, db := range []**pebble.DB{&nd.db, &nd.logDB} {
		if *db == nil {
			continue
		}
		if err := (*db).Close(); err != nil {
			c.t.Errorf("close pebble of %s: %v", nd.id, err)
		}
		*db = nil
	}
	nd.logs = nil
}

func (c *cluster) connect(nd *node) {
	for _, o := range c.nodes {
		if o == nd || !o.up {
			continue
		}
		nd.trans.Connect(o.addr, o.trans)
		o.trans.Connect(nd.addr, nd.trans)
	}
}

// stop shuts nd's group down and closes its Pebble.
func (c *cluster) stop(nd *node) {
	if !nd.up {
		return
	}
	nd.up = false
	if err := nd.group.Shutdown(); err != nil {
		c.t.Errorf("Shutdown %s: %v", nd.id, err)
	}
	for _, o := range c.nodes {
		if o != nd && o.up {
			o.trans.Disconnect(nd.addr)
		}
	}
	c.closeDBs(nd)
}

// shutdown stops every node and closes the databases of nodes that tests
// took down themselves.
func (c *cluster) shutdown() {
	for _, nd := range c.nodes {
		c.stop(nd)
		c.closeDBs(nd)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// leader waits until exactly one running node leads and returns it.
func (c *cluster) leader() *node {
	c.t.Helper()
	var l *node
	eventually(c.t, "a leader", func() bool {
		l = nil
		for _, nd := range c.nodes {
			if nd.up && nd.group.IsLeader() {
				if l != nil {
					return false
				}
				l = nd
			}
		}
		return l != nil
	})
	return l
}

func (c *cluster) followers() []*node {
	var out []*node
	for _, nd := range c.nodes {
		if nd.up && !nd.group.IsLeader() {
			out = append(out, nd)
		}
	}
	return out
}

func putCmd(id, v string) []byte {
	return partition.EncodeCommand(&partition.Command{Op: partition.OpPut,
		Item: attr.Item{"id": attr.Str(id), "v": attr.Str(v)}})
}

func addCmd(n int) []byte {
	return partition.EncodeCommand(&partition.Command{Op: partition.OpUpdate,
		Item: attr.Item{"id": attr.Str("counter")}, Update: "ADD n :n",
		Values: map[string]attr.Value{":n": {T: attr.TypeN, S: fmt.Sprint(n)}}})
}

// apply proposes data on the current leader, retrying while leadership
// moves, and returns the command's result.
func (c *cluster) apply(data []byte) partition.Result {
	c.t.Helper()
	for attempt := 0; ; attempt++ {
		l := c.leader()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := l.group.Apply(ctx, data)
		cancel()
		if err == nil {
			return resp.(partition.Result)
		}
		if errors.Is(err, replication.ErrLeadershipLost) {
			c.mu.Lock()
			c.uncertain++
			c.mu.Unlock()
		}
		if attempt == 20 {
			c.t.Fatalf("Apply: %v", err)
		}
	}
}

// dump renders every item of nd's partition in scan order.
func dump(t testing.TB, nd *node) string {
	t.Helper()
	var b strings.Builder
	in := &partition.ScanInput{}
	for {
		page, err := nd.fsm.Partition().Scan(in)
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		for _, it := range page.Items {
			keys := make([]string, 0, len(it))
			for k, v := range it {
				keys = append(keys, k+"="+v.S)
			}
			sort.Strings(keys)
			fmt.Fprintln(&b, strings.Join(keys, ","))
		}
		if page.LastEvaluatedKey == nil {
			return b.String()
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// converged waits until every running node has applied the leader's last
// index and holds the same items, and returns them.
func (c *cluster) converged() string {
	c.t.Helper()
	l := c.leader()
	want := l.fsm.AppliedIndex()
	var out string
	eventually(c.t, "replicas to converge", func() bool {
		for _, nd := range c.nodes {
			if nd.up && nd.group.Stats().AppliedIndex < want {
				return false
			}
		}
		out = dump(c.t, l)
		for _, nd := range c.nodes {
			if nd.up && dump(c.t, nd) != out {
				return false
			}
		}
		return true
	})
	return out
}

// wantCounter checks that nd's counter is want, or up to maxAdd more for
// each proposal repeated with its outcome unknown.
func (c *cluster) wantCounter(nd *node, want, maxAdd int) {
	c.t.Helper()
	got, err := strconv.Atoi(counterValue(c.t, nd))
	c.mu.Lock()
	extra := c.uncertain * maxAdd
	c.mu.Unlock()
	if err != nil || got < want || got > want+extra {
		c.t.Errorf("%s counter = %d (%v), want %d (+ up to %d repeated proposals)", nd.id, got, err, want, extra)
	}
}

func counterValue(t testing.TB, nd *node) string {
	it, err := nd.fsm.Partition().Get(attr.Item{"id": attr.Str("counter")})
	if err != nil {
		t.Fatal(err)
	}
	return it["n"].S
}

// quietPebble keeps Pebble's informational messages out of the test log.
type quietPebble struct{ t testing.TB }

func (quietPebble) Infof(string, ...any)                {}
func (l quietPebble) Errorf(format string, args ...any) { l.t.Logf(format, args...) }
func (l quietPebble) Fatalf(format string, args ...any) { l.t.Fatalf(format, args...) }
