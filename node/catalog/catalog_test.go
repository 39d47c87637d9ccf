package catalog

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// fakeLog stands in for the catalog's Raft log: every command is applied
// to every replica's State, in order.
// While lagging, only the first (the leader's) State applies; the others
// apply the held entries at catchUp.
type fakeLog struct {
	mu      sync.Mutex
	index   uint64
	states  []*State
	lagging bool
	held    []*raft.Log
}

func (l *fakeLog) apply(data []byte) any {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.index++
	entry := &raft.Log{Index: l.index, Type: raft.LogCommand, Data: data}
	res := l.states[0].ApplyBatch([]*raft.Log{entry})[0]
	if l.lagging {
		l.held = append(l.held, entry)
		return res
	}
	for _, s := range l.states[1:] {
		s.ApplyBatch([]*raft.Log{entry})
	}
	return res
}

// lag makes the followers' States stop applying until catchUp.
func (l *fakeLog) lag() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lagging = true
}

// catchUp applies the held entries to the followers' States.
func (l *fakeLog) catchUp() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.states[1:] {
		s.ApplyBatch(l.held)
	}
	l.held, l.lagging = nil, false
}

// fakeGroup is one replica's view of the fake log: the leader applies,
// a follower answers NotLeader naming leaderAddr.
type fakeGroup struct {
	log        *fakeLog
	leader     bool
	leaderAddr raft.ServerAddress
	// onReadIndex, when set, runs at every ReadIndex on the leader.
	onReadIndex func()
}

func (g *fakeGroup) notLeader() error {
	return &replication.NotLeaderError{Group: "catalog", LeaderID: "leader", LeaderAddr: g.leaderAddr}
}

func (g *fakeGroup) Apply(_ context.Context, data []byte) (any, error) {
	if !g.leader {
		return nil, g.notLeader()
	}
	return g.log.apply(data), nil
}

func (g *fakeGroup) ReadIndex(context.Context) error {
	if !g.leader {
		return g.notLeader()
	}
	if g.onReadIndex != nil {
		g.onReadIndex()
	}
	return nil
}

func (g *fakeGroup) Leader() (raft.ServerID, raft.ServerAddress) { return "leader", g.leaderAddr }

// dialer dials addresses with plain gRPC, sharing one connection each.
type dialer struct {
	t     *testing.T
	mu    sync.Mutex
	conns map[raft.ServerAddress]*grpc.ClientConn
}

