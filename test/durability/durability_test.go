package durability

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	writers       = 8
	killCycles    = 3
	acksPerCycle  = 2000
	cycleDeadline = 30 * time.Second
)

// ackLog records the keys and values of acknowledged writes.
type ackLog struct {
	mu   sync.Mutex
	acks map[string]string
}

func (a *ackLog) add(key, val string) {
	a.mu.Lock()
	a.acks[key] = val
	a.mu.Unlock()
}

func (a *ackLog) snapshot() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]string, len(a.acks))
	for k, v := range a.acks {
		out[k] = v
	}
	return out
}

func createTable(t *testing.T, db *dynamodb.Client, name string) {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for table: %v", err)
	}
}

// load runs writers goroutines calling write(writer, seq) until stop is
// closed, and returns when all have stopped.
type load struct {
	stop chan struct{}
	wg   sync.WaitGroup
	acks atomic.Int64
}

func startLoad(write func(ctx context.Context, w, seq int) error) *load {
	l := &load{stop: make(chan struct{})}
	for w := range writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for seq := 0; ; seq++ {
				select {
				case <-l.stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				err := write(ctx, w, seq)
				cancel()
				if err == nil {
					l.acks.Add(1)
				}
			}
		}()
	}
	return l
}

func (l *load) halt() {
	close(l.stop)
	l.wg.Wait()
}

// waitAcks polls until the load has n acknowledgements or the deadline
// passes; it returns how many it saw.
func (l *load) waitAcks(n int64, timeout time.Duration) int64 {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for l.acks.Load() < n && time.Now().Before(deadline) {
		<-tick.C
	}
	return l.acks.Load()
}

func TestAcknowledgedPutsSurviveKill(t *testing.T) {
	srv := harness.Start(t, "")
	db := srv.Client()
	const table = "durable"
	createTable(t, db, table)
	log := &ackLog{acks: map[string]string{}}
	for cycle := range killCycles {
		client := db
		l := startLoad(func(ctx context.Context, w, seq int) error {
			key := fmt.Sprintf("c%d-w%d-%06d", cycle, w, seq)
			val := strconv.Itoa(cycle*1_000_000 + w*100_000 + seq)
			_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: key}, "v": &types.AttributeValueMemberN{Value: val},
				"pad": &types.AttributeValueMemberS{Value: key + key + key + key},
			}})
			if err == nil {
				log.add(key, val)
			}
			return err
		})
		got := l.waitAcks(acksPerCycle, cycleDeadline)
		srv.Kill()
		l.halt()
		if got == 0 {
			t.Fatalf("cycle %d: no write acknowledged within %v", cycle, cycleDeadline)
		}
		t.Logf("cycle %d: killed after %d acknowledged puts", cycle, got)
		srv.Restart()
		db = srv.Client()
		verifyPresent(t, db, table, log.snapshot())
	}
}

// verifyPresent reads every acknowledged key back with BatchGetItem.
func verifyPresent(t *testing.T, db *dynamodb.Client, table string, want map[string]string) {
	t.Helper()
	ctx := harness.Context(t, 60*time.Second)
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	got := map[string]string{}
	for start := 0; start < len(keys); start += 100 {
		batch := keys[start:min(start+100, len(keys))]
		req := make([]map[string]types.AttributeValue, len(batch))
		for i, k := range batch {
			req[i] = map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: k}}
		}
		items := map[string]types.KeysAndAttributes{table: {Keys: req, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(items) > 0; attempt++ {
			if attempt > 50 {
				t.Fatalf("BatchGetItem kept returning UnprocessedKeys")
			}
			out, err := batchGet(ctx, db, items)
			if err != nil {
				t.Fatalf("BatchGetItem after restart: %v", err)
			}
			for _, it := range out.Responses[table] {
				k := it["pk"].(*types.AttributeValueMemberS).Value
				if v, ok := it["v"].(*types.AttributeValueMemberN); ok {
					got[k] = v.Value
				} else {
					got[k] = "<no v>"
				}
			}
			items = out.UnprocessedKeys
		}
	}
	missing := 0
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			if missing < 10 {
				t.Errorf("acknowledged item %s: got %q (present %v), want v=%s", k, g, ok, v)
			}
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged items lost or wrong after SIGKILL and restart", missing, len(want))
	}
}

// batchGet retries while the restarted server finishes recovering.
func batchGet(ctx context.Context, db *dynamodb.Client, items map[string]types.KeysAndAttributes) (*dynamodb.BatchGetItemOutput, error) {
	var lastErr error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range 100 {
		out, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: items})
		if err == nil {
			return out, nil
		}
		lastErr = err
		slog.Warn("BatchGetItem after restart failed", "err", err)
		if !retryable(err) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), lastErr)
		case <-tick.C:
		}
	}
	return nil, lastErr
}

// retryable reports whether a read may be retried: the server is still
// recovering (500, throttling) or the response was cut off in transit, which
// says nothing about the data.
func retryable(err error) bool {
	var (
		unavailable *types.InternalServerError
		throttled   *types.ProvisionedThroughputExceededException
		api         smithy.APIError
	)
	return errors.As(err, &unavailable) || errors.As(err, &throttled) || !errors.As(err, &api)
}

func TestCountersAfterKill(t *testing.T) {
	srv := harness.Start(t, "")
	db := srv.Client()
	const table = "counters"
	createTable(t, db, table)
	var attempts, acks [writers]atomic.Int64
	for cycle := range killCycles {
		client := db
		l := startLoad(func(ctx context.Context, w, _ int) error {
			attempts[w].Add(1)
			_, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName:           aws.String(table),
				Key:                 map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("counter-%d", w)}},
				UpdateExpression:    aws.String("ADD c :one"),
				ConditionExpression: aws.String("attribute_not_exists(c) OR c < :max"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":one": &types.AttributeValueMemberN{Value: "1"}, ":max": &types.AttributeValueMemberN{Value: "1000000000"},
				},
			})
			if err == nil {
				acks[w].Add(1)
			}
			return err
		})
		got := l.waitAcks(acksPerCycle/2, cycleDeadline)
		srv.Kill()
		l.halt()
		if got == 0 {
			t.Fatalf("cycle %d: no update acknowledged within %v", cycle, cycleDeadline)
		}
		srv.Restart()
		db = srv.Client()
		for w := range writers {
			c := readCounter(t, db, table, fmt.Sprintf("counter-%d", w))
			if c < acks[w].Load() || c > attempts[w].Load() {
				t.Errorf("cycle %d counter %d = %d, want between %d acknowledged and %d attempted", cycle, w, c, acks[w].Load(), attempts[w].Load())
			}
		}
		if t.Failed() {
			return
		}
	}
}

func readCounter(t *testing.T, db *dynamodb.Client, table, key string) int64 {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}}})
	if err != nil {
		t.Fatalf("GetItem %s after restart: %v", key, err)
	}
	if out.Item == nil {
		return 0
	}
	n, ok := out.Item["c"].(*types.AttributeValueMemberN)
	if !ok {
		t.Fatalf("counter %s has no number c: %v", key, out.Item)
	}
	c, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		t.Fatalf("counter %s: %v", key, err)
	}
	return c
}
