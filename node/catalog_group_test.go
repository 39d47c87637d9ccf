package node

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestCatalogViewNext(t *testing.T) {
	const (
		v = raft.Voter
		n = raft.Nonvoter
	)
	tests := []struct {
		name    string
		members map[string]raft.ServerSuffrage
		alive   []string
		gone    []string
		max     int
		want    catalogChange
		wantOK  bool
	}{
		{"settled", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v}, []string{"a", "b", "c"}, nil, 5, catalogChange{}, false},
		{"room for a voter", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v}, []string{"a", "b", "c", "d"}, nil, 5,
			catalogChange{addCatalogVoter, "d"}, true},
		{"beyond the limit", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v}, []string{"a", "b", "c", "d"}, nil, 3,
			catalogChange{addCatalogNonvoter, "d"}, true},
		{"non-voter promoted first", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": n}, []string{"a", "b", "c", "d"}, nil, 3,
			catalogChange{addCatalogVoter, "c"}, true},
		{"dead voter replaced by a non-voter", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v, "d": n}, []string{"a", "b", "d"}, []string{"c"}, 3,
			catalogChange{removeCatalogMember, "c"}, true},
		{"last three voters kept", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v}, []string{"a", "b"}, []string{"c"}, 5, catalogChange{}, false},
		{"dead non-voter removed", map[string]raft.ServerSuffrage{"a": v, "b": v, "c": v, "d": n}, []string{"a", "b", "c"}, []string{"d"}, 3,
			catalogChange{removeCatalogMember, "d"}, true},
		{"returning node added back as non-voter", map[string]raft.ServerSuffrage{"b": v, "c": v, "d": v}, []string{"a", "b", "c", "d"}, nil, 3,
			catalogChange{addCatalogNonvoter, "a"}, true},
		{"returning node added back as voter", map[string]raft.ServerSuffrage{"b": v, "c": v, "d": v}, []string{"a", "b", "c", "d"}, nil, 5,
			catalogChange{addCatalogVoter, "a"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			view := catalogView{members: tc.members, alive: tc.alive, gone: map[string]bool{}, maxVoters: tc.max}
			for _, id := range tc.gone {
				view.gone[id] = true
			}
			got, ok := view.next()
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("next() = %v %s, %v; want %v %s, %v", got.kind, got.id, ok, tc.want.kind, tc.want.id, tc.wantOK)
			}
		})
	}
}

// nodeConfig is the configuration of in-process node id joining join
// (none for the first) to form a cluster of expect nodes.
func nodeConfig(t *testing.T, id string, join []string, expect int) Config {
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.NodeID = id
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.BootstrapExpect = expect
	cfg.Join = join
	cfg.Raft = fastRaft()
	cfg.ReconcileInterval = 100 * time.Millisecond
	cfg.DeadNodeTimeout = 300 * time.Millisecond
	return cfg
}

// startLimited starts expect nodes n1..n<expect> with at most maxVoters
// catalog voters, then the extra nodes after them, and waits until every
// one is ready. It returns the nodes and their configurations.
func startLimited(t *testing.T, expect, extra, maxVoters int) ([]*running, []Config) {
	t.Helper()
	var nodes []*running
	var cfgs []Config
	var join []string
	for i := range expect + extra {
		cfg := nodeConfig(t, fmt.Sprint("n", i+1), join, expect)
		r := run(t, cfg)
		r.n.cgroup.maxVoters.Store(int32(maxVoters))
		if i == 0 {
			join = []string{r.n.GossipAddr()}
		}
		nodes, cfgs = append(nodes, r), append(cfgs, cfg)
	}
	for _, r := range nodes {
		waitStatus(t, r.base+"/ready", http.StatusOK)
	}
	return nodes, cfgs
}

// catalogSuffrage returns the suffrage of id in the configuration of the
// catalog leader among nodes.
func catalogSuffrage(nodes []*running, id string) (raft.ServerSuffrage, error) {
	for _, r := range nodes {
		g, err := r.n.cgroup.group()
		if err != nil || !g.IsLeader() {
			continue
		}
		servers, err := g.Configuration()
		if err != nil {
			return 0, err
		}
		for _, s := range servers {
			if string(s.ID) == id {
				return s.Suffrage, nil
			}
		}
		return 0, fmt.Errorf("%s is no member of the catalog group: %v", id, servers)
	}
	return 0, fmt.Errorf("no catalog leader")
}

