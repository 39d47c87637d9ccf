package workload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// Durability op kinds.
const (
	DurabilityPut  = "durability:put"
	DurabilityRead = "durability:read"
)

// finalBatch is how many keys one final BatchGetItem reads.
const finalBatch = 100

// errUnprocessed marks a final read the server left in UnprocessedKeys.
var errUnprocessed = errors.New("workload: key returned in UnprocessedKeys")

// Durability returns the durability workload: every op puts a fresh item
// d-<process>-<seq> on the condition that it does not exist yet. Final
// reads every key attempted; the checker wants every acknowledged put
// present and no definitely-failed put present.
func Durability() Workload { return &durability{} }

type durability struct {
	seqs uniques
}

// putInput is the input of a durability:put op.
type putInput struct {
	Seq int64 `json:"seq"`
}

func (w *durability) Name() string { return "durability" }

func (w *durability) Setup(ctx context.Context, env *Env) error {
	return setupTable(ctx, env, tableName(env, w))
}

func (w *durability) Step(ctx context.Context, env *Env, process, node int, _ *rand.Rand) {
	seq := w.seqs.seq(process)
	key := fmt.Sprintf("d-%d-%d", process, seq)
	db, table := env.Clients[node-1], tableName(env, w)
	p := env.Recorder.Begin(process, node, DurabilityPut, key, putInput{Seq: seq})
	finish(p, nil, call(ctx, func(ctx context.Context) error {
		item := keyOf(key)
		item[valueAttr] = num(seq)
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                aws.String(table),
			Item:                     item,
			ConditionExpression:      aws.String("attribute_not_exists(#k)"),
			ExpressionAttributeNames: map[string]string{"#k": keyAttr},
		})
		return err
	}))
}

// Final reads every key a put was attempted for, finalBatch keys per
// ConsistentRead BatchGetItem, recording one Final op per key whose output
// is whether the item exists.
func (w *durability) Final(ctx context.Context, env *Env) error {
	keys := attemptedKeys(env.Recorder.Ops())
	table := tableName(env, w)
	for start := 0; start < len(keys); start += finalBatch {
		batch := keys[start:min(start+finalBatch, len(keys))]
		if err := finalBatchRead(ctx, env, table, batch); err != nil {
			return err
		}
	}
	return nil
}

// attemptedKeys lists, in order and once each, the keys of every put.
func attemptedKeys(ops []history.Op) []string {
	seen := map[string]bool{}
	var keys []string
	for _, op := range ops {
		if op.Kind == DurabilityPut && !op.Final && !seen[op.Key] {
			seen[op.Key] = true
			keys = append(keys, op.Key)
		}
	}
	return keys
}

// finalBatchRead reads keys until each has one successful read, moving to
// the next node after each attempt that leaves some unread.
func finalBatchRead(ctx context.Context, env *Env, table string, keys []string) error {
	for attempt := 0; len(keys) > 0; attempt++ {
		node := attempt%len(env.Clients) + 1
		var err error
		keys, err = batchReadOnce(ctx, env, node, table, keys)
		if len(keys) == 0 {
			return nil
		}
		if perr := pause(ctx, retryPause); perr != nil {
			return fmt.Errorf("workload: final durability read of %d keys (first %s) after %d attempts: %w",
				len(keys), keys[0], attempt+1, errors.Join(err, perr))
		}
	}
	return nil
}

// batchReadOnce sends one BatchGetItem for keys through node, records the
// outcome of each key's read and returns the keys still unread.
func batchReadOnce(ctx context.Context, env *Env, node int, table string, keys []string) ([]string, error) {
	pending := make(map[string]*history.Pending, len(keys))
	req := make([]map[string]types.AttributeValue, 0, len(keys))
	for _, k := range keys {
		pending[k] = env.Recorder.BeginFinal(FinalProcess, node, DurabilityRead, k, nil)
		req = append(req, keyOf(k))
	}
	var out *dynamodb.BatchGetItemOutput
	err := call(ctx, func(ctx context.Context) error {
		var err error
		out, err = env.Clients[node-1].BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{table: {Keys: req, ConsistentRead: aws.Bool(true)}},
		})
		return err
	})
	if err != nil {
		for _, k := range keys {
			finish(pending[k], nil, err)
		}
		return keys, err
	}
	return endBatch(out, table, keys, pending), nil
}

