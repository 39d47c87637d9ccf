package ycsb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// FieldCount is the number of fields of a record, as in YCSB.
const FieldCount = 10

// Store is what a run needs from the database, bound to one client.
type Store interface {
	// Read reads record keynum (all fields).
	Read(ctx context.Context, keynum int64) error
	// Update sets one field of record keynum.
	Update(ctx context.Context, keynum int64, field int, value string) error
	// Insert writes record keynum with FieldCount field values.
	Insert(ctx context.Context, keynum int64, values []string) error
	// InsertBatch writes several records at once (the load phase).
	InsertBatch(ctx context.Context, keynums []int64, values [][]string) error
	// Scan reads up to n records in key order from record keynum on.
	Scan(ctx context.Context, keynum int64, n int) error
}

// Stores returns the Store of client i.
type Stores func(client int) Store

// Config is one load or run phase.
type Config struct {
	Workload     Workload
	Distribution Distribution  // "": the workload's own
	Records      int64         // records loaded; keys are 0..Records-1
	Operations   int64         // run phase: stop after this many; 0: no limit
	Duration     time.Duration // run phase: stop after this long; 0: no limit
	Clients      int
	Target       float64 // run phase: operations per second over all clients; 0: closed loop
	ItemSize     int     // approximate bytes per record (key, names and values)
	MaxScan      int     // workload E: a scan reads 1..MaxScan records (uniform)
	Seed         uint64  // of the random number generators
	// Progress, if not nil, receives a progress line every second: a
	// redrawn bar when ProgressTTY, else a plain line every 10 seconds.
	Progress    io.Writer
	ProgressTTY bool
	// Clock is the time source; nil means the wall clock.
	Clock Clock
}

// Validate checks the settings a phase needs.
func (c *Config) Validate(run bool) error {
	switch {
	case c.Records < 1:
		return fmt.Errorf("ycsb: Config.Records %d is below 1", c.Records)
	case c.Clients < 1:
		return fmt.Errorf("ycsb: Config.Clients %d is below 1", c.Clients)
	case c.ItemSize < 0:
		return fmt.Errorf("ycsb: Config.ItemSize %d is negative", c.ItemSize)
	case !run:
		return nil
	case c.Operations == 0 && c.Duration <= 0:
		return errors.New("ycsb: Config.Operations and Config.Duration are both unset: the run would not end")
	case c.Operations < 0:
		return fmt.Errorf("ycsb: Config.Operations %d is negative", c.Operations)
	case c.Target < 0:
		return fmt.Errorf("ycsb: Config.Target %v is negative", c.Target)
	case c.Workload.Mix[OpScan] > 0 && c.MaxScan < 1:
		return fmt.Errorf("ycsb: Config.MaxScan %d is below 1", c.MaxScan)
	}
	return nil
}

func (c *Config) clock() Clock {
	if c.Clock == nil {
		return realClock{}
	}
	return c.Clock
}

func (c *Config) distribution() Distribution {
	if c.Distribution == "" {
		return c.Workload.Distribution
	}
	return c.Distribution
}

// FieldLength is the length of each field value for an item of about
// itemSize bytes: the key and the ten names ("field0".."field9") take
// about 90 bytes, the values share the rest.
func FieldLength(itemSize int) int {
	const overhead = 3 + 24 + FieldCount*6
	return max((itemSize-overhead)/FieldCount, 1)
}

// Report is the outcome of a run phase.
type Report struct {
	Workload     Workload
	Distribution Distribution
	Clients      int
	Target       float64
	Elapsed      time.Duration
	Ops          []*OpStats // per operation kind, in report order
	Series       []Sample   // per second
}

// Count returns the number of successful operations.
func (r *Report) Count() uint64 {
	var n uint64
	for _, o := range r.Ops {
		n += o.Hist.Count()
	}
	return n
}

// Errors returns the number of failed operations.
func (r *Report) Errors() uint64 {
	var n uint64
	for _, o := range r.Ops {
		n += o.Errors
	}
	return n
}

// FirstErr returns the first error of the first operation kind that had
// one, or nil.
func (r *Report) FirstErr() error {
	for _, o := range r.Ops {
		if o.FirstErr != nil {
			return fmt.Errorf("%v: %w", o.Op, o.FirstErr)
		}
	}
	return nil
}

// Throughput returns successful operations per second.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Count()) / r.Elapsed.Seconds()
}

// Total returns the latencies of all operation kinds together.
func (r *Report) Total() *Histogram {
	var h Histogram
	for _, o := range r.Ops {
		h.Merge(&o.Hist)
	}
	return &h
}

