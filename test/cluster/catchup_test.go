package cluster

import (
	"context"
	"math/rand/v2"
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

func TestRestartedNodeCatchesUp(t *testing.T) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	ctx := harness.Context(t, 60*time.Second)
	const table = "catchup"
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[2], table)

	c.Kill(3)
	if err := putAll(ctx, dbs[:2], table, "while-down", catchUpItems, catchUpWriters); err != nil {
		t.Fatalf("write %d items with n3 down: %v", catchUpItems, err)
	}
	c.Restart(3)
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
