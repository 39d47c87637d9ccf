package workload

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// listKey is one list's history.
type listKey struct {
	appends map[int64]history.Op // every append by value
	reads   []listRead           // OK reads, final ones included
	final   *listRead            // the last OK final read
}

type listRead struct {
	op   history.Op
	vals []int64
}

func (w *listAppend) Check(ops []history.Op) Result {
	return checkPerKey(w.Name(), "list:", "every acknowledged append kept, reads are prefixes of the final lists", ops, func() *listKey { return &listKey{appends: map[int64]history.Op{}} })
}

func (k *listKey) add(op history.Op) error {
	switch op.Kind {
	case ListAppendOp:
		var in writeInput
		if err := json.Unmarshal(op.Input, &in); err != nil {
			return fmt.Errorf("decode input: %w", err)
		}
		k.appends[in.V] = op
	case ListRead:
		if op.Outcome != history.OK {
			return nil
		}
		r := listRead{op: op}
		if err := json.Unmarshal(op.Output, &r.vals); err != nil {
			return fmt.Errorf("decode output: %w", err)
		}
		k.reads = append(k.reads, r)
		if op.Final && (k.final == nil || op.End >= k.final.op.End) {
			k.final = &k.reads[len(k.reads)-1]
		}
	default:
		return fmt.Errorf("unknown list op kind")
	}
	return nil
}

// check returns the key's anomalies.
func (k *listKey) check() []string {
	var out []string
	for _, r := range k.reads {
		out = append(out, k.readValues(r)...)
	}
	if k.final == nil {
		return append(out, "no successful final read: acknowledged appends unverified")
	}
	final := *k.final
	pos := map[int64]int{}
	for i, v := range final.vals {
		pos[v] = i
	}
	for _, v := range sortedValues(k.appends) {
		if a := k.appends[v]; a.Outcome == history.OK {
			if _, ok := pos[v]; !ok {
				out = append(out, fmt.Sprintf("lost append: %d, acknowledged by op %d, missing from final read op %d", v, a.ID, final.op.ID))
			}
		}
	}
	return append(out, k.checkPrefixes(final, pos)...)
}

// readValues checks one read on its own: no value twice, none that was
// never appended, none whose append definitely failed.
func (k *listKey) readValues(r listRead) []string {
	var out []string
	seen := map[int64]bool{}
	for _, v := range r.vals {
		a, attempted := k.appends[v]
		switch {
		case seen[v]:
			out = append(out, fmt.Sprintf("duplicated value: %d appears twice in read op %d", v, r.op.ID))
		case !attempted:
			out = append(out, fmt.Sprintf("phantom value: %d in read op %d was never appended", v, r.op.ID))
		case a.Outcome == history.Fail:
			out = append(out, fmt.Sprintf("failed append visible: %d in read op %d, appended by op %d which definitely failed", v, r.op.ID, a.ID))
		}
		seen[v] = true
	}
	return out
}

// checkPrefixes wants every read to be a prefix of the final list, and to
// include every append acknowledged before the read began.
func (k *listKey) checkPrefixes(final listRead, pos map[int64]int) []string {
	acked := newAckedPositions(k.appends, pos)
	var out []string
	for _, r := range k.reads {
		if line := prefixAnomaly(r, final, pos); line != "" {
			out = append(out, line)
			continue
		}
		if a, ok := acked.missing(r.op.Start, len(r.vals)); ok {
			out = append(out, fmt.Sprintf("stale read: read op %d (%d values) misses %d, acknowledged by op %d at %v before the read began", r.op.ID, len(r.vals), k.appendValue(a), a.ID, a.End))
		}
	}
	return out
}

func prefixAnomaly(r listRead, final listRead, pos map[int64]int) string {
	for i, v := range r.vals {
		p, ok := pos[v]
		switch {
		case !ok:
			return fmt.Sprintf("lost append: %d seen by read op %d is missing from final read op %d", v, r.op.ID, final.op.ID)
		case p != i:
			return fmt.Sprintf("reordered read: read op %d has %d at index %d, final read op %d has it at index %d", r.op.ID, v, i, final.op.ID, p)
		}
	}
	return ""
}

func (k *listKey) appendValue(op history.Op) int64 {
	var in writeInput
	_ = json.Unmarshal(op.Input, &in) // decoded once already in add
	return in.V
}

// ackedPositions answers: of the appends acknowledged before a time, which
// lies furthest into the final list?
type ackedPositions struct {
	byEnd    []ackedAt // acknowledged appends in the final list, by End
	furthest []int     // furthest[i]: index in byEnd of the furthest-placed append among byEnd[:i+1]
}

type ackedAt struct {
	op  history.Op
	pos int // position in the final list
}

func newAckedPositions(appends map[int64]history.Op, pos map[int64]int) ackedPositions {
	var a ackedPositions
	for _, v := range sortedValues(appends) {
		if p, ok := pos[v]; ok && appends[v].Outcome == history.OK {
			a.byEnd = append(a.byEnd, ackedAt{appends[v], p})
		}
	}
	sort.Slice(a.byEnd, func(i, j int) bool { return a.byEnd[i].op.End < a.byEnd[j].op.End })
	a.furthest = make([]int, len(a.byEnd))
	for i := range a.byEnd {
		a.furthest[i] = i
		if i > 0 && a.byEnd[a.furthest[i-1]].pos > a.byEnd[i].pos {
			a.furthest[i] = a.furthest[i-1]
		}
	}
	return a
}

// missing returns an append acknowledged before t that lies at or beyond
// position n of the final list (so a prefix of length n lacks it).
func (a ackedPositions) missing(t time.Duration, n int) (history.Op, bool) {
	i := sort.Search(len(a.byEnd), func(i int) bool { return a.byEnd[i].op.End >= t })
	if i == 0 {
		return history.Op{}, false
	}
	f := a.byEnd[a.furthest[i-1]]
	return f.op, f.pos >= n
}

func sortedValues[V any](m map[int64]V) []int64 {
	vs := make([]int64, 0, len(m))
	for v := range m {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	return vs
}
