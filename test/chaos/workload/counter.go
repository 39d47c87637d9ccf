package workload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const (
	counterKeys = 3
	counterAttr = "n"
	counterMax  = 5 // adds are of 1..counterMax
)

// Counter op kinds.
const (
	CounterAdd  = "counter:add"
	CounterRead = "counter:read"
)

// Counter returns the counter workload: keys c0..c2, each a number that
// UpdateItem ADD increments by 1..5 and ConsistentRead GetItems read. Its
// checker bounds every read and the final value by the adds acknowledged
// and attempted, and wants reads never to go down over real time.
func Counter() Workload { return &counter{} }

type counter struct{}

// addInput is the input of a counter:add op.
type addInput struct {
	D int64 `json:"d"`
}

func (w *counter) Name() string { return "counter" }

func (w *counter) Setup(ctx context.Context, env *Env) error {
	return setupTable(ctx, env, tableName(env, w))
}

func (w *counter) Step(ctx context.Context, env *Env, process, node int, rng *rand.Rand) {
	key := fmt.Sprintf("c%d", rng.IntN(counterKeys))
	db, table := env.Clients[node-1], tableName(env, w)
	if rng.IntN(2) == 0 {
		p := env.Recorder.Begin(process, node, CounterRead, key, nil)
		var n int64
		err := call(ctx, func(ctx context.Context) error {
			var err error
			n, err = getNum(ctx, db, table, key, counterAttr)
			return err
		})
		finish(p, n, err)
		return
	}
	in := addInput{D: 1 + rng.Int64N(counterMax)}
	p := env.Recorder.Begin(process, node, CounterAdd, key, in)
	finish(p, nil, call(ctx, func(ctx context.Context) error {
		_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(table),
			Key:                       keyOf(key),
			UpdateExpression:          aws.String("ADD #n :d"),
			ExpressionAttributeNames:  map[string]string{"#n": counterAttr},
			ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(in.D)},
		})
		return err
	}))
}

func (w *counter) Final(ctx context.Context, env *Env) error {
	table := tableName(env, w)
	var errs []error
	for i := range counterKeys {
		key := fmt.Sprintf("c%d", i)
		errs = append(errs, finalRead(ctx, env, CounterRead, key, func(ctx context.Context, db *dynamodb.Client) (any, error) {
			return getNum(ctx, db, table, key, counterAttr)
		}))
	}
	return errors.Join(errs...)
}
