package dataplane

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

var testKey = schema.KeySchema{
	Hash:  schema.KeyAttr{Name: "pk", Type: attr.TypeS},
	Range: schema.KeyAttr{Name: "sk", Type: attr.TypeN},
}

// fakeReplica is a replica backed by a real partition that pretends to be
// the group's leader or a follower.
type fakeReplica struct {
	p *partition.Partition

	mu       sync.Mutex
	leader   bool
	leaderID string // hint given as a follower
	addr     string
	index    uint64
	block    chan struct{} // when set, Apply waits for it or ctx
	// followerIndex, when set on a follower, is its FollowerReadIndex.
	followerIndex uint64

	applies, readIndexes atomic.Int64
	// lostReads is how many ReadIndex calls still fail with a lost
	// leadership before the replica serves reads again.
	lostReads int
}

func (r *fakeReplica) setLeader(leader bool, hintID, hintAddr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leader, r.leaderID, r.addr = leader, hintID, hintAddr
}

func (r *fakeReplica) notLeader() error {
	return &replication.NotLeaderError{Group: "1", LeaderID: raft.ServerID(r.leaderID), LeaderAddr: raft.ServerAddress(r.addr)}
}

func (r *fakeReplica) Apply(ctx context.Context, data []byte) (any, error) {
	r.mu.Lock()
	if !r.leader {
		defer r.mu.Unlock()
		return nil, r.notLeader()
	}
	block := r.block
	r.mu.Unlock()
	r.applies.Add(1)
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	cmd, err := partition.DecodeCommand(data)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.index++
	first := r.index
	r.mu.Unlock()
	res, err := r.p.ApplyBatch(first, []*partition.Command{cmd})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

func (r *fakeReplica) ReadIndex(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.leader {
		return r.notLeader()
	}
	if r.lostReads > 0 {
		r.lostReads--
		return fmt.Errorf("verify leader: %w", replication.ErrLeadershipLost)
	}
	r.readIndexes.Add(1)
	return nil
}

func (r *fakeReplica) Partition() *partition.Partition { return r.p }

// FollowerReadIndex: a fake follower serves follower reads once
// followerIndex is set, after applying up to it.
func (r *fakeReplica) FollowerReadIndex() (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.followerIndex, !r.leader && r.followerIndex > 0
}

func (r *fakeReplica) AppliedIndex() uint64 { return r.p.AppliedIndex() }

func (r *fakeReplica) WaitApplied(ctx context.Context, index uint64) error {
	for r.p.AppliedIndex() < index {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

func (r *fakeReplica) Leader() (raft.ServerID, raft.ServerAddress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return raft.ServerID(r.leaderID), raft.ServerAddress(r.addr)
}

// fakeGroups is a node's set of replicas; lookups counts Replica calls.
type fakeGroups struct {
	mu       sync.Mutex
	replicas map[uint64]*fakeReplica
	lookups  atomic.Int64
}

func (g *fakeGroups) Replica(id uint64) (Replica, bool) {
	g.lookups.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	r, ok := g.replicas[id]
	if !ok {
		return nil, false
	}
	return r, true
}

func (g *fakeGroups) remove(id uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.replicas, id)
}

func (g *fakeGroups) add(id uint64, r *fakeReplica) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.replicas[id] = r
}

// fakeMap is a node's catalog view of partitions.
type fakeMap struct {
	mu     sync.Mutex
	epochs map[uint64]uint64
	gone   map[uint64]bool
}

func (m *fakeMap) PartitionEpoch(id uint64) (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.epochs[id], m.gone[id]
}

// set records what the node's catalog knows of partition id.
func (m *fakeMap) set(id, epoch uint64, gone bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epochs[id], m.gone[id] = epoch, gone
}

// directory maps node ids to addresses.
type directory map[string]string

func (d directory) GRPCAddr(id string) (string, bool) {
	a, ok := d[id]
	return a, ok
}

// dialer hands out one client connection per address.
type dialer struct {
	mu    sync.Mutex
	conns map[raft.ServerAddress]*grpc.ClientConn
}

func (d *dialer) Conn(addr raft.ServerAddress) (*grpc.ClientConn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cc, ok := d.conns[addr]; ok {
		return cc, nil
	}
	cc, err := grpc.NewClient(string(addr), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	d.conns[addr] = cc
	return cc, nil
}

// testNode is one node: a gRPC server with the Service, its replicas and
// a Data client.
type testNode struct {
	id     string
	addr   string
	db     *pebble.DB
	groups *fakeGroups
	m      *fakeMap
	data   *Data
}

// cluster is a set of test nodes sharing one directory.
type cluster struct {
	t     *testing.T
	dir   directory
	nodes map[string]*testNode
}

// newCluster starts one node per id on 127.0.0.1.
func newCluster(t *testing.T, ids ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, dir: directory{}, nodes: map[string]*testNode{}}
	for _, id := range ids {
		c.nodes[id] = c.start(id)
	}
	return c
}

func (c *cluster) start(id string) *testNode {
	t := c.t
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	db, err := pebble.Open("db", &pebble.Options{FS: vfs.NewMem(), Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	n := &testNode{id: id, addr: lis.Addr().String(), db: db, groups: &fakeGroups{replicas: map[uint64]*fakeReplica{}},
		m: &fakeMap{epochs: map[uint64]uint64{}, gone: map[uint64]bool{}}}
	srv := grpc.NewServer()
	NewService(n.groups, n.m, nil).Register(srv)
	go srv.Serve(lis)
	d := &dialer{conns: map[raft.ServerAddress]*grpc.ClientConn{}}
	cfg := DefaultConfig()
	cfg.NodeID, cfg.Groups, cfg.Directory, cfg.Dialer = id, n.groups, c.dir, d
	cfg.RetryBackoff, cfg.MaxRetryBackoff = time.Millisecond, 5*time.Millisecond
	cfg.DefaultTimeout = 5 * time.Second
	if n.data, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	c.dir[id] = n.addr
	t.Cleanup(func() {
		srv.Stop()
		for _, cc := range d.conns {
			cc.Close()
		}
		db.Close()
	})
	return n
}

// host opens partition id on node n as a leader (which knows itself as
// leader) or as a follower that knows no leader.
func (c *cluster) host(node string, id uint64, leader bool) *fakeReplica {
	c.t.Helper()
	n := c.nodes[node]
	p, err := partition.Open(n.db, id, testKey)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &fakeReplica{p: p, leader: leader}
	if leader {
		r.leaderID, r.addr = node, n.addr
	}
	n.groups.add(id, r)
	return r
}

// addr is node id's gRPC address.
func (c *cluster) addr(id string) string { return c.nodes[id].addr }

func testTable(parts ...schema.Partition) *schema.Table {
	return &schema.Table{Name: "T", Key: testKey, Partitions: parts}
}

func item(pk string, sk int, extra map[string]attr.Value) attr.Item {
	it := attr.Item{"pk": attr.Str(pk), "sk": {T: attr.TypeN, S: strconv.Itoa(sk)}}
	for k, v := range extra {
		it[k] = v
	}
	return it
}

func put(it attr.Item) *partition.Command { return &partition.Command{Op: partition.OpPut, Item: it} }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// quietLogger discards Pebble's informational logs.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
