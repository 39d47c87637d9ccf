package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
)

// recorder is a Reconfigurer that records its calls.
type recorder struct{ calls []string }

func (r *recorder) AddVoter(_ context.Context, id raft.ServerID, addr raft.ServerAddress) error {
	r.calls = append(r.calls, fmt.Sprintf("add %s@%s", id, addr))
	return nil
}

func (r *recorder) RemoveServer(_ context.Context, id raft.ServerID) error {
	r.calls = append(r.calls, "remove "+string(id))
	return nil
}

func voters(ids ...string) []raft.Server {
	var out []raft.Server
	for _, id := range ids {
		out = append(out, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(id), Address: raft.ServerAddress(id + ":1")})
	}
	return out
}

func TestReconfigureStep(t *testing.T) {
	known := func(id string) (raft.ServerAddress, bool) { return raft.ServerAddress(id + ":1"), id != "ghost" }
	tests := []struct {
		name    string
		servers []raft.Server
		want    []string
		call    string
	}{
		{"in sync", voters("a", "b", "c"), []string{"a", "b", "c"}, ""},
		{"add first", voters("a", "b", "c"), []string{"a", "b", "d"}, "add d@d:1"},
		{"then remove", voters("a", "b", "c", "d"), []string{"a", "b", "d"}, "remove c"},
		{"unknown address is skipped", voters("a", "b"), []string{"a", "b", "ghost"}, ""},
		{"nonvoter promoted", append(voters("a", "b"), raft.Server{Suffrage: raft.Nonvoter, ID: "c", Address: "c:1"}), []string{"a", "b", "c"}, "add c@c:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			if _, err := ReconfigureStep(context.Background(), r, tc.servers, tc.want, known); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(r.calls, ";"); got != tc.call {
				t.Fatalf("calls %q, want %q", got, tc.call)
			}
		})
	}
}

// inmem hands every group a fresh in-memory transport.
type inmem struct{}

func (inmem) Group(string) raft.Transport {
	_, tr := raft.NewInmemTransport("self:1")
	return tr
}

type noPeers struct{}

func (noPeers) GRPCAddr(string) (string, bool) { return "", false }

func newHost(t *testing.T) (*Host, *pebble.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := pebble.Open(filepath.Join(dir, "store"), &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raftDir := filepath.Join(dir, "raft")
	h, err := New(Config{NodeID: "self", Addr: "self:1", RaftDir: raftDir, DB: db, Transports: inmem{},
		Directory: noPeers{}, Raft: replication.DefaultConfig(), ReleaseAfter: time.Second, ChangeTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, db, raftDir
}

func table(name string, first uint64, replicas ...string) *schema.Table {
	t := &schema.Table{Name: name, Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}},
		Partitions: schema.EvenPartitions(first, 1)}
	t.Partitions[0].Replicas = replicas
	return t
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func TestHostOpensWritesAndDrops(t *testing.T) {
	h, db, raftDir := newHost(t)
	ctx := context.Background()
	d := Desired{Tables: []*schema.Table{table("mine", 1, "self"), table("theirs", 2, "other")}, NextPartitionID: 3}
	h.Reconcile(ctx, d)
	r, ok := h.Replica(1)
	if !ok {
		t.Fatal("partition 1 not opened")
	}
	if _, ok := h.Replica(2); ok {
		t.Fatal("partition 2, listing another node, opened here")
	}
	waitFor(t, "a leader", r.Group().IsLeader)
	cmd := &partition.Command{Op: partition.OpPut, Item: attr.Item{"pk": attr.Str("k")}}
	if _, err := r.Apply(ctx, partition.EncodeCommand(cmd)); err != nil {
		t.Fatal(err)
	}
	if it, err := r.Partition().Get(attr.Item{"pk": attr.Str("k")}); err != nil || it == nil {
		t.Fatalf("Get after Apply = %v, %v", it, err)
	}

	t.Run("a lagging catalog drops nothing", func(t *testing.T) {
		h.Reconcile(ctx, Desired{NextPartitionID: 1})
		if _, ok := h.Replica(1); !ok {
			t.Fatal("replica dropped for a catalog that has not handed out its id")
		}
	})
	t.Run("a deleted table is dropped", func(t *testing.T) {
		h.Reconcile(ctx, Desired{NextPartitionID: 3})
		if _, ok := h.Replica(1); ok {
			t.Fatal("replica of a deleted table still open")
		}
		if _, err := os.Stat(filepath.Join(raftDir, "1")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("raft directory left behind: %v", err)
		}
		p, err := partition.Open(db, 1, schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}})
		if err != nil {
			t.Fatal(err)
		}
		if it, _ := p.Get(attr.Item{"pk": attr.Str("k")}); it != nil || p.AppliedIndex() != 0 {
			t.Fatalf("items left behind: %v, applied %d", it, p.AppliedIndex())
		}
	})
}
