package workload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// regInput is a register op as the porcupine model sees it.
type regInput struct {
	Kind     string // "read", "write" or "cas"
	Value    int64  // write: the value written
	Old, New int64  // cas
}

// regOutput is a register op's result as the porcupine model sees it.
type regOutput struct {
	Value   int64  // read: the value read (0: absent)
	CAS     string // cas: casOK or casFailed
	Unknown bool   // write or cas whose outcome is unknown
}

// registerModel is an integer register whose state 0 means the item is
// absent; a cas on an absent item fails, as a DynamoDB condition on a
// missing attribute does.
var registerModel = porcupine.Model{
	Init: func() any { return int64(0) },
	Step: func(state, input, output any) (bool, any) {
		return registerStep(state.(int64), input.(regInput), output.(regOutput))
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regInput), output.(regOutput)
		switch {
		case in.Kind == "read":
			return fmt.Sprintf("read() -> %d", out.Value)
		case in.Kind == "write":
			return fmt.Sprintf("write(%d)%s", in.Value, unknownMark(out))
		case out.Unknown:
			return fmt.Sprintf("cas(%d, %d) -> ?", in.Old, in.New)
		default:
			return fmt.Sprintf("cas(%d, %d) -> %s", in.Old, in.New, out.CAS)
		}
	},
	DescribeState: func(state any) string {
		if state.(int64) == 0 {
			return "absent"
		}
		return fmt.Sprint(state)
	},
	DescribeOperationMetadata: func(info any) string {
		if info == nil {
			return ""
		}
		return fmt.Sprint(info)
	},
}

func unknownMark(out regOutput) string {
	if out.Unknown {
		return " ?"
	}
	return ""
}

// registerStep is the sequential specification of one register. An op of
// unknown outcome is linearized like one that took effect; one that did not
// take effect is linearized after everything else, since its return is at
// infinity.
func registerStep(s int64, in regInput, out regOutput) (bool, any) {
	switch in.Kind {
	case "read":
		return out.Value == s, s
	case "write":
		return true, in.Value
	}
	switch {
	case out.Unknown && s == in.Old:
		return true, in.New
	case out.Unknown:
		return true, s
	case out.CAS == casFailed:
		return s != in.Old, s
	default:
		return s == in.Old, in.New
	}
}

func (w *register) Check(ops []history.Op) Result {
	keys, malformed := registerHistories(ops)
	res := Result{Checker: w.Name(), Valid: true, Files: map[string][]byte{}}
	var bad anomalies
	for _, op := range malformed {
		bad.add(fmt.Sprintf("op %d (%s %s): cannot decode input or output", op.ID, op.Kind, op.Key))
	}
	var timedOut, illegal []string
	total := 0
	for _, key := range sortedKeys(keys) {
		h := keys[key]
		total += len(h.ops)
		for _, line := range h.definiteAnomalies() {
			bad.add("key " + key + ": " + line)
		}
		switch verdict, file := w.linearizable(key, h.ops); verdict {
		case porcupine.Illegal:
			illegal = append(illegal, key)
			res.Files[file.name] = file.html
			bad.add(fmt.Sprintf("key %s: not linearizable (%d ops); see %s", key, len(h.ops), file.name))
		case porcupine.Unknown:
			timedOut = append(timedOut, key)
		}
	}
	res.Valid = bad.total == 0
	res.Details = bad.details()
	res.Summary = registerSummary(len(keys), total, illegal, timedOut, bad.total, w.timeout)
	return res
}

func registerSummary(keys, ops int, illegal, timedOut []string, anomalies int, timeout time.Duration) string {
	s := fmt.Sprintf("%d keys, %d ops: ", keys, ops)
	switch {
	case len(illegal) > 0:
		s += "not linearizable: " + strings.Join(illegal, " ")
	case anomalies > 0:
		s += fmt.Sprintf("%d anomalies", anomalies)
	default:
		s += "linearizable"
	}
	if len(timedOut) > 0 {
		s += fmt.Sprintf("; unknown (porcupine timed out after %v): %s", timeout, strings.Join(timedOut, " "))
	}
	return s
}

type reportFile struct {
	name string
	html []byte
}

// linearizable checks one key's history with porcupine and, when it is
// not linearizable, renders porcupine's visualisation of it.
func (w *register) linearizable(key string, ops []porcupine.Operation) (porcupine.CheckResult, reportFile) {
	verdict, info := porcupine.CheckOperationsVerbose(registerModel, ops, w.timeout)
	if verdict != porcupine.Illegal {
		return verdict, reportFile{}
	}
	f := reportFile{name: "register-" + key + ".html"}
	var buf bytes.Buffer
	if err := porcupine.Visualize(registerModel, info, &buf); err != nil {
		buf.Reset()
		fmt.Fprintf(&buf, "<!DOCTYPE html><p>porcupine could not render key %s: %v</p>\n", key, err)
	}
	f.html = buf.Bytes()
	return verdict, f
}

// keyHistory is one key's ops, converted for porcupine, plus what the
// definite-anomaly checks need.
type keyHistory struct {
	ops    []porcupine.Operation
	writes map[int64]writeOf // op that wrote each value, any outcome
	reads  []readOf
	acked  []history.Op // writes and successful cas that completed OK
}

// writeOf is the op that tried to write a value; failed: it definitely did
// not (a Fail outcome or a cas whose condition failed).
type writeOf struct {
	op     history.Op
	failed bool
}

type readOf struct {
	op    history.Op
	value int64
}

