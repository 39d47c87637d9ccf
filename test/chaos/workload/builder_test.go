package workload

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// hist builds hand-written histories; times are in milliseconds.
type hist struct {
	ops []history.Op
}

// never is the End of an op whose outcome is unknown.
const never = -1

func (h *hist) add(process int, kind, key string, start, end int, in, out any, outcome history.Outcome) *history.Op {
	op := history.Op{
		ID: int64(len(h.ops) + 1), Process: process, Node: 1, Kind: kind, Key: key,
		Input: raw(in), Start: ms(start), End: ms(end), Outcome: outcome,
	}
	if outcome == history.OK {
		op.Output = raw(out)
	}
	if end == never {
		op.End = ms(start + 1_000_000)
	}
	h.ops = append(h.ops, op)
	return &h.ops[len(h.ops)-1]
}

// final adds a successful final read.
func (h *hist) final(kind, key string, start, end int, out any) {
	h.add(FinalProcess, kind, key, start, end, nil, out, history.OK).Final = true
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func raw(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// wantValid fails the test unless res is valid.
func wantValid(t *testing.T, res Result) {
	t.Helper()
	if !res.Valid {
		t.Errorf("%s: invalid, want valid: %s\n%s", res.Checker, res.Summary, strings.Join(res.Details, "\n"))
	}
}

// wantAnomaly fails the test unless res is invalid with a detail naming
// anomaly.
func wantAnomaly(t *testing.T, res Result, anomaly string) {
	t.Helper()
	if res.Valid {
		t.Errorf("%s: valid, want invalid with %q: %s", res.Checker, anomaly, res.Summary)
		return
	}
	for _, d := range res.Details {
		if strings.Contains(d, anomaly) {
			return
		}
	}
	t.Errorf("%s: no detail names %q:\n%s", res.Checker, anomaly, strings.Join(res.Details, "\n"))
}

// noise is a history of other workloads' ops, which every checker must
// ignore.
func noise() []history.Op {
	var h hist
	h.add(0, "other:write", "r0", 0, 5, map[string]int{"x": 1}, nil, history.OK)
	h.add(0, "other:read", "l0", 0, 5, nil, "not a list", history.OK)
	h.add(0, "other:read", "c0", 0, 5, nil, []int{1, 2}, history.OK)
	return h.ops
}
