package cluster

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/flotilla-db/flotilla/test/harness"
)

// Item is a DynamoDB item as the SDK represents it.
type Item = map[string]types.AttributeValue

func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func N(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// keyedItem is an item of a table keyed by pk alone whose two other
// attributes are derived from the key, so a half-applied write shows.
func keyedItem(key string) Item {
	a, b := derived(key)
	return Item{"pk": S(key), "a": N(a), "b": S(b)}
}

// derived returns the values of attributes a and b for key.
func derived(key string) (a, b string) {
	h := fnv.New64a()
	h.Write([]byte(key))
	sum := h.Sum64()
	return strconv.FormatUint(sum%1_000_000_007, 10), fmt.Sprintf("b-%s-%016x", key, sum)
}

// keyOf returns the string pk of it.
func keyOf(it Item) (string, bool) {
	pk, ok := it["pk"].(*types.AttributeValueMemberS)
	if !ok {
		return "", false
	}
	return pk.Value, true
}

// checkKeyedItem returns an error unless it is exactly keyedItem(key).
func checkKeyedItem(key string, it Item) error {
	a, b := derived(key)
	gotA, okA := it["a"].(*types.AttributeValueMemberN)
	gotB, okB := it["b"].(*types.AttributeValueMemberS)
	gotK, okK := it["pk"].(*types.AttributeValueMemberS)
	switch {
	case !okK || gotK.Value != key:
		return fmt.Errorf("item %s: pk is %v", key, it["pk"])
	case len(it) != 3:
		return fmt.Errorf("item %s: %d attributes, want 3 (pk, a, b): %v", key, len(it), it)
	case !okA || gotA.Value != a:
		return fmt.Errorf("item %s: a = %v, want N %s", key, it["a"], a)
	case !okB || gotB.Value != b:
		return fmt.Errorf("item %s: b = %v, want S %s", key, it["b"], b)
	}
	return nil
}

// createTable creates an on-demand table through db keyed by pk (S) and,
// if sk, a range key sk (N); it does not wait for the table to be ACTIVE.
func createTable(t *testing.T, db *dynamodb.Client, name string, sk bool) {
	t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	}
	if sk {
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN})
	}
	if _, err := db.CreateTable(harness.Context(t, 30*time.Second), in); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

// waitTable waits with the SDK's TableExists waiter until name is ACTIVE
// as seen through db.
func waitTable(t *testing.T, db *dynamodb.Client, name string) {
	t.Helper()
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
	})
	if err := w.Wait(harness.Context(t, 30*time.Second), &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for table %s: %v", name, err)
	}
}

// retryable reports whether a request may be retried as is: the cluster is
// electing a leader or a node is down (500, 503, throttling), or the
// response was lost in transit, which says nothing about the data.
func retryable(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return true
	}
	switch api.ErrorCode() {
	case "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException",
		"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded":
		return true
	}
	return false
}

// retry calls f until it succeeds, fails with an error that is not
// retryable, or ctx ends; it returns the last error.
func retry(ctx context.Context, f func(ctx context.Context) error) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		attempt, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := f(attempt)
		cancel()
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// batchGetConsistent reads keys (of a table keyed by pk) with strongly
// consistent BatchGetItem calls through the clients, round-robin, retrying
// unavailability and UnprocessedKeys until ctx ends. It returns the items
// found, by key.
func batchGetConsistent(ctx context.Context, dbs []*dynamodb.Client, table string, keys []string) (map[string]Item, error) {
	got := make(map[string]Item, len(keys))
	for start, n := 0, 0; start < len(keys); start, n = start+100, n+1 {
		req := make([]Item, 0, 100)
		for _, k := range keys[start:min(start+100, len(keys))] {
			req = append(req, Item{"pk": S(k)})
		}
		pending := map[string]types.KeysAndAttributes{table: {Keys: req, ConsistentRead: aws.Bool(true)}}
		for try := 0; len(pending) > 0; try++ {
			db := dbs[(n+try)%len(dbs)]
			var out *dynamodb.BatchGetItemOutput
			err := retry(ctx, func(ctx context.Context) error {
				var err error
				out, err = db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
				return err
			})
			if err != nil {
				return got, fmt.Errorf("BatchGetItem: %w", err)
			}
			for _, it := range out.Responses[table] {
				if k, ok := keyOf(it); ok {
					got[k] = it
				}
			}
			pending = out.UnprocessedKeys
			if len(pending) > 0 && ctx.Err() != nil {
				return got, fmt.Errorf("BatchGetItem kept returning UnprocessedKeys: %w", ctx.Err())
			}
		}
	}
	return got, nil
}

// scanAll scans table through db, page by page, retrying unavailability.
func scanAll(ctx context.Context, db *dynamodb.Client, table string, consistent bool) ([]Item, error) {
	var items []Item
	var start Item
	for {
		var out *dynamodb.ScanOutput
		err := retry(ctx, func(ctx context.Context) error {
			var err error
			out, err = db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(consistent)})
			return err
		})
		if err != nil {
			return items, fmt.Errorf("Scan: %w", err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		start = out.LastEvaluatedKey
	}
}

// noRetry turns the SDK's own retries off for one call; callers that pick
// another node on failure do their own retrying.
func noRetry(o *dynamodb.Options) { o.Retryer = aws.NopRetryer{} }

// pollUntil calls f every 50ms until it returns true or timeout passes.
func pollUntil(t *testing.T, timeout time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// show renders an item canonically (attributes sorted by name), so two
// renderings are equal exactly when the items are; it knows the attribute
// types these tests write.
func show(it Item) string {
	if it == nil {
		return "<no item>"
	}
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		switch v := it[k].(type) {
		case *types.AttributeValueMemberS:
			parts[i] = fmt.Sprintf("%s=S:%q", k, v.Value)
		case *types.AttributeValueMemberN:
			parts[i] = fmt.Sprintf("%s=N:%s", k, v.Value)
		default:
			parts[i] = fmt.Sprintf("%s=%T", k, v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// putAll writes keyedItem(prefix + i) for i < n through dbs with writers
// goroutines, retrying unavailability; it returns the first error.
func putAll(ctx context.Context, dbs []*dynamodb.Client, table, prefix string, n, writers int) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += writers {
				db := dbs[i%len(dbs)]
				item := keyedItem(catchUpKey(prefix, i))
				err := retry(ctx, func(ctx context.Context) error {
					_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
					return err
				})
				if err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func catchUpKey(prefix string, i int) string { return prefix + "-" + killKey(i) }

// killKey is the key of item k of a numbered load.
func killKey(k int) string { return fmt.Sprintf("k%05d", k) }
