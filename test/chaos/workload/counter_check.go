package workload

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// counterKey is one counter's history.
type counterKey struct {
	adds  []counterAdd
	reads []counterRead // OK reads, final ones included
}

type counterAdd struct {
	op history.Op
	d  int64
}

type counterRead struct {
	op history.Op
	n  int64
}

func (w *counter) Check(ops []history.Op) Result {
	return checkPerKey(w.Name(), "counter:", "final values and reads within bounds, reads monotonic", ops, func() *counterKey { return &counterKey{} })
}

func (k *counterKey) add(op history.Op) error {
	switch op.Kind {
	case CounterAdd:
		var in addInput
		if err := json.Unmarshal(op.Input, &in); err != nil {
			return fmt.Errorf("decode input: %w", err)
		}
		if op.Outcome != history.Fail {
			k.adds = append(k.adds, counterAdd{op, in.D})
		}
	case CounterRead:
		if op.Outcome != history.OK {
			return nil
		}
		r := counterRead{op: op}
		if err := json.Unmarshal(op.Output, &r.n); err != nil {
			return fmt.Errorf("decode output: %w", err)
		}
		k.reads = append(k.reads, r)
	default:
		return fmt.Errorf("unknown counter op kind")
	}
	return nil
}

func (k *counterKey) check() []string {
	b := newAddBounds(k.adds)
	var out []string
	if final, ok := k.final(); !ok {
		out = append(out, "no successful final read: acknowledged adds unverified")
	} else if line := b.checkFinal(final); line != "" {
		out = append(out, line)
	}
	for _, r := range k.reads {
		lo, hi := b.lower(r.op.Start), b.upper(r.op.End)
		if r.n < lo || r.n > hi {
			out = append(out, fmt.Sprintf("read out of bounds: op %d read %d, want within [%d, %d] (adds acknowledged before it began, adds begun before it ended)", r.op.ID, r.n, lo, hi))
		}
	}
	return append(out, k.nonMonotonic()...)
}

// final returns the last successful final read.
func (k *counterKey) final() (counterRead, bool) {
	var f counterRead
	found := false
	for _, r := range k.reads {
		if r.op.Final && (!found || r.op.End >= f.op.End) {
			f, found = r, true
		}
	}
	return f, found
}

// nonMonotonic reports reads that returned less than a read which had
// completed before they began.
func (k *counterKey) nonMonotonic() []string {
	byEnd := append([]counterRead(nil), k.reads...)
	sort.Slice(byEnd, func(i, j int) bool { return byEnd[i].op.End < byEnd[j].op.End })
	highest := make([]int, len(byEnd)) // highest[i]: index of the largest read among byEnd[:i+1]
	for i := range byEnd {
		highest[i] = i
		if i > 0 && byEnd[highest[i-1]].n > byEnd[i].n {
			highest[i] = highest[i-1]
		}
	}
	var out []string
	for _, r := range k.reads {
		i := sort.Search(len(byEnd), func(i int) bool { return byEnd[i].op.End >= r.op.Start })
		if i == 0 {
			continue
		}
		if prev := byEnd[highest[i-1]]; prev.n > r.n {
			out = append(out, fmt.Sprintf("non-monotonic read: op %d read %d, after op %d had read %d", r.op.ID, r.n, prev.op.ID, prev.n))
		}
	}
	return out
}

// addBounds gives the range a read may return from the adds around it.
type addBounds struct {
	ackedByEnd   []counterAdd // OK adds by End
	ackedSums    []int64      // ackedSums[i]: sum of ackedByEnd[:i]
	triedByStart []counterAdd // OK and Unknown adds by Start
	triedSums    []int64
	acked, all   int64
}

func newAddBounds(adds []counterAdd) addBounds {
	var b addBounds
	for _, a := range adds {
		b.triedByStart = append(b.triedByStart, a)
		b.all += a.d
		if a.op.Outcome == history.OK {
			b.ackedByEnd = append(b.ackedByEnd, a)
			b.acked += a.d
		}
	}
	sort.Slice(b.ackedByEnd, func(i, j int) bool { return b.ackedByEnd[i].op.End < b.ackedByEnd[j].op.End })
	sort.Slice(b.triedByStart, func(i, j int) bool { return b.triedByStart[i].op.Start < b.triedByStart[j].op.Start })
	b.ackedSums = prefixSums(b.ackedByEnd)
	b.triedSums = prefixSums(b.triedByStart)
	return b
}

func prefixSums(adds []counterAdd) []int64 {
	sums := make([]int64, len(adds)+1)
	for i, a := range adds {
		sums[i+1] = sums[i] + a.d
	}
	return sums
}

// lower is the sum of adds acknowledged before t.
func (b addBounds) lower(t time.Duration) int64 {
	i := sort.Search(len(b.ackedByEnd), func(i int) bool { return b.ackedByEnd[i].op.End >= t })
	return b.ackedSums[i]
}

// upper is the sum of adds, acknowledged or unknown, begun by t.
func (b addBounds) upper(t time.Duration) int64 {
	i := sort.Search(len(b.triedByStart), func(i int) bool { return b.triedByStart[i].op.Start > t })
	return b.triedSums[i]
}

func (b addBounds) checkFinal(f counterRead) string {
	switch {
	case f.n < b.acked:
		return fmt.Sprintf("lost add: final value %d (op %d) below the %d acknowledged", f.n, f.op.ID, b.acked)
	case f.n > b.all:
		return fmt.Sprintf("final above attempted: final value %d (op %d) above the %d acknowledged or unknown", f.n, f.op.ID, b.all)
	}
	return ""
}
