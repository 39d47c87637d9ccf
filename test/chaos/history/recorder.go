package history

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Recorder collects the operations of a run on one monotonic clock.
// It is safe for concurrent use.
type Recorder struct {
	start time.Time // carries Go's monotonic reading; all times are offsets from it

	mu      sync.Mutex
	nextID  int64
	done    []Op
	pending map[int64]*Pending
}

// NewRecorder returns an empty Recorder whose clock starts now.
func NewRecorder() *Recorder {
	return &Recorder{start: time.Now(), pending: map[int64]*Pending{}}
}

// Since returns the time since the recorder began, on the clock Op.Start and
// Op.End use.
func (r *Recorder) Since() time.Duration { return time.Since(r.start) }

// Pending is an operation that has been invoked but not completed. It belongs
// to the goroutine that began it.
type Pending struct {
	r     *Recorder
	op    Op
	ended bool
}

// Begin records the invocation of an operation by process against node and
// returns the handle that completes it. input is encoded as JSON.
func (r *Recorder) Begin(process, node int, kind, key string, input any) *Pending {
	return r.begin(process, node, kind, key, input, false)
}

// BeginFinal is Begin for a read made after the faults were healed, whose op
// is recorded with Final set.
func (r *Recorder) BeginFinal(process, node int, kind, key string, input any) *Pending {
	return r.begin(process, node, kind, key, input, true)
}

func (r *Recorder) begin(process, node int, kind, key string, input any, final bool) *Pending {
	p := &Pending{r: r, op: Op{
		Process: process, Node: node, Kind: kind, Key: key,
		Input: encode(input), Final: final,
	}}
	r.mu.Lock()
	r.nextID++
	p.op.ID = r.nextID
	p.op.Start = r.Since()
	r.pending[p.op.ID] = p
	r.mu.Unlock()
	return p
}

// End records the completion of the operation with its output (encoded as
// JSON), outcome and error, and returns the completed op. Calling End again
// changes nothing and returns the op as first recorded.
func (p *Pending) End(output any, outcome Outcome, err error) Op {
	r := p.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.ended {
		return p.op
	}
	p.ended = true
	p.op.End = r.Since()
	p.op.Output = encode(output)
	p.op.Outcome = outcome
	if err != nil {
		p.op.Error = err.Error()
	}
	delete(r.pending, p.op.ID)
	r.done = append(r.done, p.op)
	return p.op
}

// Ops returns every op recorded so far sorted by Start (then ID). Ops begun
// but not yet ended are included with Outcome Unknown and End = now.
func (r *Recorder) Ops() []Op {
	r.mu.Lock()
	now := r.Since()
	ops := make([]Op, 0, len(r.done)+len(r.pending))
	ops = append(ops, r.done...)
	for _, p := range r.pending {
		op := p.op
		op.Outcome = Unknown
		op.End = now
		ops = append(ops, op)
	}
	r.mu.Unlock()
	SortByStart(ops)
	return ops
}

// SortByStart sorts ops by Start, breaking ties by ID.
func SortByStart(ops []Op) {
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Start != ops[j].Start {
			return ops[i].Start < ops[j].Start
		}
		return ops[i].ID < ops[j].ID
	})
}

// encode turns v into JSON; nil stays empty, and a value that cannot be
// encoded is recorded as a JSON string describing why.
func encode(v any) json.RawMessage {
	switch v := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("history: cannot encode %T: %v", v, err))
	}
	return b
}
