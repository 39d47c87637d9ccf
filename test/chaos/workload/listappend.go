package workload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const (
	listKeys = 5
	listAttr = "vals"
)

// ListAppend op kinds.
const (
	ListAppendOp = "list:append"
	ListRead     = "list:read"
)

// ListAppend returns the list-append workload: keys l0..l4, each a list
// attribute that appends (list_append of one unique integer) extend and
// ConsistentRead GetItems read. Its checker wants every acknowledged append
// in the final list, no definitely-failed or unknown-origin value in any
// read, no value twice, and every read a prefix of the final list.
func ListAppend() Workload { return &listAppend{} }

type listAppend struct {
	values uniques
}

func (w *listAppend) Name() string { return "list-append" }

func (w *listAppend) Setup(ctx context.Context, env *Env) error {
	return setupTable(ctx, env, tableName(env, w))
}

func (w *listAppend) Step(ctx context.Context, env *Env, process, node int, rng *rand.Rand) {
	key := fmt.Sprintf("l%d", rng.IntN(listKeys))
	db, table := env.Clients[node-1], tableName(env, w)
	if rng.IntN(2) == 0 {
		p := env.Recorder.Begin(process, node, ListRead, key, nil)
		var vals []int64
		err := call(ctx, func(ctx context.Context) error {
			var err error
			vals, err = readList(ctx, db, table, key)
			return err
		})
		finish(p, vals, err)
		return
	}
	v := w.values.take(process)
	p := env.Recorder.Begin(process, node, ListAppendOp, key, writeInput{V: v})
	finish(p, nil, call(ctx, func(ctx context.Context) error {
		return appendList(ctx, db, table, key, v)
	}))
}

func appendList(ctx context.Context, db *dynamodb.Client, table, key string, v int64) error {
	_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(table),
		Key:                      keyOf(key),
		UpdateExpression:         aws.String("SET #vals = list_append(if_not_exists(#vals, :empty), :v)"),
		ExpressionAttributeNames: map[string]string{"#vals": listAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":empty": &types.AttributeValueMemberL{Value: []types.AttributeValue{}},
			":v":     &types.AttributeValueMemberL{Value: []types.AttributeValue{num(v)}},
		},
	})
	return err
}

// readList reads key's list with a ConsistentRead; an absent item or
// attribute reads as the empty list.
func readList(ctx context.Context, db *dynamodb.Client, table, key string) ([]int64, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(table), Key: keyOf(key), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	vals := []int64{}
	av, ok := out.Item[listAttr]
	if !ok {
		return vals, nil
	}
	l, ok := av.(*types.AttributeValueMemberL)
	if !ok {
		return nil, fmt.Errorf("workload: attribute %s is %T, want a list", listAttr, av)
	}
	for i, e := range l.Value {
		n, ok := e.(*types.AttributeValueMemberN)
		if !ok {
			return nil, fmt.Errorf("workload: %s[%d] is %T, want a number", listAttr, i, e)
		}
		v, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("workload: %s[%d]: %w", listAttr, i, err)
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func (w *listAppend) Final(ctx context.Context, env *Env) error {
	table := tableName(env, w)
	var errs []error
	for i := range listKeys {
		key := fmt.Sprintf("l%d", i)
		errs = append(errs, finalRead(ctx, env, ListRead, key, func(ctx context.Context, db *dynamodb.Client) (any, error) {
			return readList(ctx, db, table, key)
		}))
	}
	return errors.Join(errs...)
}
