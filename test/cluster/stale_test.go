package cluster

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/harness"
)

// The two generations of table "stale": keys staleKey(i) for i in
// [first, first+staleItems), each item tagged with its generation.
const (
	staleItems    = 40
	staleOldFirst = 0
	staleNewFirst = 20 // keys 20..39 are in both generations, 0..19 only in the old
)

func staleKey(i int) string { return fmt.Sprintf("k%03d", i) }

func staleItem(i int, gen string) Item {
	return Item{"pk": S(staleKey(i)), "gen": S(gen)}
}

// inNew reports whether key index i belongs to the new generation.
func inNew(i int) bool { return i >= staleNewFirst && i < staleNewFirst+staleItems }

// checkGen returns an error unless it is what the new generation holds
// for key index i: staleItem(i, "new"), or nothing for a key it lacks.
func checkGen(i int, it Item) error {
	if !inNew(i) {
		if it != nil {
			return fmt.Errorf("key %s is not in the re-created table, got %s", staleKey(i), show(it))
		}
		return nil
	}
	if got, want := show(it), show(staleItem(i, "new")); got != want {
		return fmt.Errorf("key %s: got %s, want %s", staleKey(i), got, want)
	}
	return nil
}

// TestStaleRouterAnswers deletes and re-creates a table while n3 is down:
// when n3 comes back its catalog replica still holds the old table, whose
// partitions no node hosts any more. Requests through n3, from the moment
// it accepts them, must reflect the new table: never an old item, and no
// 5xx once the retry budget is spent.
func TestStaleRouterAnswers(t *testing.T) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	ctx := harness.Context(t, 60*time.Second)
	const table = "stale"
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[2], table)
	putGen(t, ctx, dbs[0], table, staleOldFirst, "old")
	if _, err := getRetry(ctx, dbs[2], table, staleOldFirst, true); err != nil {
		t.Fatalf("n3 does not serve the old table: %v", err)
	}

	if err := c.Stop(3); err != nil {
		t.Fatalf("stop n3: %v", err)
	}
	if _, err := dbs[0].DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[0], table)
	putGen(t, ctx, dbs[0], table, staleNewFirst, "new")

	c.Relaunch(3)
	hammer := hammerStale(ctx, c, 3, table)
	n3 := c.Client(3)
	c.Node(3).WaitReady(30 * time.Second)
	t.Run("ReadsAsSoonAsReady", func(t *testing.T) {
		for _, consistent := range []bool{true, false} {
			for i := 0; i < staleNewFirst+staleItems; i++ {
				it, err := getRetry(ctx, n3, table, i, consistent)
				if err != nil {
					t.Fatalf("GetItem %s (consistent %v) through n3: %v", staleKey(i), consistent, err)
				}
				if err := checkGen(i, it); err != nil {
					t.Fatalf("GetItem through n3 (consistent %v): %v", consistent, err)
				}
			}
		}
	})
	t.Run("ScanAndQuery", func(t *testing.T) {
		items, err := scanAll(ctx, n3, table, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkScan(items); err != nil {
			t.Fatalf("consistent Scan through n3: %v", err)
		}
		for _, i := range []int{0, staleNewFirst, staleNewFirst + staleItems - 1} {
			var out *dynamodb.QueryOutput
			err := retry(ctx, func(ctx context.Context) error {
				var err error
				out, err = n3.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
					KeyConditionExpression: aws.String("pk = :k"), ExpressionAttributeValues: Item{":k": S(staleKey(i))}})
				return err
			})
			if err != nil {
				t.Fatalf("Query %s through n3: %v", staleKey(i), err)
			}
			var it Item
			if len(out.Items) > 0 {
				it = out.Items[0]
			}
			if err := checkGen(i, it); err != nil || len(out.Items) > 1 {
				t.Fatalf("Query through n3: %v (%d items)", err, len(out.Items))
			}
		}
	})
	t.Run("WriteThroughN3ReadThroughN1", func(t *testing.T) {
		it := staleItem(staleWritten+1, "n3")
		err := retry(ctx, func(ctx context.Context) error {
			_, err := n3.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it})
			return err
		})
		if err != nil {
			t.Fatalf("PutItem through n3: %v", err)
		}
		got, err := dbs[0].GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: Item{"pk": it["pk"]}, ConsistentRead: aws.Bool(true)})
		if err != nil || show(got.Item) != show(it) {
			t.Fatalf("GetItem through n1 after a put through n3: %v, %v", got, err)
		}
	})
	if err := hammer(); err != nil {
		t.Errorf("while n3 started: %v", err)
	}
}

