package cluster

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/harness"
)

// eventualCluster starts a 3-node cluster with table (hash key pk, range
// key sk) active on every node, and returns a client per node and the
// test's context.
func eventualCluster(t *testing.T, table string) ([]*dynamodb.Client, context.Context) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	ctx := harness.Context(t, 90*time.Second)
	createTable(t, dbs[0], table, true)
	for _, db := range dbs {
		waitTable(t, db, table)
	}
	return dbs, ctx
}

// TestEventualReadsThroughOneNode: a client that stays with one node reads
// its own writes with eventually consistent GetItem and Query, and never
// sees an item go back to an older version, whether that node leads the
// item's partition or serves the read from its follower replica.
func TestEventualReadsThroughOneNode(t *testing.T) {
	const table = "eventual"
	dbs, ctx := eventualCluster(t, table)
	const keys, rounds = 8, 15
	for n, db := range dbs {
		for r := range rounds {
			for k := range keys {
				pk := fmt.Sprintf("n%d-k%d", n+1, k)
				want := strconv.Itoa(r)
				it := Item{"pk": S(pk), "sk": N("1"), "v": N(want)}
				if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
					t.Fatalf("PutItem %s through n%d: %v", pk, n+1, err)
				}
				got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: Item{"pk": S(pk), "sk": N("1")}})
				if err != nil {
					t.Fatalf("GetItem %s through n%d: %v", pk, n+1, err)
				}
				if show(got.Item) != show(it) {
					t.Fatalf("round %d: put %s then eventually consistent get through n%d: got %s", r, show(it), n+1, show(got.Item))
				}
				q, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table),
					KeyConditionExpression:    aws.String("pk = :pk"),
					ExpressionAttributeValues: Item{":pk": S(pk)}})
				if err != nil {
					t.Fatalf("Query %s through n%d: %v", pk, n+1, err)
				}
				if len(q.Items) != 1 || show(q.Items[0]) != show(it) {
					t.Fatalf("round %d: put %s then eventually consistent query through n%d: got %d items %v", r, show(it), n+1, len(q.Items), q.Items)
				}
			}
		}
	}
}

// TestEventualReadsThroughOtherNodes: a write through one node shows in
// eventually consistent reads through the others within the staleness
// bound (a follower serves reads only while it accepts the leader's
// appends, which come at least every 100 ms), and once a node has shown it,
// that node never shows the older version again.
func TestEventualReadsThroughOtherNodes(t *testing.T) {
	const table = "eventual-cross"
	dbs, ctx := eventualCluster(t, table)
	const keys, rounds = 6, 5
	// staleBound is generous: a loaded machine delays appends and applies.
	const staleBound = 5 * time.Second
	key := func(k int) Item { return Item{"pk": S(fmt.Sprintf("x%d", k)), "sk": N("1")} }
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	for r := range rounds {
		w := r % len(dbs)
		for k := range keys {
			it := key(k)
			it["v"] = N(strconv.Itoa(r))
			if _, err := dbs[w].PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
				t.Fatalf("PutItem through n%d: %v", w+1, err)
			}
		}
		for n, db := range dbs {
			for k := range keys {
				deadline := time.Now().Add(staleBound)
				for {
					got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key(k)})
					if err != nil {
						t.Fatalf("GetItem through n%d: %v", n+1, err)
					}
					v := -1
					if a, ok := got.Item["v"].(*types.AttributeValueMemberN); ok {
						v, _ = strconv.Atoi(a.Value)
					}
					if v == r {
						break
					}
					if v > r {
						t.Fatalf("round %d: n%d shows v=%d, which was never written yet", r, n+1, v)
					}
					if time.Now().After(deadline) {
						t.Fatalf("round %d: n%d still shows v=%d for %s %v after the write through n%d", r, n+1, v, show(key(k)), staleBound, w+1)
					}
					<-poll.C
				}
				// Once seen, never older.
				got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key(k)})
				if err != nil {
					t.Fatalf("GetItem through n%d: %v", n+1, err)
				}
				want := key(k)
				want["v"] = N(strconv.Itoa(r))
				if show(got.Item) != show(want) {
					t.Fatalf("round %d: n%d showed v=%d, then %s", r, n+1, r, show(got.Item))
				}
			}
		}
	}
}
