package workload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

const (
	// opTimeout bounds each request a workload sends.
	opTimeout = 5 * time.Second
	// retryPause paces repeated setup and final-read attempts.
	retryPause = 200 * time.Millisecond
	// keyAttr is the partition key attribute of every workload table.
	keyAttr = "k"
	// FinalProcess is the process number of ops recorded by Final.
	FinalProcess = -1
)

func tableName(env *Env, w interface{ Name() string }) string {
	return env.Table + "-" + w.Name()
}

// setupTable creates table (hash key "k", string, PAY_PER_REQUEST) through
// env.Clients[0], tolerating a table that already exists, and waits until
// it is ACTIVE. Failed attempts are retried until ctx ends.
func setupTable(ctx context.Context, env *Env, table string) error {
	if len(env.Clients) == 0 {
		return errors.New("workload: env has no clients")
	}
	db := env.Clients[0]
	err := retry(ctx, func(ctx context.Context) error {
		_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			BillingMode:          types.BillingModePayPerRequest,
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(keyAttr), KeyType: types.KeyTypeHash}},
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(keyAttr), AttributeType: types.ScalarAttributeTypeS}},
		})
		var inUse *types.ResourceInUseException
		if errors.As(err, &inUse) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("workload: create table %s: %w", table, err)
	}
	err = retry(ctx, func(ctx context.Context) error {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return err
		}
		if s := out.Table.TableStatus; s != types.TableStatusActive {
			return fmt.Errorf("table status %s", s)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("workload: wait for table %s to be ACTIVE: %w", table, err)
	}
	return nil
}

// retry calls f, each time under opTimeout, until it returns nil or ctx
// ends; it returns the last error joined with ctx's.
func retry(ctx context.Context, f func(ctx context.Context) error) error {
	for {
		err := call(ctx, f)
		if err == nil {
			return nil
		}
		if perr := pause(ctx, retryPause); perr != nil {
			return errors.Join(err, perr)
		}
	}
}

// call runs f under a context that ends after opTimeout.
func call(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return f(ctx)
}

// pause waits for d or until ctx ends, returning ctx's error in that case.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// finish completes p: OK with output when err is nil, otherwise with the
// outcome history.ClassifyError gives and no output.
func finish(p *history.Pending, output any, err error) history.Op {
	if err != nil {
		return p.End(nil, history.ClassifyError(err), err)
	}
	return p.End(output, history.OK, nil)
}

// readFunc is one read of a key through db, returning the op's output.
type readFunc func(ctx context.Context, db *dynamodb.Client) (any, error)

// finalRead reads key with read until a read succeeds or ctx ends, moving
// to the next node after each failed attempt and recording every attempt
// as a Final op of kind.
func finalRead(ctx context.Context, env *Env, kind, key string, read readFunc) error {
	for attempt := 0; ; attempt++ {
		node := attempt%len(env.Clients) + 1
		p := env.Recorder.BeginFinal(FinalProcess, node, kind, key, nil)
		var out any
		err := call(ctx, func(ctx context.Context) error {
			var err error
			out, err = read(ctx, env.Clients[node-1])
			return err
		})
		if finish(p, out, err).Outcome == history.OK {
			return nil
		}
		if perr := pause(ctx, retryPause); perr != nil {
			return fmt.Errorf("workload: final read of %s %s after %d attempts: %w", kind, key, attempt+1, errors.Join(err, perr))
		}
	}
}

// keyOf returns the primary key of item key.
func keyOf(key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: key}}
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// numAttr returns the integer in item[name], 0 when item or the attribute
// is absent.
func numAttr(item map[string]types.AttributeValue, name string) (int64, error) {
	av, ok := item[name]
	if !ok {
		return 0, nil
	}
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("workload: attribute %s is %T, want a number", name, av)
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("workload: attribute %s: %w", name, err)
	}
	return v, nil
}

// uniques hands out values unique within a workload: process*1e9 plus a
// per-process counter starting at 1. It is safe for concurrent use.
type uniques struct {
	mu   sync.Mutex
	next map[int]int64
}

func (u *uniques) take(process int) int64 {
	return int64(process)*1_000_000_000 + u.seq(process)
}

// seq returns process's next sequence number, starting at 1.
func (u *uniques) seq(process int) int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.next == nil {
		u.next = map[int]int64{}
	}
	u.next[process]++
	return u.next[process]
}

func fmtDropped(n int) string { return fmt.Sprintf("... and %d more", n) }

// getNum reads item key of table with a ConsistentRead and returns its
// number attribute attr, 0 when the item or attribute is absent.
func getNum(ctx context.Context, db *dynamodb.Client, table, key, attr string) (int64, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(table), Key: keyOf(key), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return 0, err
	}
	return numAttr(out.Item, attr)
}

// opInt decodes the output of an OK op as an integer.
func opInt(op history.Op) (int64, bool) {
	var v int64
	if op.Outcome != history.OK || json.Unmarshal(op.Output, &v) != nil {
		return 0, false
	}
	return v, true
}