// putGen writes staleItems items of generation gen from key index first.
func putGen(t *testing.T, ctx context.Context, db *dynamodb.Client, table string, first int, gen string) {
	t.Helper()
	for i := first; i < first+staleItems; i++ {
		err := retry(ctx, func(ctx context.Context) error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: staleItem(i, gen)})
			return err
		})
		if err != nil {
			t.Fatalf("PutItem %s: %v", staleKey(i), err)
		}
	}
}

// getRetry reads key index i, retrying unavailability.
func getRetry(ctx context.Context, db *dynamodb.Client, table string, i int, consistent bool) (Item, error) {
	var out *dynamodb.GetItemOutput
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		out, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: Item{"pk": S(staleKey(i))},
			ConsistentRead: aws.Bool(consistent)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Item, nil
}

// checkScan returns an error unless items are exactly the new generation
// and what was written through n3.
func checkScan(items []Item) error {
	seen := map[string]bool{}
	var mine int
	for _, it := range items {
		if g, ok := it["gen"].(*types.AttributeValueMemberS); ok && g.Value == "n3" {
			mine++
			continue
		}
		seen[show(it)] = true
	}
	n := len(items) - mine
	for i := staleNewFirst; i < staleNewFirst+staleItems; i++ {
		if !seen[show(staleItem(i, "new"))] {
			return fmt.Errorf("missing %s among %d items", staleKey(i), n)
		}
	}
	if n != staleItems || len(seen) != staleItems {
		return fmt.Errorf("%d items (%d distinct), want %d", n, len(seen), staleItems)
	}
	return nil
}

// hammerStale waits until node i accepts HTTP requests and from then on,
// until the returned function is called, sends requests through it: a
// write, then reads of every key in turn, eventually and strongly
// consistent, concurrently. Each must succeed on its first try within
// hammerTimeout (which is shorter than the server's own deadline, so a
// request routed to partitions nobody hosts fails) and no answer may hold
// an old item. The returned function stops sending, waits for the
// requests in flight and reports the first problem.
func hammerStale(ctx context.Context, c *harness.Cluster, i int, table string) func() error {
	stop := make(chan struct{})
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	db := dynamodb.New(c.Client(i).Options(), noRetry)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
	}
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(started)
		if err := waitAccepting(ctx, c.Node(i).Endpoint()); err != nil {
			fail(err)
			return
		}
		rctx, cancel := context.WithTimeout(ctx, hammerTimeout)
		defer cancel()
		if _, err := db.PutItem(rctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: staleItem(staleWritten, "n3")}); err != nil {
			fail(fmt.Errorf("PutItem as n3 starts: %w", err))
		}
	}()
	for w := range hammerReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-started
			for n := w; !stopped(); n += hammerReaders {
				if err := hammerRead(ctx, db, table, n); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	return func() error {
		close(stop)
		wg.Wait()
		return first
	}
}

// Requests sent while a node starts.
const (
	hammerReaders = 4
	hammerTimeout = 8 * time.Second
	staleWritten  = staleNewFirst + staleItems // the key written through n3
)

// hammerRead reads key index n (modulo the keys of both generations),
// strongly consistent for even n, once, and checks the answer.
func hammerRead(ctx context.Context, db *dynamodb.Client, table string, n int) error {
	i, consistent := n%(staleNewFirst+staleItems), n%2 == 0
	rctx, cancel := context.WithTimeout(ctx, hammerTimeout)
	defer cancel()
	out, err := db.GetItem(rctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: Item{"pk": S(staleKey(i))},
		ConsistentRead: aws.Bool(consistent)})
	if err != nil {
		return fmt.Errorf("GetItem %s (consistent %v) as n3 starts: %w", staleKey(i), consistent, err)
	}
	if err := checkGen(i, out.Item); err != nil {
		return fmt.Errorf("GetItem (consistent %v) as n3 starts: %w", consistent, err)
	}
	return nil
}

// waitAccepting polls endpoint's /health until it answers.
func waitAccepting(ctx context.Context, endpoint string) error {
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/health", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never accepted requests: %w", endpoint, ctx.Err())
		case <-tick.C:
		}
	}
}
