package workload

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// genOp is an op of a generated history with its linearization point.
type genOp struct {
	op  history.Op
	at  time.Duration
	in  any
	out any
	// effect: whether the op takes effect (an Unknown op may not)
	effect bool
}

// linearizableHistory generates n register ops on key from procs
// concurrent processes, overlapping in time, whose outputs come from
// applying them one by one at their linearization points, so the history
// is linearizable by construction. Some writes and cas end Unknown, half of
// those without taking effect.
func linearizableHistory(rng *rand.Rand, key string, procs, n int) []history.Op {
	var ops []*genOp
	next := make([]time.Duration, procs)
	for i := range n {
		p := i % procs
		start := next[p] + time.Duration(rng.IntN(1000))*time.Microsecond
		at := start + time.Duration(1+rng.IntN(3000))*time.Microsecond
		end := at + time.Duration(1+rng.IntN(3000))*time.Microsecond
		next[p] = end
		g := &genOp{op: history.Op{Process: p, Node: 1, Key: key, Start: start, End: end, Outcome: history.OK}, at: at, effect: true}
		switch rng.IntN(4) {
		case 0, 1:
			g.op.Kind = RegisterRead
		case 2:
			g.op.Kind = RegisterWrite
		default:
			g.op.Kind = RegisterCAS
		}
		if g.op.Kind != RegisterRead && rng.IntN(20) == 0 {
			g.op.Outcome = history.Unknown
			g.effect = rng.IntN(2) == 0
		}
		ops = append(ops, g)
	}
	applyInOrder(rng, ops)
	out := make([]history.Op, len(ops))
	for i, g := range ops {
		g.op.ID = int64(i + 1)
		g.op.Input, g.op.Output = raw(g.in), nil
		if g.op.Outcome == history.OK {
			g.op.Output = raw(g.out)
		}
		out[i] = g.op
	}
	history.SortByStart(out)
	return out
}

// applyInOrder runs the ops against a sequential register in order of
// their linearization points, filling in inputs and outputs.
func applyInOrder(rng *rand.Rand, ops []*genOp) {
	byAt := append([]*genOp(nil), ops...)
	sort.Slice(byAt, func(i, j int) bool { return byAt[i].at < byAt[j].at })
	var state int64
	var written []int64
	for i, g := range byAt {
		v := int64(i + 1)
		switch g.op.Kind {
		case RegisterRead:
			g.out = state
		case RegisterWrite:
			g.in = writeInput{V: v}
			if g.effect {
				state = v
			}
		case RegisterCAS:
			old := state
			if len(written) > 0 && rng.IntN(3) == 0 {
				old = written[rng.IntN(len(written))]
			}
			g.in, g.out = casInput{Old: old, New: v}, casFailed
			if state == old && state != 0 && g.effect {
				state, g.out = v, casOK
			}
		}
		written = append(written, v)
	}
}

// TestRegisterLargeLinearizableHistory checks that porcupine accepts, within
// its budget, a generated history of the size a short chaos run produces.
func TestRegisterLargeLinearizableHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ops []history.Op
	for _, key := range []string{"r0", "r1"} {
		ops = append(ops, linearizableHistory(rng, key, 8, 1500)...)
	}
	for i := range ops {
		ops[i].ID = int64(i + 1)
	}
	res := Register().Check(ops)
	wantValid(t, res)
	if len(res.Files) != 0 || !strings.Contains(res.Summary, "linearizable") || strings.Contains(res.Summary, "unknown") {
		t.Errorf("summary %q", res.Summary)
	}

}

// TestRegisterGeneratedStaleRead checks that a generated history with one
// late read returning the key's first value is found not linearizable.
func TestRegisterGeneratedStaleRead(t *testing.T) {
	ops := linearizableHistory(rand.New(rand.NewPCG(3, 4)), "r0", 8, 300)
	first := firstWrite(ops, "r0")
	for i := len(ops) - 1; i >= 0; i-- {
		if op := ops[i]; op.Key == "r0" && op.Kind == RegisterRead && op.Outcome == history.OK {
			ops[i].Output = raw(first)
			break
		}
	}
	res := Register().Check(ops)
	wantAnomaly(t, res, "key r0: not linearizable")
	wantAnomaly(t, res, "stale read")
}

func firstWrite(ops []history.Op, key string) int64 {
	for _, op := range ops {
		if op.Key == key && op.Kind == RegisterWrite && op.Outcome == history.OK {
			var in writeInput
			if err := json.Unmarshal(op.Input, &in); err == nil {
				return in.V
			}
		}
	}
	panic("no write of " + key)
}
