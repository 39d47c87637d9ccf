package ycsb

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to: sleeping jumps to
// the wake-up time and operations advance it by their cost.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(_ context.Context, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// call is one operation a fakeStore saw.
type call struct {
	op     string
	keynum int64
	n      int // scan length, or batch size
}

// fakeStore records the calls of every client; each call advances the
// clock by cost(call number), if a clock is set.
type fakeStore struct {
	mu    sync.Mutex
	calls []call
	clock *fakeClock
	cost  func(i int) time.Duration
	fail  string // operation that fails
}

func (s *fakeStore) record(c call) error {
	s.mu.Lock()
	i := len(s.calls)
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	if s.clock != nil {
		s.clock.advance(s.cost(i))
	}
	if c.op == s.fail {
		return errors.New("injected failure")
	}
	return nil
}

func (s *fakeStore) Read(_ context.Context, k int64) error {
	return s.record(call{op: "read", keynum: k})
}
func (s *fakeStore) Update(_ context.Context, k int64, f int, v string) error {
	if f < 0 || f >= FieldCount || v == "" {
		return errors.New("bad update")
	}
	return s.record(call{op: "update", keynum: k})
}
func (s *fakeStore) Insert(_ context.Context, k int64, v []string) error {
	if len(v) != FieldCount {
		return errors.New("bad insert")
	}
	return s.record(call{op: "insert", keynum: k})
}
func (s *fakeStore) InsertBatch(_ context.Context, ks []int64, v [][]string) error {
	for _, k := range ks {
		if err := s.record(call{op: "batch", keynum: k, n: len(ks)}); err != nil {
			return err
		}
	}
	return nil
}
func (s *fakeStore) Scan(_ context.Context, k int64, n int) error {
	return s.record(call{op: "scan", keynum: k, n: n})
}

func (s *fakeStore) stores() Stores { return func(int) Store { return s } }

func (s *fakeStore) count(op string) int {
	n := 0
	for _, c := range s.calls {
		if c.op == op {
			n++
		}
	}
	return n
}

