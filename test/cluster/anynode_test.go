package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	anyNodeHashKeys = 30
	anyNodeSortKeys = 10 // items per hash key; 300 items in all
)

// sortedItem is item (pk, sk) of the table TestAnyNodeServesAnyRequest
// uses.
func sortedItem(p, s int) Item {
	return Item{"pk": S(fmt.Sprintf("p%02d", p)), "sk": N(strconv.Itoa(s)), "v": S(fmt.Sprintf("v-%02d-%d", p, s))}
}

func TestAnyNodeServesAnyRequest(t *testing.T) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	ctx := harness.Context(t, 60*time.Second)
	rng := rand.New(rand.NewPCG(1, 2))
	const table = "anynode"
	createTable(t, dbs[0], table, true)
	waitTable(t, dbs[2], table)

	t.Run("PutThenConsistentGetOnAnotherNode", func(t *testing.T) {
		for p := range anyNodeHashKeys {
			for s := range anyNodeSortKeys {
				w := rng.IntN(len(dbs))
				r := (w + 1 + rng.IntN(len(dbs)-1)) % len(dbs)
				it := sortedItem(p, s)
				if _, err := dbs[w].PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
					t.Fatalf("PutItem through n%d: %v", w+1, err)
				}
				out, err := dbs[r].GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
					Key: Item{"pk": it["pk"], "sk": it["sk"]}})
				if err != nil {
					t.Fatalf("GetItem through n%d: %v", r+1, err)
				}
				if got, want := show(out.Item), show(it); got != want {
					t.Fatalf("put through n%d, consistent get through n%d: got %s, want %s", w+1, r+1, got, want)
				}
			}
		}
	})

	t.Run("ScanThroughNode2", func(t *testing.T) {
		items, err := scanAll(ctx, dbs[1], table, true)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, it := range items {
			seen[show(it)] = true
		}
		if len(items) != anyNodeHashKeys*anyNodeSortKeys || len(seen) != len(items) {
			t.Fatalf("Scan returned %d items (%d distinct), want %d", len(items), len(seen), anyNodeHashKeys*anyNodeSortKeys)
		}
		for p := range anyNodeHashKeys {
			for s := range anyNodeSortKeys {
				if !seen[show(sortedItem(p, s))] {
					t.Fatalf("Scan misses %s", show(sortedItem(p, s)))
				}
			}
		}
	})

	t.Run("QueryEveryNode", func(t *testing.T) {
		for i, db := range dbs {
			p := rng.IntN(anyNodeHashKeys)
			out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
				KeyConditionExpression:    aws.String("pk = :p AND sk BETWEEN :lo AND :hi"),
				ExpressionAttributeValues: Item{":p": S(fmt.Sprintf("p%02d", p)), ":lo": N("2"), ":hi": N("6")},
				ScanIndexForward:          aws.Bool(false)})
			if err != nil {
				t.Fatalf("Query through n%d: %v", i+1, err)
			}
			var got, want []string
			for _, it := range out.Items {
				got = append(got, show(it))
			}
			for s := 6; s >= 2; s-- {
				want = append(want, show(sortedItem(p, s)))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("Query p%02d through n%d:\n got %v\nwant %v", p, i+1, got, want)
			}
		}
	})

	t.Run("BatchWriteThenBatchGetAcrossNodes", func(t *testing.T) {
		const n = 60
		var keys []Item
		for b := 0; b*25 < n; b++ {
			var reqs []types.WriteRequest
			for i := b * 25; i < min(n, (b+1)*25); i++ {
				it := Item{"pk": S(fmt.Sprintf("batch-%03d", i)), "sk": N("0"), "v": S(fmt.Sprintf("bv-%d", i))}
				keys = append(keys, Item{"pk": it["pk"], "sk": it["sk"]})
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
			}
			db := dbs[b%len(dbs)]
			pending := map[string][]types.WriteRequest{table: reqs}
			for try := 0; len(pending) > 0; try++ {
				if try > 50 {
					t.Fatalf("BatchWriteItem kept returning UnprocessedItems")
				}
				out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
				if err != nil {
					t.Fatalf("BatchWriteItem through n%d: %v", b%len(dbs)+1, err)
				}
				pending = out.UnprocessedItems
			}
		}
		got := map[string]string{}
		for start, r := 0, 2; start < len(keys); start, r = start+40, r+1 {
			pending := map[string]types.KeysAndAttributes{table: {Keys: keys[start:min(start+40, len(keys))], ConsistentRead: aws.Bool(true)}}
			for try := 0; len(pending) > 0; try++ {
				if try > 50 {
					t.Fatalf("BatchGetItem kept returning UnprocessedKeys")
				}
				out, err := dbs[r%len(dbs)].BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
				if err != nil {
					t.Fatalf("BatchGetItem through n%d: %v", r%len(dbs)+1, err)
				}
				for _, it := range out.Responses[table] {
					got[it["pk"].(*types.AttributeValueMemberS).Value] = it["v"].(*types.AttributeValueMemberS).Value
				}
				pending = out.UnprocessedKeys
			}
		}
		for i := range n {
			if k, want := fmt.Sprintf("batch-%03d", i), fmt.Sprintf("bv-%d", i); got[k] != want {
				t.Fatalf("BatchGetItem %s: got v=%q, want %q (%d of %d found)", k, got[k], want, len(got), n)
			}
		}
	})

	t.Run("ConditionalUpdateAndDeleteAcrossNodes", func(t *testing.T) {
		key := Item{"pk": S("p00"), "sk": N("0")}
		_, err := dbs[0].UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: key,
			UpdateExpression: aws.String("SET v = :new"), ConditionExpression: aws.String("v = :old"),
			ExpressionAttributeValues: Item{":new": S("updated"), ":old": S("v-00-0")}})
		if err != nil {
			t.Fatalf("UpdateItem through n1: %v", err)
		}
		_, err = dbs[1].UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: key,
			UpdateExpression: aws.String("SET v = :new"), ConditionExpression: aws.String("v = :old"),
			ExpressionAttributeValues: Item{":new": S("again"), ":old": S("v-00-0")}})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Fatalf("stale conditional UpdateItem through n2: got %v, want ConditionalCheckFailedException", err)
		}
		if _, err := dbs[2].DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: key,
			ConditionExpression: aws.String("v = :v"), ExpressionAttributeValues: Item{":v": S("updated")}}); err != nil {
			t.Fatalf("conditional DeleteItem through n3: %v", err)
		}
		out, err := dbs[0].GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatalf("GetItem through n1 after delete: %v", err)
		}
		if out.Item != nil {
			t.Fatalf("GetItem through n1 after delete: got %s, want no item", show(out.Item))
		}
	})
}