// endBatch ends each key's pending read from a BatchGetItem response and
// returns the keys left unprocessed.
func endBatch(out *dynamodb.BatchGetItemOutput, table string, keys []string, pending map[string]*history.Pending) []string {
	found := map[string]bool{}
	for _, item := range out.Responses[table] {
		if s, ok := item[keyAttr].(*types.AttributeValueMemberS); ok {
			found[s.Value] = true
		}
	}
	unprocessed := map[string]bool{}
	for _, key := range out.UnprocessedKeys[table].Keys {
		if s, ok := key[keyAttr].(*types.AttributeValueMemberS); ok {
			unprocessed[s.Value] = true
		}
	}
	var left []string
	for _, k := range keys {
		if unprocessed[k] {
			pending[k].End(nil, history.Unknown, errUnprocessed)
			left = append(left, k)
			continue
		}
		pending[k].End(found[k], history.OK, nil)
	}
	return left
}

func (w *durability) Check(ops []history.Op) Result {
	puts := map[string]history.Op{}
	final := map[string]bool{} // key → present, from its last OK final read
	finalEnd := map[string]history.Op{}
	var bad anomalies
	for _, op := range ops {
		switch {
		case op.Kind == DurabilityPut:
			puts[op.Key] = op
		case op.Kind == DurabilityRead && op.Final && op.Outcome == history.OK:
			var present bool
			if err := decodeOutput(op, &present); err != nil {
				bad.add(err.Error())
				continue
			}
			if prev, ok := finalEnd[op.Key]; !ok || op.End >= prev.End {
				final[op.Key], finalEnd[op.Key] = present, op
			}
		}
	}
	counts := checkPuts(puts, final, finalEnd, &bad)
	res := Result{Checker: w.Name(), Valid: bad.total == 0, Details: bad.details()}
	res.Summary = fmt.Sprintf("%d puts (%d acknowledged, %d failed, %d unknown): ",
		len(puts), counts[history.OK], counts[history.Fail], counts[history.Unknown])
	if res.Valid {
		res.Summary += "every acknowledged put present, no failed put present"
	} else {
		res.Summary += fmt.Sprintf("%d anomalies", bad.total)
	}
	return res
}

// checkPuts compares each put with its key's final read and returns how
// many puts had each outcome.
func checkPuts(puts map[string]history.Op, final map[string]bool, finalOp map[string]history.Op, bad *anomalies) map[history.Outcome]int {
	counts := map[history.Outcome]int{}
	for _, key := range sortedKeys(puts) {
		put := puts[key]
		counts[put.Outcome]++
		present, read := final[key]
		switch {
		case !read && put.Outcome != history.Unknown:
			bad.add(fmt.Sprintf("unverified: %s put by op %d (%s) has no successful final read", key, put.ID, put.Outcome))
		case put.Outcome == history.OK && !present:
			bad.add(fmt.Sprintf("lost acknowledged put: %s, acknowledged by op %d, absent from final read op %d", key, put.ID, finalOp[key].ID))
		case put.Outcome == history.Fail && present:
			bad.add(fmt.Sprintf("failed put visible: %s, definitely failed in op %d (%s), present in final read op %d", key, put.ID, put.Error, finalOp[key].ID))
		}
	}
	return counts
}

func decodeOutput(op history.Op, v any) error {
	if err := json.Unmarshal(op.Output, v); err != nil {
		return fmt.Errorf("op %d (%s %s): decode output: %w", op.ID, op.Kind, op.Key, err)
	}
	return nil
}