func mustWorkload(t *testing.T, name string) Workload {
	t.Helper()
	w, err := WorkloadByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWorkloadMixes(t *testing.T) {
	tests := []struct {
		workload string
		want     map[string]float64 // share of calls
	}{
		{"a", map[string]float64{"read": 0.5, "update": 0.5}},
		{"b", map[string]float64{"read": 0.95, "update": 0.05}},
		{"c", map[string]float64{"read": 1}},
		{"d", map[string]float64{"read": 0.95, "insert": 0.05}},
		{"e", map[string]float64{"scan": 0.95, "insert": 0.05}},
		{"f", map[string]float64{"read": 2.0 / 3, "update": 1.0 / 3}}, // half plain reads, half read+update
	}
	for _, tc := range tests {
		t.Run("workload="+tc.workload, func(t *testing.T) {
			s := &fakeStore{}
			cfg := Config{Workload: mustWorkload(t, tc.workload), Records: 500, Operations: 4000, Clients: 4, MaxScan: 10}
			rep, err := Run(context.Background(), cfg, s.stores())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Count() != 4000 {
				t.Errorf("report counts %d operations, want 4000", rep.Count())
			}
			for op, share := range tc.want {
				got := float64(s.count(op)) / float64(len(s.calls))
				if got < share-0.03 || got > share+0.03 {
					t.Errorf("%s: %.3f of calls, want %.3f", op, got, share)
				}
			}
			checkKeys(t, s, 500)
		})
	}
}

// checkKeys checks that reads, updates and scans use loaded or inserted
// records, that inserts use new ones, each once, and scan lengths.
func checkKeys(t *testing.T, s *fakeStore, records int64) {
	t.Helper()
	inserted := map[int64]bool{}
	for _, c := range s.calls {
		if c.op != "insert" {
			continue
		}
		if c.keynum < records || inserted[c.keynum] {
			t.Fatalf("insert of record %d: not new", c.keynum)
		}
		inserted[c.keynum] = true
	}
	for _, c := range s.calls {
		if c.op != "insert" && c.keynum >= records && !inserted[c.keynum] {
			t.Fatalf("%s of record %d, never loaded nor inserted", c.op, c.keynum)
		}
		if c.op == "scan" && (c.n < 1 || c.n > 10) {
			t.Fatalf("scan of %d records, want 1..10", c.n)
		}
	}
}

func TestReadModifyWriteUsesOneKey(t *testing.T) {
	s := &fakeStore{}
	w := mustWorkload(t, "f")
	w.Mix = [numOps]float64{OpReadModifyWrite: 1}
	if _, err := Run(context.Background(), Config{Workload: w, Records: 100, Operations: 200, Clients: 1}, s.stores()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(s.calls); i += 2 {
		r, u := s.calls[i], s.calls[i+1]
		if r.op != "read" || u.op != "update" || r.keynum != u.keynum {
			t.Fatalf("calls %d, %d = %+v, %+v; want a read then an update of one record", i, i+1, r, u)
		}
	}
}

func TestLoadWritesEveryRecordOnce(t *testing.T) {
	s := &fakeStore{}
	rep, err := Load(context.Background(), Config{Records: 1003, Clients: 7}, s.stores())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 1003 {
		t.Errorf("report says %d records, want 1003", rep.Records)
	}
	seen := map[int64]bool{}
	for _, c := range s.calls {
		if c.n > LoadBatch || seen[c.keynum] || c.keynum < 0 || c.keynum >= 1003 {
			t.Fatalf("bad load call %+v", c)
		}
		seen[c.keynum] = true
	}
	if len(seen) != 1003 {
		t.Errorf("loaded %d distinct records, want 1003", len(seen))
	}
}

func TestLoadStopsAtFailure(t *testing.T) {
	s := &fakeStore{fail: "batch"}
	_, err := Load(context.Background(), Config{Records: 100, Clients: 2}, s.stores())
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("Load error = %v, want the injected failure", err)
	}
}

func TestSchedule(t *testing.T) {
	start := time.Unix(1000, 0)
	s := NewSchedule(start, 100, 4, 1) // 10ms apart over 4 clients
	if !s.Open() || s.Interval != 40*time.Millisecond || s.Offset != 10*time.Millisecond {
		t.Fatalf("schedule = %+v, want 40ms interval, 10ms offset", s)
	}
	for k, want := range []time.Duration{10, 50, 90} {
		if got := s.Due(int64(k)).Sub(start); got != want*time.Millisecond {
			t.Errorf("Due(%d) = start+%v, want start+%vms", k, got, want)
		}
	}
	if NewSchedule(start, 0, 4, 1).Open() {
		t.Error("target 0 is not closed loop")
	}
}

// TestOpenLoopCountsQueueing: one client, 10ms apart, the first operation
// stalls 100ms and the rest take 1ms. Open loop charges the operations
// that queued behind the stall from their due time; closed loop would
// report them as 1ms.
func TestOpenLoopCountsQueueing(t *testing.T) {
	cost := func(i int) time.Duration {
		if i == 0 {
			return 100 * time.Millisecond
		}
		return time.Millisecond
	}
	run := func(target float64) *Report {
		clock := &fakeClock{now: time.Unix(0, 0)}
		s := &fakeStore{clock: clock, cost: cost}
		cfg := Config{Workload: mustWorkload(t, "c"), Records: 10, Operations: 20, Clients: 1, Target: target, Clock: clock}
		rep, err := Run(context.Background(), cfg, s.stores())
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	open := run(100).Total()
	// Due at 0, 10, 20, ... ms; done at 100, 101, 102, ...: operation k
	// takes 100-9k ms until the queue drains at k = 11 (1ms from then
	// on): 100, 91, ..., 19, 10, then nine of 1ms. The 10th of 20 is 10ms.
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{1, 100 * time.Millisecond}, {0.5, 10 * time.Millisecond}, {0.9, 82 * time.Millisecond}} {
		if got := open.Quantile(c.q); got < c.want || got > c.want+c.want/100 {
			t.Errorf("open loop: quantile %v = %v, want %v", c.q, got, c.want)
		}
	}
	closed := run(0).Total()
	if got := closed.Quantile(0.5); got < time.Millisecond || got > 1010*time.Microsecond {
		t.Errorf("closed loop: p50 = %v, want 1ms", got)
	}
}

func TestRunCountsErrorsAndStopsOnCancel(t *testing.T) {
	s := &fakeStore{fail: "update"}
	rep, err := Run(context.Background(), Config{Workload: mustWorkload(t, "a"), Records: 10, Operations: 1000, Clients: 2}, s.stores())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors() == 0 || rep.Errors()+rep.Count() != 1000 || rep.FirstErr() == nil {
		t.Errorf("errors %d + successes %d, first error %v; want update failures counted", rep.Errors(), rep.Count(), rep.FirstErr())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Config{Workload: mustWorkload(t, "c"), Records: 10, Duration: time.Hour, Clients: 2}, s.stores()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run returned %v, want context.Canceled", err)
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	s := &fakeStore{}
	rep, err := Run(context.Background(), Config{Workload: mustWorkload(t, "c"), Records: 10, Duration: 50 * time.Millisecond,
		Clients: 2, Target: 1000}, s.stores())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count() == 0 || rep.Count() > 1000 {
		t.Errorf("a 50ms run at 1000 ops/s did %d operations", rep.Count())
	}
}

func TestConfigValidate(t *testing.T) {
	w := mustWorkload(t, "e")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no records", Config{Workload: w, Clients: 1, Operations: 1, MaxScan: 1}, "Records 0"},
		{"no clients", Config{Workload: w, Records: 1, Operations: 1, MaxScan: 1}, "Clients 0"},
		{"endless", Config{Workload: w, Records: 1, Clients: 1, MaxScan: 1}, "would not end"},
		{"no scan length", Config{Workload: w, Records: 1, Clients: 1, Operations: 1}, "MaxScan 0"},
		{"negative target", Config{Workload: w, Records: 1, Clients: 1, Operations: 1, MaxScan: 1, Target: -1}, "Target -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.Validate(true); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestReports(t *testing.T) {
	s := &fakeStore{}
	rep, err := Run(context.Background(), Config{Workload: mustWorkload(t, "e"), Records: 50, Operations: 300, Clients: 2, MaxScan: 5},
		s.stores())
	if err != nil {
		t.Fatal(err)
	}
	var text, csv, page bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"workload e", "\nSCAN ", "\nINSERT ", "\nTOTAL ", "p99.9"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if lines[0] != "second,op,count,p50_us,p99_us" || len(lines) < 2 || !strings.HasPrefix(lines[1], "1,") {
		t.Errorf("csv = %q, want a header and rows from second 1", csv.String())
	}
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "<polyline", ">SCAN</text>"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(page.String(), "<script") {
		t.Error("html has a script")
	}
}

func TestRecorderSeries(t *testing.T) {
	r := NewRecorder()
	r.Record(OpRead, time.Millisecond, nil)
	r.Record(OpRead, 3*time.Millisecond, nil)
	r.Record(OpUpdate, time.Second, errors.New("x"))
	r.Tick()
	r.Tick() // an idle second adds nothing
	r.Record(OpUpdate, 2*time.Millisecond, nil)
	r.Tick()
	ops, series := r.Stats()
	if len(ops) != 2 || ops[1].Errors != 1 || ops[0].Hist.Count() != 2 {
		t.Fatalf("stats = %+v", ops)
	}
	if len(series) != 2 || series[0].Second != 1 || series[0].Op != OpRead || series[0].Count != 2 ||
		series[1].Second != 3 || series[1].Op != OpUpdate {
		t.Errorf("series = %+v, want READ x2 in second 1 and UPDATE in second 3", series)
	}
}

func TestProgressLines(t *testing.T) {
	start := time.Unix(100, 0)
	var plain, tty bytes.Buffer
	n := uint64(0)
	count := func() uint64 { return n }
	p := newProgress(&Config{Progress: &plain, Duration: 20 * time.Second}, "run a", start, 0, count)
	n = 500
	p.update(start.Add(5 * time.Second)) // under plainEvery: nothing
	p.update(start.Add(10 * time.Second))
	if got := plain.String(); !strings.Contains(got, " 50%") || !strings.Contains(got, "500 ops") ||
		!strings.Contains(got, "50 ops/s") || strings.Count(got, "\n") != 1 || strings.Contains(got, "\r") {
		t.Errorf("plain progress = %q, want one line at 50%%", got)
	}
	q := newProgress(&Config{Progress: &tty, ProgressTTY: true}, "load", start, 1000, count)
	q.update(start.Add(time.Second))
	q.finish(start.Add(2 * time.Second))
	if got := tty.String(); !strings.HasPrefix(got, "\rload [") || !strings.Contains(got, "500 records") ||
		strings.Count(got, "\r") != 2 || !strings.HasSuffix(got, "\n") {
		t.Errorf("terminal progress = %q, want two redraws of a bar and a final newline", got)
	}
	var none *progress
	none.update(start) // a nil progress draws nothing
	if newProgress(&Config{}, "x", start, 0, count) != nil {
		t.Error("progress without a writer")
	}
}