func (d *dialer) Conn(addr raft.ServerAddress) (*grpc.ClientConn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cc, ok := d.conns[addr]; ok {
		return cc, nil
	}
	cc, err := grpc.NewClient("passthrough:///"+string(addr), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	d.conns[addr] = cc
	d.t.Cleanup(func() { cc.Close() })
	return cc, nil
}

// pair returns the leader's and a follower's Catalog, the leader serving
// the Catalog gRPC service.
func pair(t *testing.T) (leader, follower *Catalog) {
	leader, follower, _ = pairWithLog(t)
	return leader, follower
}

// pairWithLog is pair that also returns the shared log.
func pairWithLog(t *testing.T) (leader, follower *Catalog, log *fakeLog) {
	t.Helper()
	log = &fakeLog{}
	for range 2 {
		s, err := OpenState(openDB(t, vfs.NewMem()))
		if err != nil {
			t.Fatal(err)
		}
		log.states = append(log.states, s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := raft.ServerAddress(ln.Addr().String())
	d := &dialer{t: t, conns: map[raft.ServerAddress]*grpc.ClientConn{}}
	newCatalog := func(s *State, g Group) *Catalog {
		cfg := DefaultConfig()
		cfg.State, cfg.Group, cfg.Dialer = s, g, d
		cfg.Place = func(n int) [][]string {
			out := make([][]string, n)
			for i := range out {
				out[i] = []string{"n1"}
			}
			return out
		}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	leader = newCatalog(log.states[0], &fakeGroup{log: log, leader: true, leaderAddr: addr})
	follower = newCatalog(log.states[1], &fakeGroup{log: log, leaderAddr: addr})
	srv := grpc.NewServer()
	Register(srv, leader)
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return leader, follower, log
}

func testTable(name string) *schema.Table {
	t := newTable(name, 1)
	t.Partitions = nil
	t.BillingMode = schema.BillingPayPerRequest
	return t
}

func TestFollowerForwardsToLeader(t *testing.T) {
	leader, follower := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tb := testTable("users")
	if err := follower.CreateTable(ctx, tb); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"partitions assigned", func() error {
			if len(tb.Partitions) != 2 || tb.Partitions[0].ID != 1 || tb.Partitions[0].Replicas[0] != "n1" {
				return fmt.Errorf("partitions %+v, want ids 1, 2 on n1", tb.Partitions)
			}
			return nil
		}},
		{"visible on both", func() error {
			for _, c := range []*Catalog{leader, follower} {
				if _, err := c.Table(ctx, "users"); err != nil {
					return err
				}
			}
			return nil
		}},
		{"duplicate", func() error {
			err := follower.CreateTable(ctx, testTable("users"))
			if k, ok := kindOf(err); !ok || k != dberr.ResourceInUse {
				return fmt.Errorf("second create: %v, want ResourceInUse", err)
			}
			return nil
		}},
		{"list", func() error {
			names, err := follower.ListTables(ctx)
			if err != nil || len(names) != 1 || names[0] != "users" {
				return fmt.Errorf("ListTables = %v, %v", names, err)
			}
			return nil
		}},
		{"update fn error", func() error {
			_, err := follower.UpdateTable(ctx, "users", func(*schema.Table) error { return dberr.Validationf("nope") })
			if k, ok := kindOf(err); !ok || k != dberr.Validation {
				return fmt.Errorf("UpdateTable = %v, want the fn's ValidationException", err)
			}
			return nil
		}},
		{"delete", func() error {
			if _, err := follower.DeleteTable(ctx, "users"); err != nil {
				return err
			}
			_, err := follower.Table(ctx, "users")
			if k, ok := kindOf(err); !ok || k != dberr.ResourceNotFound {
				return fmt.Errorf("Table after delete = %v, want ResourceNotFound", err)
			}
			return nil
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.run(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestConcurrentUpdatesLoseNothing has both replicas append tags at once:
// the version check makes every read-modify-write count.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	leader, follower := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := leader.CreateTable(ctx, testTable("t")); err != nil {
		t.Fatal(err)
	}
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, c := range []*Catalog{leader, follower} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := c.UpdateTable(ctx, "t", func(t *schema.Table) error {
					t.Tags = append(t.Tags, schema.Tag{Key: fmt.Sprint(w, "-", i)})
					return nil
				})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := follower.Table(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tags) != 2*each {
		t.Fatalf("%d tags after %d updates, want one each", len(got.Tags), 2*each)
	}
}

// TestRefreshTableReadsPastALaggingReplica has the follower's replica miss
// a delete and re-create: Table answers from the replica, RefreshTable as
// of the leader (the replica catches up when the leader is asked).
func TestRefreshTableReadsPastALaggingReplica(t *testing.T) {
	leader, follower, log := pairWithLog(t)
	leader.cfg.Group.(*fakeGroup).onReadIndex = func() { go log.catchUp() }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"kept", "dropped"} {
		if err := leader.CreateTable(ctx, testTable(name)); err != nil {
			t.Fatal(err)
		}
	}
	old, err := follower.Table(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	log.lag()
	for _, step := range []func() error{
		func() error { _, err := leader.DeleteTable(ctx, "kept"); return err },
		func() error { return leader.CreateTable(ctx, testTable("kept")) },
		func() error { _, err := leader.DeleteTable(ctx, "dropped"); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if stale, err := follower.Table(ctx, "kept"); err != nil || stale.Partitions[0].ID != old.Partitions[0].ID {
		t.Fatalf("the lagging replica should still hold the old table: %v, %v", stale, err)
	}
	tests := []struct {
		name     string
		wantKind dberr.Kind // Internal: no error
	}{
		{"kept", dberr.Internal},
		{"dropped", dberr.ResourceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := follower.RefreshTable(ctx, tt.name)
			if tt.wantKind != dberr.Internal {
				if k, ok := kindOf(err); !ok || k != tt.wantKind {
					t.Fatalf("RefreshTable = %v, %v; want kind %d", got, err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Partitions[0].ID == old.Partitions[0].ID {
				t.Errorf("RefreshTable returned the deleted table's partition %d", got.Partitions[0].ID)
			}
		})
	}
}