// registerHistories groups the register ops of a history by key. Fail ops
// are dropped (they did not happen), as are Unknown reads (they constrain
// nothing); Unknown writes and cas return at +infinity.
func registerHistories(ops []history.Op) (map[string]*keyHistory, []history.Op) {
	keys := map[string]*keyHistory{}
	clients := map[int]int{}
	var malformed []history.Op
	for _, op := range ops {
		if !strings.HasPrefix(op.Kind, "register:") {
			continue
		}
		h := keys[op.Key]
		if h == nil {
			h = &keyHistory{writes: map[int64]writeOf{}}
			keys[op.Key] = h
		}
		if err := h.add(op, clientID(clients, op.Process)); err != nil {
			malformed = append(malformed, op)
		}
	}
	return keys, malformed
}

// clientID maps process numbers to the dense, zero-based ids porcupine's
// visualisation wants.
func clientID(ids map[int]int, process int) int {
	id, ok := ids[process]
	if !ok {
		id = len(ids)
		ids[process] = id
	}
	return id
}

func (h *keyHistory) add(op history.Op, client int) error {
	in, out, err := decodeRegisterOp(op)
	if err != nil {
		return err
	}
	failed := op.Outcome == history.Fail || out.CAS == casFailed
	switch in.Kind {
	case "write":
		h.writes[in.Value] = writeOf{op, failed}
	case "cas":
		h.writes[in.New] = writeOf{op, failed}
	}
	if op.Outcome == history.Fail || (in.Kind == "read" && op.Outcome == history.Unknown) {
		return nil
	}
	switch {
	case in.Kind == "read":
		h.reads = append(h.reads, readOf{op, out.Value})
	case op.Outcome == history.OK && out.CAS != casFailed:
		h.acked = append(h.acked, op)
	}
	ret := int64(op.End)
	if op.Outcome == history.Unknown {
		ret = math.MaxInt64
	}
	h.ops = append(h.ops, porcupine.Operation{
		ClientId: client, Input: in, Output: out, Call: int64(op.Start), Return: ret,
		Metadata: fmt.Sprintf("op %d, process %d, node %d", op.ID, op.Process, op.Node),
	})
	return nil
}

func decodeRegisterOp(op history.Op) (regInput, regOutput, error) {
	var in regInput
	var out regOutput
	var err error
	switch op.Kind {
	case RegisterRead:
		in.Kind = "read"
		if op.Outcome == history.OK {
			err = json.Unmarshal(op.Output, &out.Value)
		}
	case RegisterWrite:
		var w writeInput
		err = json.Unmarshal(op.Input, &w)
		in = regInput{Kind: "write", Value: w.V}
	case RegisterCAS:
		var c casInput
		err = json.Unmarshal(op.Input, &c)
		in = regInput{Kind: "cas", Old: c.Old, New: c.New}
		if err == nil && op.Outcome == history.OK {
			err = json.Unmarshal(op.Output, &out.CAS)
		}
	default:
		err = fmt.Errorf("unknown register op kind %q", op.Kind)
	}
	out.Unknown = op.Outcome == history.Unknown
	return in, out, err
}

// definiteAnomalies finds, without search, reads that no linearization can
// explain: a value nobody wrote, a value whose write definitely failed, and
// a stale read (the value read had been overwritten by an acknowledged
// write that completed before the read began). Every value is written at
// most once, so these are certain.
func (h *keyHistory) definiteAnomalies() []string {
	latest := newLatestWrite(h.acked)
	var out []string
	for _, r := range h.reads {
		w, written := h.writes[r.value]
		switch {
		case r.value != 0 && !written:
			out = append(out, fmt.Sprintf("phantom read: op %d read %d, which no op wrote", r.op.ID, r.value))
		case r.value != 0 && w.failed:
			out = append(out, fmt.Sprintf("failed write visible: op %d read %d, written by op %d which definitely failed", r.op.ID, r.value, w.op.ID))
		case r.value == 0 || w.op.Outcome == history.OK:
			after := w.op.End
			if r.value == 0 {
				after = -1
			}
			if b, ok := latest.overwrote(after, r.op.Start); ok {
				out = append(out, fmt.Sprintf("stale read: op %d read %d at %v, but op %d overwrote it, completing at %v", r.op.ID, r.value, r.op.Start, b.ID, b.End))
			}
		}
	}
	return out
}

// latestWrite answers: which acknowledged write started after a given time
// and ended before another?
type latestWrite struct {
	byEnd    []history.Op // acknowledged writes sorted by End
	maxStart []int        // maxStart[i]: index in byEnd of the latest-starting write among byEnd[:i+1]
}

func newLatestWrite(acked []history.Op) latestWrite {
	l := latestWrite{byEnd: append([]history.Op(nil), acked...)}
	sort.Slice(l.byEnd, func(i, j int) bool { return l.byEnd[i].End < l.byEnd[j].End })
	l.maxStart = make([]int, len(l.byEnd))
	for i := range l.byEnd {
		l.maxStart[i] = i
		if i > 0 && l.byEnd[l.maxStart[i-1]].Start > l.byEnd[i].Start {
			l.maxStart[i] = l.maxStart[i-1]
		}
	}
	return l
}

// overwrote returns an acknowledged write that started after the time
// `after` and ended before `before`, if there is one.
func (l latestWrite) overwrote(after, before time.Duration) (history.Op, bool) {
	n := sort.Search(len(l.byEnd), func(i int) bool { return l.byEnd[i].End >= before })
	if n == 0 {
		return history.Op{}, false
	}
	w := l.byEnd[l.maxStart[n-1]]
	return w, w.Start > after
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
