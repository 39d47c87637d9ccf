package ycsb

import (
	"sync"
	"time"
)

// Sample is one operation kind's latencies over one second of a run.
type Sample struct {
	Second int // 1 for the run's first second, 2 for the next...
	Op     Op
	Count  uint64
	P50    time.Duration
	P99    time.Duration
}

// OpStats are one operation kind's totals over a run.
type OpStats struct {
	Op       Op
	Errors   uint64
	FirstErr error
	Hist     Histogram // latencies of the operations that succeeded
}

// Recorder collects the latencies of a run: totals per operation kind and
// a per-second series. Safe for concurrent use.
type Recorder struct {
	mu       sync.Mutex
	ticks    int // intervals closed
	total    [numOps]*OpStats
	interval [numOps]*Histogram
	series   []Sample
	count    uint64 // operations recorded, successful or not
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{} }

// Record counts one operation that took d; a failed one (err != nil)
// counts as an error, not as a latency.
func (r *Recorder) Record(op Op, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	if r.total[op] == nil {
		r.total[op] = &OpStats{Op: op}
		r.interval[op] = &Histogram{}
	}
	t := r.total[op]
	if err != nil {
		if t.Errors++; t.FirstErr == nil {
			t.FirstErr = err
		}
		return
	}
	t.Hist.Record(d)
	r.interval[op].Record(d)
}

// Count returns the number of operations recorded so far.
func (r *Recorder) Count() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// Tick closes the current interval (normally a second; the last one of a
// run may be shorter), adding a sample per operation kind that completed
// any operation in it. Intervals are numbered from 1.
func (r *Recorder) Tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ticks++
	for op, h := range r.interval {
		if h == nil || h.Count() == 0 {
			continue
		}
		r.series = append(r.series, Sample{Second: r.ticks, Op: Op(op), Count: h.Count(),
			P50: h.Quantile(0.50), P99: h.Quantile(0.99)})
		h.Reset()
	}
}

// Stats returns the totals per operation kind, in report order, and the
// series so far.
func (r *Recorder) Stats() ([]*OpStats, []Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ops []*OpStats
	for _, t := range r.total {
		if t != nil {
			c := *t
			ops = append(ops, &c)
		}
	}
	return ops, append([]Sample(nil), r.series...)
}
