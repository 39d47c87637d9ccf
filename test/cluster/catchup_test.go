package cluster

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	catchUpItems   = 2000
	catchUpWriters = 8
)

// TestRestartedNodeCatchesUp writes while n3 is down, with snapshots
// frequent and few log entries kept after them, so that the leaders
// truncate their logs past what n3 has: n3 can only catch up by
// InstallSnapshot. It then needs n3's vote for everything.
func TestRestartedNodeCatchesUp(t *testing.T) {
	c := harness.StartCluster(t, 3, harness.WithServeArgs("--raft-snapshot-interval", "100ms",
		"--raft-snapshot-threshold", "200", "--raft-trailing-logs", "50"))
	dbs := c.Clients()
	ctx := harness.Context(t, 60*time.Second)
	const table = "catchup"
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[2], table)
	var before map[string]groupStatus
	pollUntil(t, 10*time.Second, "n3 to host every partition of "+table, func() bool {
		before = tableGroups(t, c, 3, table)
		n1 := tableGroups(t, c, 1, table)
		for id := range n1 {
			if _, ok := before[id]; !ok {
				return false
			}
		}
		return len(n1) > 0
	})

	c.Kill(3)
	if err := putAll(ctx, dbs[:2], table, "while-down", catchUpItems, catchUpWriters); err != nil {
		t.Fatalf("write %d items with n3 down: %v", catchUpItems, err)
	}
	pollUntil(t, 20*time.Second, "the leaders to truncate their logs past what n3 applied", func() bool {
		for id, g := range before {
			if l, ok := groupLeader(t, c, []int{1, 2}, id); !ok || l.First <= g.Applied+1 {
				return false
			}
		}
		return true
	})
	c.Restart(3)
	pollUntil(t, 20*time.Second, "n3 to catch up by snapshot", func() bool {
		after := tableGroups(t, c, 3, table)
		for id, g := range before {
			l, ok := groupLeader(t, c, []int{1, 2}, id)
			a := after[id]
			if !ok || a.Applied < l.Applied || a.Snapshot <= g.Applied {
				return false
			}
		}
		return true
	})
	if err := c.Stop(1); err != nil {
		t.Fatalf("stop n1: %v", err)
	}
	// From here on every write and consistent read needs n3's vote.
	n3 := dbs[2:3]
	keys := make([]string, catchUpItems)
	for i := range keys {
		keys[i] = catchUpKey("while-down", i)
	}
	t.Run("ConsistentBatchGetThroughN3", func(t *testing.T) {
		got, err := batchGetConsistent(ctx, n3, table, keys)
		if err != nil {
			t.Fatalf("read through n3: %v", err)
		}
		for _, k := range keys {
			it, ok := got[k]
			if !ok {
				t.Fatalf("item %s written while n3 was down is missing through n3 (%d of %d found)", k, len(got), len(keys))
			}
			if err := checkKeyedItem(k, it); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("ConsistentGetItemThroughN3", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 3))
		for range 50 {
			k := keys[rng.IntN(len(keys))]
			var out *dynamodb.GetItemOutput
			err := retry(ctx, func(ctx context.Context) error {
				var err error
				out, err = dbs[2].GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: Item{"pk": S(k)}, ConsistentRead: aws.Bool(true)})
				return err
			})
			if err != nil {
				t.Fatalf("GetItem %s through n3: %v", k, err)
			}
			if err := checkKeyedItem(k, out.Item); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("WritesThroughN3ReadThroughN2", func(t *testing.T) {
		if err := putAll(ctx, n3, table, "after", 100, 4); err != nil {
			t.Fatalf("write through n3 with n1 down: %v", err)
		}
		after := make([]string, 100)
		for i := range after {
			after[i] = catchUpKey("after", i)
		}
		got, err := batchGetConsistent(ctx, dbs[1:2], table, after)
		if err != nil {
			t.Fatalf("read through n2: %v", err)
		}
		for _, k := range after {
			if err := checkKeyedItem(k, got[k]); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// groupStatus is one Raft group as GET /admin/status reports it.
type groupStatus struct {
	ID       string `json:"id"`
	Table    string `json:"table"`
	State    string `json:"state"`
	Applied  uint64 `json:"appliedIndex"`
	First    uint64 `json:"firstIndex"`
	Snapshot uint64 `json:"snapshotIndex"`
}

// nodeGroups returns the groups node i reports, by id (none when it does
// not answer).
func nodeGroups(t *testing.T, c *harness.Cluster, i int) map[string]groupStatus {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(c.Endpoint(i) + "/admin/status")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var st struct {
		Groups []groupStatus `json:"groups"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("n%d /admin/status: %v", i, err)
	}
	out := map[string]groupStatus{}
	for _, g := range st.Groups {
		out[g.ID] = g
	}
	return out
}

// tableGroups returns node i's groups of table.
func tableGroups(t *testing.T, c *harness.Cluster, i int, table string) map[string]groupStatus {
	t.Helper()
	out := map[string]groupStatus{}
	for id, g := range nodeGroups(t, c, i) {
		if g.Table == table {
			out[id] = g
		}
	}
	return out
}

// groupLeader returns group id's status on whichever of nodes leads it.
func groupLeader(t *testing.T, c *harness.Cluster, nodes []int, id string) (groupStatus, bool) {
	t.Helper()
	for _, i := range nodes {
		if g, ok := nodeGroups(t, c, i)[id]; ok && g.State == "leader" {
			return g, true
		}
	}
	return groupStatus{}, false
}
