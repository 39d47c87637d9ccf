package cluster

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/harness"
)

// deadReplaceTimeout bounds the wait for the dead node's replicas to be
// placed on the live nodes.
const deadReplaceTimeout = 90 * time.Second

// raftGroups lists the Raft groups a node keeps on disk
// (<data-dir>/raft/<group-id>).
func raftGroups(dataDir string) map[string]bool {
	entries, err := os.ReadDir(filepath.Join(dataDir, "raft"))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() {
			out[e.Name()] = true
		}
	}
	return out
}

// TestNodeDeadReplaced kills n4 of a 4-node cluster for good, waits until
// every Raft group n4 held also lives on each of n1..n3 (with 3 replicas
// per group and 3 live nodes, that is where the replacements must go),
// then stops n3 too: every item must still be readable and writable, which
// needs every group to have dropped n4 from its voters.
func TestNodeDeadReplaced(t *testing.T) {
	c := harness.StartCluster(t, 4, harness.WithServeArgs("--dead-node-timeout", "3s"))
	dbs := c.Clients()
	ctx := harness.Context(t, deadReplaceTimeout+60*time.Second)
	const table = "deadnode"
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[3], table)
	if err := putAll(ctx, dbs, table, "before", 500, 8); err != nil {
		t.Fatalf("write before the kill: %v", err)
	}
	held := raftGroups(c.Node(4).DataDir)
	c.Kill(4)
	pollUntil(t, deadReplaceTimeout, "every group of n4 to be placed on n1, n2 and n3", func() bool {
		for i := 1; i <= 3; i++ {
			on := raftGroups(c.Node(i).DataDir)
			for g := range held {
				if !on[g] {
					return false
				}
			}
		}
		return true
	})
	live := dbs[:3]
	if err := putAll(ctx, live, table, "after-kill", 200, 8); err != nil {
		t.Fatalf("write after n4 died: %v", err)
	}
	if err := c.Stop(3); err != nil {
		t.Fatalf("stop n3: %v", err)
	}
	// Only n1 and n2 are up: a group still counting n4 as a voter has no
	// majority and its reads and writes time out.
	live = dbs[:2]
	if err := putAll(ctx, live, table, "after-stop", 200, 8); err != nil {
		t.Fatalf("write with n3 and n4 down: %v", err)
	}
	for _, prefix := range []struct {
		name string
		n    int
	}{{"before", 500}, {"after-kill", 200}, {"after-stop", 200}} {
		keys := make([]string, prefix.n)
		for i := range keys {
			keys[i] = catchUpKey(prefix.name, i)
		}
		got, err := batchGetConsistent(ctx, live, table, keys)
		if err != nil {
			t.Fatalf("read %s items with n3 and n4 down: %v", prefix.name, err)
		}
		for _, k := range keys {
			if err := checkKeyedItem(k, got[k]); err != nil {
				t.Fatal(err)
			}
		}
	}
}