func wantSuffrage(nodes []*running, id string, want raft.ServerSuffrage) func() error {
	return func() error {
		got, err := catalogSuffrage(nodes, id)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s is a catalog %v, want %v", id, got, want)
		}
		return nil
	}
}

func TestCatalogNonvoterBeyondVoterLimit(t *testing.T) {
	nodes, _ := startLimited(t, 2, 1, 2)
	n3 := nodes[2]
	eventually(t, 10*time.Second, wantSuffrage(nodes, "n3", raft.Nonvoter))
	if status, out := nodes[0].call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable through n1: %d %v", status, out)
	}
	eventually(t, 10*time.Second, func() error {
		status, out := n3.call(t, "DescribeTable", `{"TableName":"Users"}`)
		if status != http.StatusOK {
			return fmt.Errorf("DescribeTable through n3: %d %v", status, out)
		}
		return nil
	})
	put := `{"TableName":"Users","Item":{"UserID":{"S":"u1"},"Name":{"S":"one"}}}`
	if status, out := nodes[0].call(t, "PutItem", put); status != http.StatusOK {
		t.Fatalf("PutItem through n1: %d %v", status, out)
	}
	status, out := n3.call(t, "GetItem", `{"TableName":"Users","Key":{"UserID":{"S":"u1"}},"ConsistentRead":true}`)
	if status != http.StatusOK {
		t.Fatalf("GetItem through n3: %d %v", status, out)
	}
	if err := wantName("one")(out); err != nil {
		t.Fatal(err)
	}
	if err := n3.n.catalog.Sync(context.Background()); err != nil {
		t.Fatalf("catalog Sync on the non-voter: %v", err)
	}
	waitStatus(t, n3.base+"/ready", http.StatusOK)
}

func TestCatalogMemberRestartedAfterRemoval(t *testing.T) {
	nodes, cfgs := startLimited(t, 3, 1, 3)
	eventually(t, 10*time.Second, wantSuffrage(nodes, "n4", raft.Nonvoter))
	if status, out := nodes[0].call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable through n1: %d %v", status, out)
	}

	// n3 goes away for longer than DeadNodeTimeout: n4 takes its vote.
	old := nodes[2]
	cfg := cfgs[2]
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = old.n.HTTPAddr(), old.n.grpcAddr, old.n.GossipAddr()
	old.shutdown(t)
	up := []*running{nodes[0], nodes[1], nodes[3]}
	eventually(t, 10*time.Second, wantSuffrage(up, "n4", raft.Voter))
	eventually(t, 10*time.Second, func() error {
		if _, err := catalogSuffrage(up, "n3"); err == nil {
			return fmt.Errorf("n3 is still a member of the catalog group")
		}
		return nil
	})

	// Back on its data directory, with the old configuration in its
	// Raft state, n3 is added again as a non-voter and catches up.
	n3 := run(t, cfg)
	n3.n.cgroup.maxVoters.Store(3)
	nodes[2] = n3
	waitStatus(t, n3.base+"/ready", http.StatusOK)
	eventually(t, 10*time.Second, wantSuffrage(nodes, "n3", raft.Nonvoter))
	eventually(t, 10*time.Second, func() error { return replicasHosted(nodes) })
	if status, out := n3.call(t, "DescribeTable", `{"TableName":"Users"}`); status != http.StatusOK {
		t.Fatalf("DescribeTable through n3: %d %v", status, out)
	}
}

// replicasHosted checks that every partition replica the catalog names is
// open on its node.
func replicasHosted(nodes []*running) error {
	tb, err := nodes[0].n.catalog.Table(context.Background(), "Users")
	if err != nil {
		return err
	}
	byID := map[string]*running{}
	for _, r := range nodes {
		byID[r.n.NodeID()] = r
	}
	for _, p := range tb.Partitions {
		for _, id := range p.Replicas {
			r, ok := byID[id]
			if !ok {
				return fmt.Errorf("partition %d has replica on unknown node %s", p.ID, id)
			}
			if _, ok := r.n.host.Replica(p.ID); !ok {
				return fmt.Errorf("partition %d: %s does not host its replica", p.ID, id)
			}
		}
	}
	return nil
}