// Run runs the workload's run phase against records already loaded and
// returns its report. It returns early, with what it measured, when ctx
// ends; requests in flight then are cut off.
func Run(ctx context.Context, cfg Config, stores Stores) (*Report, error) {
	if err := cfg.Validate(true); err != nil {
		return nil, err
	}
	clock := cfg.clock()
	inserts := NewAckCounter(cfg.Records)
	expected := int64(float64(cfg.Operations) * cfg.Workload.Mix[OpInsert] * 2)
	r := &runner{cfg: &cfg, stores: stores, clock: clock, inserts: inserts,
		keys: newChoosers(cfg.distribution(), cfg.Records, expected, inserts), budget: cfg.Operations}
	until, cancel := ctx, context.CancelFunc(func() {})
	if cfg.Duration > 0 {
		until, cancel = context.WithTimeout(ctx, cfg.Duration)
	}
	defer cancel()
	start := clock.Now()
	r.rec = NewRecorder()
	r.start = start
	prog := newProgress(&cfg, "run "+cfg.Workload.Name, start, cfg.Operations, r.rec.Count)
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Go(func() { r.client(ctx, until, i) })
	}
	stopCollector := everySecond(func() {
		r.rec.Tick()
		prog.update(r.clock.Now())
	})
	wg.Wait()
	end := clock.Now()
	stopCollector()
	r.rec.Tick()
	prog.finish(end)
	ops, series := r.rec.Stats()
	rep := &Report{Workload: cfg.Workload, Distribution: cfg.distribution(), Clients: cfg.Clients, Target: cfg.Target,
		Elapsed: end.Sub(start), Ops: ops, Series: series}
	return rep, ctx.Err()
}

type runner struct {
	cfg     *Config
	stores  Stores
	clock   Clock
	start   time.Time
	inserts *AckCounter
	keys    *choosers
	rec     *Recorder
	budget  int64 // operations left to claim when cfg.Operations > 0
	claimed atomic.Int64
}

// claim reserves one operation of the budget.
func (r *runner) claim() bool {
	return r.budget == 0 || r.claimed.Add(1) <= r.budget
}

// client is one client's loop: it issues operations on its schedule until
// the budget is spent or until ends; ctx ending cuts off a request.
func (r *runner) client(ctx, until context.Context, id int) {
	w := &worker{
		store:  r.stores(id),
		rng:    rand.New(rand.NewPCG(r.cfg.Seed, uint64(id)+1)),
		keys:   r.keys.forClient(),
		fields: FieldLength(r.cfg.ItemSize),
		cfg:    r.cfg,
		ins:    r.inserts,
	}
	p := pacer{sched: NewSchedule(r.start, r.cfg.Target, r.cfg.Clients, id), clock: r.clock}
	for until.Err() == nil && r.claim() {
		t0 := p.begin(until)
		if until.Err() != nil {
			return
		}
		op := r.cfg.Workload.choose(w.rng)
		err := w.do(ctx, op)
		if ctx.Err() != nil {
			return // interrupted: the request did not really fail
		}
		r.rec.Record(op, r.clock.Now().Sub(t0), err)
	}
}

// worker holds one client's state.
type worker struct {
	store  Store
	rng    *rand.Rand
	keys   keyChooser
	fields int
	cfg    *Config
	ins    *AckCounter
	buf    []byte
}

func (w *worker) do(ctx context.Context, op Op) error {
	switch op {
	case OpRead:
		return w.store.Read(ctx, w.keys.next(w.rng))
	case OpUpdate:
		return w.store.Update(ctx, w.keys.next(w.rng), w.rng.IntN(FieldCount), w.value())
	case OpInsert:
		n := w.ins.Next()
		defer w.ins.Ack(n) // even on failure, as YCSB does, so reads move on
		return w.store.Insert(ctx, n, w.values())
	case OpScan:
		return w.store.Scan(ctx, w.keys.next(w.rng), 1+w.rng.IntN(w.cfg.MaxScan))
	case OpReadModifyWrite:
		k := w.keys.next(w.rng)
		if err := w.store.Read(ctx, k); err != nil {
			return err
		}
		return w.store.Update(ctx, k, w.rng.IntN(FieldCount), w.value())
	}
	return fmt.Errorf("ycsb: unknown operation %d", op)
}

// value returns a random printable field value: ten characters from
// each 64-bit draw.
func (w *worker) value() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	w.buf = w.buf[:0]
	var bits uint64
	for i := range w.fields {
		if i%10 == 0 {
			bits = w.rng.Uint64()
		}
		w.buf = append(w.buf, letters[bits&63])
		bits >>= 6
	}
	return string(w.buf)
}

// values returns FieldCount random field values.
func (w *worker) values() []string {
	v := make([]string, FieldCount)
	for i := range v {
		v[i] = w.value()
	}
	return v
}
