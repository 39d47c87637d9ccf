package workload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

const (
	registerKeys    = 5
	registerTimeout = 10 * time.Second // porcupine's budget per key
	registerSeen    = 16               // earlier values a process remembers per key
	valueAttr       = "v"
)

// Register op kinds.
const (
	RegisterRead  = "register:read"
	RegisterWrite = "register:write"
	RegisterCAS   = "register:cas"
)

// Register returns the register workload: a few contended keys r0..r4, each
// an integer register read with ConsistentRead GetItem, written with
// PutItem and compare-and-set with a conditional UpdateItem, every written
// value unique in the run. Its checker tests each key's history for
// linearizability with porcupine.
func Register() Workload {
	return &register{timeout: registerTimeout, procs: map[int]*registerProc{}}
}

type register struct {
	timeout time.Duration
	values  uniques

	mu    sync.Mutex
	procs map[int]*registerProc
}

// registerProc is what one process remembers; only that process's
// goroutine touches it.
type registerProc struct {
	last map[string]int64   // last value observed per key (0: none)
	seen map[string][]int64 // recent values observed per key
}

// casInput is the input of a register:cas op.
type casInput struct {
	Old int64 `json:"old"`
	New int64 `json:"new"`
}

// writeInput is the input of a register:write op.
type writeInput struct {
	V int64 `json:"v"`
}

// CAS outputs.
const (
	casOK     = "ok"
	casFailed = "failed"
)

func (w *register) Name() string { return "register" }

func (w *register) Setup(ctx context.Context, env *Env) error {
	return setupTable(ctx, env, tableName(env, w))
}

func (w *register) Step(ctx context.Context, env *Env, process, node int, rng *rand.Rand) {
	key := fmt.Sprintf("r%d", rng.IntN(registerKeys))
	proc := w.proc(process)
	db, table := env.Clients[node-1], tableName(env, w)
	switch x := rng.IntN(4); {
	case x < 2:
		op := w.read(ctx, env.Recorder.Begin(process, node, RegisterRead, key, nil), db, table, key)
		if v, ok := opInt(op); ok && v != 0 {
			proc.observe(key, v)
		}
	case x == 2 || proc.last[key] == 0:
		w.write(ctx, env, process, node, db, table, key, proc)
	default:
		w.cas(ctx, env, process, node, db, table, key, proc, rng)
	}
}

func (w *register) proc(process int) *registerProc {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.procs[process]
	if p == nil {
		p = &registerProc{last: map[string]int64{}, seen: map[string][]int64{}}
		w.procs[process] = p
	}
	return p
}

func (p *registerProc) observe(key string, v int64) {
	p.last[key] = v
	seen := append(p.seen[key], v)
	if len(seen) > registerSeen {
		seen = seen[1:]
	}
	p.seen[key] = seen
}

// expected picks the old value of a cas: usually the last value observed,
// sometimes an earlier one.
func (p *registerProc) expected(key string, rng *rand.Rand) int64 {
	if seen := p.seen[key]; len(seen) > 0 && rng.IntN(4) == 0 {
		return seen[rng.IntN(len(seen))]
	}
	return p.last[key]
}

func (w *register) read(ctx context.Context, p *history.Pending, db *dynamodb.Client, table, key string) history.Op {
	var v int64
	err := call(ctx, func(ctx context.Context) error {
		var err error
		v, err = getNum(ctx, db, table, key, valueAttr)
		return err
	})
	return finish(p, v, err)
}

func (w *register) write(ctx context.Context, env *Env, process, node int, db *dynamodb.Client, table, key string, proc *registerProc) {
	v := w.values.take(process)
	p := env.Recorder.Begin(process, node, RegisterWrite, key, writeInput{V: v})
	err := call(ctx, func(ctx context.Context) error {
		item := keyOf(key)
		item[valueAttr] = num(v)
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
		return err
	})
	if finish(p, nil, err).Outcome == history.OK {
		proc.observe(key, v)
	}
}

func (w *register) cas(ctx context.Context, env *Env, process, node int, db *dynamodb.Client, table, key string, proc *registerProc, rng *rand.Rand) {
	in := casInput{Old: proc.expected(key, rng), New: w.values.take(process)}
	p := env.Recorder.Begin(process, node, RegisterCAS, key, in)
	err := call(ctx, func(ctx context.Context) error {
		_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(table),
			Key:                       keyOf(key),
			UpdateExpression:          aws.String("SET #v = :new"),
			ConditionExpression:       aws.String("#v = :old"),
			ExpressionAttributeNames:  map[string]string{"#v": valueAttr},
			ExpressionAttributeValues: map[string]types.AttributeValue{":new": num(in.New), ":old": num(in.Old)},
		})
		return err
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		p.End(casFailed, history.OK, nil)
	case finish(p, casOK, err).Outcome == history.OK:
		proc.observe(key, in.New)
	}
}

func (w *register) Final(ctx context.Context, env *Env) error {
	table := tableName(env, w)
	var errs []error
	for i := range registerKeys {
		key := fmt.Sprintf("r%d", i)
		errs = append(errs, finalRead(ctx, env, RegisterRead, key, func(ctx context.Context, db *dynamodb.Client) (any, error) {
			return getNum(ctx, db, table, key, valueAttr)
		}))
	}
	return errors.Join(errs...)
}
