package cluster

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/harness"
)

// TestEventualReadsThroughOneNode: a client that stays with one node reads
// its own writes with eventually consistent GetItem and Query, and never
// sees an item go back to an older version, whether that node leads the
// item's partition or serves the read from its follower replica.
func TestEventualReadsThroughOneNode(t *testing.T) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	ctx := harness.Context(t, 90*time.Second)
	const table = "eventual"
	createTable(t, dbs[0], table, true)
	for _, db := range dbs {
		waitTable(t, db, table)
	}
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
