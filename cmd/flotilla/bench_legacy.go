package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// runPhases creates a table, runs each put/get/cget phase and prints its
// throughput and latency.
func runPhases(ctx context.Context, f *benchFlags, stdout, stderr io.Writer) error {
	b := &bench{flags: f, written: make([]int, f.clients)}
	for i, e := range f.endpoints {
		// Each endpoint serves clients i, i+len, ...: that many connections.
		b.clients = append(b.clients, newClient(endpointURL(e), connsFor(f, i)))
	}
	if b.table = f.table; b.table == "" {
		b.table = "flotilla-bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		if err := b.createTable(ctx); err != nil {
			return err
		}
		if !f.keep {
			defer b.deleteTable(stderr)
		}
	}
	fmt.Fprintf(stdout, "table %s, %d clients over %d endpoints, %v per phase, %d-byte items, ConsistentRead on get: %v (always on cget)\n",
		b.table, f.clients, len(f.endpoints), f.duration, f.itemSize, f.consistent)
	fmt.Fprintf(stdout, "%-5s %10s %10s %10s %10s %8s\n", "phase", "ops", "ops/s", "p50", "p99", "errors")
	for _, op := range f.ops {
		r := b.phase(ctx, op)
		fmt.Fprintln(stdout, r)
		if r.firstErr != nil {
			fmt.Fprintf(stdout, "      first error: %v\n", r.firstErr)
		}
	}
	return ctx.Err()
}

type bench struct {
	flags   *benchFlags
	clients []*dynamodb.Client // one per endpoint
	table   string
	written []int // items each client has put; keys are c<client>-<n>
}

// client returns the SDK client that bench client id uses.
func (b *bench) client(id int) *dynamodb.Client { return b.clients[id%len(b.clients)] }

// createTable creates the table through the first endpoint and waits until
// every endpoint reports it active.
func (b *bench) createTable(ctx context.Context) error {
	_, err := b.clients[0].CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(b.table),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		return fmt.Errorf("create table %s: %w", b.table, err)
	}
	for i, c := range b.clients {
		w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
			o.MinDelay, o.MaxDelay = 50*time.Millisecond, time.Second
		})
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(b.table)}, time.Minute); err != nil {
			return fmt.Errorf("wait for table %s at %s: %w", b.table, b.flags.endpoints[i], err)
		}
	}
	return nil
}

func (b *bench) deleteTable(stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := b.clients[0].DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(b.table)}); err != nil {
		fmt.Fprintf(stderr, "flotilla bench: delete table %s: %v\n", b.table, err)
	}
}

// result is one client's or one phase's outcome.
type result struct {
	op        string
	latencies []time.Duration
	errors    int
	firstErr  error
	elapsed   time.Duration
}

func (r result) String() string {
	ops := len(r.latencies)
	rate := float64(ops) / r.elapsed.Seconds()
	return fmt.Sprintf("%-5s %10d %10.0f %10v %10v %8d", r.op, ops, rate,
		percentile(r.latencies, 0.50), percentile(r.latencies, 0.99), r.errors)
}

// percentile returns the p-quantile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i].Round(time.Microsecond)
}

// phase runs op on every client until the duration has passed. Requests in
// flight at the end complete; ctx ending cuts them off.
func (b *bench) phase(ctx context.Context, op string) result {
	until, cancel := context.WithTimeout(ctx, b.flags.duration)
	defer cancel()
	results := make([]result, b.flags.clients)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = b.client1(ctx, until, i, op) })
	}
	wg.Wait()
	total := result{op: op, elapsed: time.Since(start)}
	for _, r := range results {
		total.latencies = append(total.latencies, r.latencies...)
		total.errors += r.errors
		if total.firstErr == nil {
			total.firstErr = r.firstErr
		}
	}
	slices.Sort(total.latencies)
	return total
}

// client1 is one client's loop: it issues op until the until context ends.
func (b *bench) client1(ctx, until context.Context, id int, op string) result {
	rng := rand.New(rand.NewPCG(uint64(id), 1))
	payload := strings.Repeat("x", b.flags.itemSize)
	var r result
	for until.Err() == nil {
		t0 := time.Now()
		err := b.do(ctx, id, op, rng, payload)
		if ctx.Err() != nil {
			break // interrupted
		}
		if err != nil {
			r.errors++
			if r.firstErr == nil {
				r.firstErr = err
			}
			continue
		}
		r.latencies = append(r.latencies, time.Since(t0))
	}
	return r
}

func (b *bench) do(ctx context.Context, id int, op string, rng *rand.Rand, payload string) error {
	if op == "put" {
		key := fmt.Sprintf("c%d-%d", id, b.written[id])
		_, err := b.client(id).PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(b.table),
			Item: map[string]types.AttributeValue{
				"pk":      &types.AttributeValueMemberS{Value: key},
				"payload": &types.AttributeValueMemberS{Value: payload},
			},
		})
		if err == nil {
			b.written[id]++
		}
		return err
	}
	n := max(b.written[id], 1)
	key := fmt.Sprintf("c%d-%d", id, rng.IntN(n))
	_, err := b.client(id).GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(b.table),
		Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(b.flags.consistent || op == "cget"),
	})
	return err
}
