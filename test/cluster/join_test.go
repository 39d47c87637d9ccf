package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	joinTables = 4
	joinItems  = 200
	// joinPartitions is how many partition groups a new on-demand table has.
	joinPartitions = 2
	// joinReplicas is how many replicas each partition group has.
	joinReplicas = 3
	// joinShareTimeout bounds how long the joined node may take to receive
	// its share of replicas and lead a partition group.
	joinShareTimeout = 45 * time.Second
)

func joinTable(i int) string { return fmt.Sprintf("join-%d", i) }
func joinKey(i int) string   { return fmt.Sprintf("k%03d", i) }

// joinGroup is one Raft group as GET /admin/status reports it.
type joinGroup struct {
	ID     string   `json:"id"`
	Table  string   `json:"table"`
	State  string   `json:"state"`
	Leader string   `json:"leader"`
	Voters []string `json:"voters"`
}

// joinStatus returns the partition groups (the catalog left out) node i
// reports, or an error when it does not answer.
func joinStatus(c *harness.Cluster, i int) ([]joinGroup, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(c.Endpoint(i) + "/admin/status")
	if err != nil {
		return nil, fmt.Errorf("n%d /admin/status: %w", i, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("n%d /admin/status: HTTP %d", i, resp.StatusCode)
	}
	var st struct {
		Groups []joinGroup `json:"groups"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return nil, fmt.Errorf("n%d /admin/status: %w", i, err)
	}
	return slices.DeleteFunc(st.Groups, func(g joinGroup) bool { return g.Table == "" }), nil
}

// joinShare is how the partition replicas are spread, as the nodes report.
type joinShare struct {
	hosted  map[int]int     // live replicas (leader or follower, a voter of its group) by node
	leads   map[int]int     // groups led, by node
	groups  map[string]bool // distinct partition groups seen
	problem error           // the first node that did not answer
}

func (s joinShare) String() string {
	return fmt.Sprintf("replicas by node %v, leaders by node %v, %d partition groups", s.hosted, s.leads, len(s.groups))
}

// readShare asks every node of c which partition replicas it hosts.
func readShare(c *harness.Cluster) joinShare {
	s := joinShare{hosted: map[int]int{}, leads: map[int]int{}, groups: map[string]bool{}}
	for i := 1; i <= c.Size(); i++ {
		groups, err := joinStatus(c, i)
		if err != nil {
			s.problem = err
			continue
		}
		for _, g := range groups {
			s.groups[g.ID] = true
			live := g.State == "leader" || g.State == "follower"
			if live && slices.Contains(g.Voters, c.NodeID(i)) {
				s.hosted[i]++
			}
			if g.State == "leader" {
				s.leads[i]++
			}
		}
	}
	return s
}

// waitShare polls until node i hosts at least want partition replicas and
// leads at least one partition group, or the timeout passes.
func waitShare(t *testing.T, c *harness.Cluster, i, want int, timeout time.Duration) joinShare {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		s := readShare(c)
		if s.problem == nil && s.hosted[i] >= want && s.leads[i] >= 1 {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v n%d has not taken its share (want >= %d replicas and >= 1 leader): %v (last error: %v)",
				timeout, i, want, s, s.problem)
		}
		<-tick.C
	}
}

// checkJoinedGroups fails if node i hosts a partition group whose only
// voter it is, as it would be had it bootstrapped the group itself. (A
// replica still waiting for its first log entries knows no voters yet.)
func checkJoinedGroups(t *testing.T, c *harness.Cluster, i int) {
	t.Helper()
	groups, err := joinStatus(c, i)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		others := slices.DeleteFunc(slices.Clone(g.Voters), func(id string) bool { return id == c.NodeID(i) })
		if len(g.Voters) > 0 && len(others) == 0 {
			t.Errorf("n%d hosts group %s of %s with voters %v: no other node", i, g.ID, g.Table, g.Voters)
		}
	}
}

// putJoinItems writes keys [first, first+n) round-robin over the tables,
// each through a random one of dbs.
func putJoinItems(t *testing.T, ctx context.Context, dbs []*dynamodb.Client, first, n int) {
	t.Helper()
	for k := first; k < first+n; k++ {
		db := dbs[rand.IntN(len(dbs))]
		err := retry(ctx, func(ctx context.Context) error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(joinTable(k % joinTables)), Item: keyedItem(joinKey(k))})
			return err
		})
		if err != nil {
			t.Fatalf("PutItem %s into %s: %v", joinKey(k), joinTable(k%joinTables), err)
		}
	}
}

// checkJoinItems reads keys [0, n) with strongly consistent reads through
// db and fails unless every one is there, intact.
func checkJoinItems(t *testing.T, ctx context.Context, db *dynamodb.Client, n int) {
	t.Helper()
	for tb := range joinTables {
		var keys []string
		for k := tb; k < n; k += joinTables {
			keys = append(keys, joinKey(k))
		}
		got, err := batchGetConsistent(ctx, []*dynamodb.Client{db}, joinTable(tb), keys)
		if err != nil {
			t.Fatalf("read %s: %v", joinTable(tb), err)
		}
		for _, k := range keys {
			it, ok := got[k]
			if !ok {
				t.Fatalf("%s: item %s missing", joinTable(tb), k)
			}
			if err := checkKeyedItem(k, it); err != nil {
				t.Fatalf("%s: %v", joinTable(tb), err)
			}
		}
	}
}

// TestNodeJoinTakesShare adds a fourth node to a loaded three-node cluster
// and checks that it receives a fair share of partition replicas, leads at
// least one partition group, and serves consistent reads and writes.
func TestNodeJoinTakesShare(t *testing.T) {
	c := harness.StartCluster(t, 3)
	ctx := harness.Context(t, 55*time.Second)
	dbs := c.Clients()
	for tb := range joinTables {
		createTable(t, dbs[tb%len(dbs)], joinTable(tb), false)
	}
	for tb := range joinTables {
		waitTable(t, dbs[0], joinTable(tb))
	}
	putJoinItems(t, ctx, dbs, 0, joinItems)

	before := readShare(c)
	if before.problem != nil {
		t.Fatal(before.problem)
	}
	if got, want := len(before.groups), joinTables*joinPartitions; got != want {
		t.Fatalf("before the join: %d partition groups, want %d (%v)", got, want, before)
	}

	n4 := c.AddNode()
	total := joinTables * joinPartitions * joinReplicas
	want := total/c.Size() - 1
	start := time.Now()
	after := waitShare(t, c, n4, want, joinShareTimeout)
	t.Logf("n%d took its share in %v: %v", n4, time.Since(start).Round(time.Millisecond), after)
	checkJoinedGroups(t, c, n4)

	t.Run("consistent reads through the new node", func(t *testing.T) {
		checkJoinItems(t, ctx, c.Client(n4), joinItems)
	})
	t.Run("consistent reads through n1", func(t *testing.T) {
		checkJoinItems(t, ctx, c.Client(1), joinItems)
	})
	t.Run("writes through the new node", func(t *testing.T) {
		putJoinItems(t, ctx, []*dynamodb.Client{c.Client(n4)}, joinItems, joinTables)
		checkJoinItems(t, ctx, c.Client(1), joinItems+joinTables)
	})
}
