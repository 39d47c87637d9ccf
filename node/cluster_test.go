package node

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// fastRaft are Raft timings for in-process clusters.
func fastRaft() RaftConfig {
	r := DefaultRaftConfig()
	r.HeartbeatTimeout, r.ElectionTimeout, r.LeaderLeaseTimeout = 100*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond
	return r
}

// startCluster starts n nodes n1..nn in this process, every one joining
// the first's gossip address with BootstrapExpect n.
func startCluster(t *testing.T, n int) []*running {
	t.Helper()
	var nodes []*running
	var join []string
	for i := range n {
		cfg := DefaultConfig()
		cfg.DataDir = t.TempDir()
		cfg.NodeID = fmt.Sprint("n", i+1)
		cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
		cfg.BootstrapExpect = n
		cfg.Join = join
		cfg.Raft = fastRaft()
		cfg.ReconcileInterval = 100 * time.Millisecond
		r := run(t, cfg)
		if i == 0 {
			join = []string{r.n.GossipAddr()}
		}
		nodes = append(nodes, r)
	}
	for _, r := range nodes {
		waitStatus(t, r.base+"/ready", http.StatusOK)
	}
	return nodes
}

// eventually polls check until it succeeds or the deadline passes.
func eventually(t *testing.T, d time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		<-tick.C
	}
}

func TestThreeNodeCluster(t *testing.T) {
	nodes := startCluster(t, 3)
	if status, out := nodes[0].call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable through n1: %d %v", status, out)
	}
	t.Run("table visible on n3 at once", func(t *testing.T) {
		status, out := nodes[2].call(t, "DescribeTable", `{"TableName":"Users"}`)
		if status != http.StatusOK {
			t.Fatalf("DescribeTable through n3: %d %v", status, out)
		}
		if status, out := nodes[2].call(t, "ListTables", `{}`); status != http.StatusOK || fmt.Sprint(out["TableNames"]) != "[Users]" {
			t.Fatalf("ListTables through n3: %d %v", status, out)
		}
	})
	t.Run("partition groups on every node", func(t *testing.T) {
		tb, err := nodes[0].n.catalog.Table(context.Background(), "Users")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range tb.Partitions {
			if got := sorted(p.Replicas); got != "n1,n2,n3" {
				t.Fatalf("partition %d replicas %s, want n1,n2,n3", p.ID, got)
			}
		}
		eventually(t, 10*time.Second, func() error { return groupsFormed(nodes, len(tb.Partitions)) })
	})
	t.Run("write through one node, read through another", func(t *testing.T) {
		for i := range 10 {
			w, r := nodes[i%3], nodes[(i+1)%3]
			put := fmt.Sprintf(`{"TableName":"Users","Item":{"UserID":{"S":"u%d"},"Name":{"S":"name %d"}}}`, i, i)
			if status, out := w.call(t, "PutItem", put); status != http.StatusOK {
				t.Fatalf("PutItem u%d: %d %v", i, status, out)
			}
			get := fmt.Sprintf(`{"TableName":"Users","Key":{"UserID":{"S":"u%d"}},"ConsistentRead":true}`, i)
			status, out := r.call(t, "GetItem", get)
			if status != http.StatusOK {
				t.Fatalf("GetItem u%d: %d %v", i, status, out)
			}
			if err := wantName(fmt.Sprint("name ", i))(out); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("delete through n2 drops replicas everywhere", func(t *testing.T) {
		if status, out := nodes[1].call(t, "DeleteTable", `{"TableName":"Users"}`); status != http.StatusOK {
			t.Fatalf("DeleteTable: %d %v", status, out)
		}
		eventually(t, 10*time.Second, func() error {
			for _, r := range nodes {
				if st := r.n.host.Status(); len(st) != 0 {
					return fmt.Errorf("%s still hosts %d partition groups", r.n.NodeID(), len(st))
				}
			}
			return nil
		})
	})
}

// groupsFormed checks that every node hosts want partition groups, each
// with three voters and a known leader.
func groupsFormed(nodes []*running, want int) error {
	for _, r := range nodes {
		st := r.n.host.Status()
		if len(st) != want {
			return fmt.Errorf("%s hosts %d partition groups, want %d", r.n.NodeID(), len(st), want)
		}
		for _, g := range st {
			if sorted(g.Voters) != "n1,n2,n3" {
				return fmt.Errorf("%s: group %s voters %v", r.n.NodeID(), g.ID, g.Voters)
			}
			if g.Leader == "" {
				return fmt.Errorf("%s: group %s has no leader", r.n.NodeID(), g.ID)
			}
		}
	}
	return nil
}

// sorted joins a sorted copy of ids with commas.
func sorted(ids []string) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return strings.Join(s, ",")
}
