package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
	"github.com/flotilla-db/flotilla/test/harness"
)

func TestParseStat(t *testing.T) {
	// Fields 14 and 15 (utime, stime) are 250 and 50 ticks; the name
	// holds a space and a parenthesis.
	stat := "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 11 0 100 0 0 18446744073709551615\n"
	got, err := parseStat([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if got != 3*time.Second {
		t.Errorf("cpu = %v, want 3s (300 ticks)", got)
	}
	if _, err := parseStat([]byte("1 (x) S 1 2")); err == nil {
		t.Error("a short stat line parsed")
	}
	own, err := cpuTime(os.Getpid())
	if err != nil || own < 0 {
		t.Errorf("own cpu time = %v, %v", own, err)
	}
}

func TestLogCounters(t *testing.T) {
	with := `{"nodeId":"n1","groups":[{"id":"catalog","logAppends":10,"logEntries":12},
		{"id":"t/0","raft":{"logAppends":5,"logEntries":40}}]}`
	c, err := parseLogCounters([]byte(with))
	if err != nil {
		t.Fatal(err)
	}
	if !c.found || c.appends != 15 || c.entries != 52 {
		t.Errorf("counters = %+v, want 15 appends, 52 entries", c)
	}
	before := logCounters{appends: 5, entries: 12, found: true}
	if got := c.sub(before).perSync(); got != "4.0" {
		t.Errorf("per sync = %s, want 4.0 (40 entries in 10 appends)", got)
	}
	shared, err := parseLogCounters([]byte(`{"groups":[{"id":"t/0","logAppends":9,"logEntries":30}],"raftLog":{"store":"pebble","commits":9,"walSyncs":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := shared.perSync(); got != "10.0" {
		t.Errorf("per sync with a shared log store = %s, want 10.0 (30 entries in 3 WAL syncs)", got)
	}
	without, err := parseLogCounters([]byte(`{"nodeId":"n1","groups":[{"id":"catalog"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := without.sub(without).perSync(); got != "n/a" {
		t.Errorf("per sync without counters = %s, want n/a", got)
	}
	if got := (logCounters{found: true}).perSync(); got != "-" {
		t.Errorf("per sync without appends = %s, want -", got)
	}
	if _, err := parseLogCounters([]byte("not json")); err == nil {
		t.Error("bad status parsed")
	}
}

func TestTable(t *testing.T) {
	results := []result{
		{target: "null", workload: "a", round: 1, ops: 10000, opsPerS: 1000, p99: time.Millisecond, cpu: 100 * time.Millisecond},
		{target: "single", workload: "a", round: 1, ops: 400, opsPerS: 200, p99: 8 * time.Millisecond, cpu: 200 * time.Millisecond,
			flotilla: true, log: logCounters{appends: 10, entries: 30, found: true}},
		{target: "single", workload: "a", round: 2, ops: 600, opsPerS: 300, p99: 4 * time.Millisecond, cpu: 300 * time.Millisecond,
			flotilla: true, log: logCounters{appends: 10, entries: 50, found: true}},
		{target: "dynalite", workload: "a", round: 1, ops: 1000, opsPerS: 100, p99: 12 * time.Millisecond, cpu: 2 * time.Second},
	}
	targets := []string{"null", "single", "dynalite"}
	sums := summarize(results, targets, []string{"a"})
	single, ok := find(sums, "single", "a")
	if !ok || single.opsPerS != 250 || single.p99 != 6*time.Millisecond || single.cpuPerOp != 500*time.Microsecond {
		t.Fatalf("single = %+v, want 250 ops/s, p99 6ms, 500µs/op", single)
	}
	var out bytes.Buffer
	printTable(&out, sums, targets, []string{"a"})
	text := out.String()
	for _, want := range []string{
		"single    a          250        6ms      500.0    2.50x    0.50x    0.25x      4.0",
		"dynalite  a          100       12ms     2000.0    1.00x    1.00x    1.00x",
		"ceiling (null endpoint), workload a: 1000 ops/s; single 25% dynalite 10%",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
}

func TestParseSettings(t *testing.T) {
	env := map[string]string{"BENCH_DURATION": "3s", "BENCH_WORKLOADS": "b"}
	s, err := parseSettings([]string{"--targets", "null,single", "--rounds", "1"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if s.duration != 3*time.Second || strings.Join(s.workloads, ",") != "b" || strings.Join(s.targets, ",") != "null,single" {
		t.Errorf("settings = %+v", s)
	}
	for args, want := range map[string]string{
		"--workloads e":            "workload e",
		"--targets mongo":          `unknown target "mongo"`,
		"--targets dynalite":       "needs --dynalite",
		"--duration never":         "not a positive duration",
		"--workloads a --rounds 0": "must be positive",
	} {
		if !strings.Contains(args, "--targets") {
			args += " --targets null"
		}
		_, err := parseSettings(strings.Fields(args), func(string) string { return "" }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", args, err, want)
		}
	}
}

func TestParseCurve(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"  ":                      "",
		"10,20,30,40,50,60,70,80": "10,20,30,40,50,60,70,80",
		"50, 10 ,100":             "10,50,100",
		"25%,75%":                 "25,75",
		"1":                       "1",
	} {
		got, err := parseCurve(in)
		if err != nil {
			t.Errorf("parseCurve(%q): %v", in, err)
			continue
		}
		var parts []string
		for _, p := range got {
			parts = append(parts, strconv.Itoa(p))
		}
		if strings.Join(parts, ",") != want {
			t.Errorf("parseCurve(%q) = %v, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"0":        "outside 1..100",
		"150":      "outside 1..100",
		"-10":      "outside 1..100",
		"x":        "not a whole number",
		"10,x":     "not a whole number",
		"12.5":     "not a whole number",
		"10,,20":   "not a whole number",
		",":        "not a whole number",
		"10,20,10": "repeated",
	} {
		if got, err := parseCurve(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseCurve(%q) = %v, %v; want an error with %q", in, got, err, want)
		}
	}
}

func TestCurveSettings(t *testing.T) {
	env := map[string]string{"BENCH_CURVE": "50,10", "BENCH_CURVE_DURATION": "2s"}
	s, err := parseSettings([]string{"--targets", "null"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.curve, []int{10, 50}) || s.curveDuration != 2*time.Second {
		t.Errorf("curve %v for %v, want [10 50] for 2s", s.curve, s.curveDuration)
	}
	s, err = parseSettings([]string{"--targets", "null"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if s.curve != nil || s.curveDuration != 10*time.Second {
		t.Errorf("default curve %v for %v, want none, 10s", s.curve, s.curveDuration)
	}
	for args, want := range map[string]string{
		"--curve 0":                       "outside 1..100",
		"--curve 10 --curve-duration 0s":  "not a positive duration",
		"--curve 10 --curve-duration abc": "not a positive duration",
	} {
		_, err := parseSettings(strings.Fields(args+" --targets null"), func(string) string { return "" }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", args, err, want)
		}
	}
}

func TestP99Spread(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		p99s   []time.Duration
		lo, hi time.Duration
		spread float64
	}{
		{[]time.Duration{2 * ms}, 2 * ms, 2 * ms, 0},
		// median 2ms; 5ms is 150% above it, 1ms 50% below.
		{[]time.Duration{5 * ms, 1 * ms, 2 * ms}, ms, 5 * ms, 150},
		// even count: median (2+4)/2 = 3ms; 1ms is 67% below, 5ms 67% above.
		{[]time.Duration{4 * ms, 1 * ms, 5 * ms, 2 * ms}, ms, 5 * ms, 200.0 / 3},
		// median 10ms; 1ms is 90% below it, 12ms 20% above.
		{[]time.Duration{10 * ms, 1 * ms, 12 * ms}, ms, 12 * ms, 90},
		{[]time.Duration{0, 0, 0}, 0, 0, 0},
	} {
		lo, hi, spread, ok := p99Spread(c.p99s)
		if !ok || lo != c.lo || hi != c.hi || math.Abs(spread-c.spread) > 1e-9 {
			t.Errorf("p99Spread(%v) = %v, %v, %v, %v; want %v, %v, %v", c.p99s, lo, hi, spread, ok, c.lo, c.hi, c.spread)
		}
	}
	if _, _, _, ok := p99Spread(nil); ok {
		t.Error("p99Spread(nil) is ok")
	}
}

func TestPrintCurves(t *testing.T) {
	ms := time.Millisecond
	point := func(pct int, read, update, total time.Duration) curvePoint {
		return curvePoint{percent: pct, offered: float64(pct) * 10, achieved: float64(pct)*10 - 1, ops: 1000, cpu: 200 * ms,
			lat: []opLatency{{op: ycsb.OpRead, count: 500, p50: read / 2, p99: read},
				{op: ycsb.OpUpdate, count: 500, p50: update / 2, p99: update}},
			total: opLatency{count: 1000, p50: total / 2, p99: total},
			log:   logCounters{appends: 100, entries: 250, found: true}}
	}
	curves := []curve{
		{target: "single", workload: "a", round: 1, peak: 1000, duration: 10 * time.Second, flotilla: true, points: []curvePoint{
			point(10, ms, 2*ms, 2*ms), point(50, 1200*time.Microsecond, 3400*time.Microsecond, 3*ms), point(80, 4*ms, 8*ms, 8*ms)}},
		{target: "null", workload: "c", round: 1, peak: 5000, duration: time.Second, points: []curvePoint{
			{percent: 50, offered: 2500, achieved: 2490, ops: 2490, errors: 3,
				lat:   []opLatency{{op: ycsb.OpRead, count: 2490, p50: 500 * time.Microsecond, p99: 2 * ms}},
				total: opLatency{count: 2490, p50: 500 * time.Microsecond, p99: 2 * ms}}}},
		{target: "single", workload: "c", round: 2, peak: 3000, duration: time.Second},
	}
	var out bytes.Buffer
	printCurves(&out, curves, []string{"null", "single"}, []string{"a", "c"})
	text := out.String()
	for _, want := range []string{
		"latency curve: single, workload a, round 1; closed-loop peak 1000 ops/s; 10s per level, open loop\n" +
			"level   offered  achieved   READ p50   READ p99 UPDATE p50 UPDATE p99  TOTAL p50  TOTAL p99  CPU µs/op  w/fsync  errors\n" +
			"  10%       100        99      500µs        1ms        1ms        2ms        1ms        2ms      200.0      2.5       0\n" +
			"  50%       500       499      600µs      1.2ms      1.7ms      3.4ms      1.5ms        3ms      200.0      2.5       0\n" +
			"  80%       800       799        2ms        4ms        4ms        8ms        4ms        8ms      200.0      2.5       0\n" +
			// median 3ms: 8ms is 167% above it.
			"p99 across 10%..80%: min 2ms, max 8ms, spread 167% around the median\n" +
			"at 50% of peak: READ p99 1.2ms, UPDATE p99 3.4ms\n",
		"latency curve: null, workload c, round 1; closed-loop peak 5000 ops/s; 1s per level, open loop\n" +
			"level   offered  achieved   READ p50   READ p99  TOTAL p50  TOTAL p99  CPU µs/op  errors\n" +
			"  50%      2500      2490      500µs        2ms      500µs        2ms        0.0       3\n" +
			"p99 across 50%: min 2ms, max 2ms, spread 0% around the median\n" +
			"at 50% of peak: READ p99 2ms\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("curves lack\n%s\nin\n%s", want, text)
		}
	}
	// Targets first, then workloads; a curve without points is not printed.
	if strings.Index(text, "null, workload c") > strings.Index(text, "single, workload a") {
		t.Errorf("null's curve is not first:\n%s", text)
	}
	if strings.Contains(text, "round 2") {
		t.Errorf("an empty curve was printed:\n%s", text)
	}
	out.Reset()
	printCurves(&out, nil, []string{"null"}, []string{"a"})
	if out.Len() != 0 {
		t.Errorf("no curves printed %q", out.String())
	}
}

// TestCompareNullAndSingle runs a short comparison of the null endpoint
// and a flotilla node over two rounds, and checks that no server is left
// running afterwards.
func TestCompareNullAndSingle(t *testing.T) {
	null := buildNullserver(t)
	work := t.TempDir()
	args := []string{"--flotilla", harness.Binary(t), "--nullserver", null, "--targets", "null,single", "--workloads", "a",
		"--duration", "300ms", "--rounds", "2", "--records", "50", "--clients", "2", "--work-dir", work, "--quiet"}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstdout %s\nstderr %s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"round 1 null     load: 50 records", "round 2 single   a:", "\nnull      a ", "\nsingle    a ",
		"ceiling (null endpoint), workload a:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Round 2 visits the targets in reverse order.
	if strings.Index(out, "round 2 single") > strings.Index(out, "round 2 null") {
		t.Errorf("round 2 did not start with single:\n%s", out)
	}
	logs, _ := filepath.Glob(filepath.Join(work, "*.log"))
	if len(logs) != 2 {
		t.Errorf("logs %v, want one per server", logs)
	}
	if pids := processesMentioning(t, work); len(pids) > 0 {
		t.Errorf("processes %v still run with %s in their command line", pids, work)
	}
}

// buildNullserver builds test/bench/nullserver into a temporary
// directory and returns the binary's path.
func buildNullserver(t *testing.T) string {
	t.Helper()
	null := filepath.Join(t.TempDir(), "nullserver")
	build := exec.Command("go", "build", "-o", null, "./test/bench/nullserver")
	build.Dir = harness.ModuleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build nullserver: %v\n%s", err, out)
	}
	return null
}

// processesMentioning returns the processes whose command line holds s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	var pids []string
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err == nil && bytes.Contains(b, []byte(s)) {
			pids = append(pids, filepath.Base(d))
		}
	}
	return pids
}

// TestCompareNullCurve runs a short comparison of the null endpoint with
// a one-level latency curve and checks that the curve table is printed
// with a row for that level.
func TestCompareNullCurve(t *testing.T) {
	null := buildNullserver(t)
	work := t.TempDir()
	args := []string{"--nullserver", null, "--targets", "null", "--workloads", "a", "--duration", "300ms", "--rounds", "1",
		"--records", "50", "--clients", "2", "--work-dir", work, "--quiet", "--curve", "50", "--curve-duration", "1s"}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstdout %s\nstderr %s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"round 1 null     a at  50%: offered", "\nnull      a ",
		"latency curve: null, workload a, round 1;", "level   offered  achieved   READ p50   READ p99 UPDATE p50 UPDATE p99",
		"\n  50% ", "p99 across 50%: min ", "at 50% of peak: READ p99 "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The curve tables follow the main table.
	if strings.Index(out, "latency curve: null") < strings.Index(out, "\nnull      a ") {
		t.Errorf("the curve precedes the main table:\n%s", out)
	}
	if pids := processesMentioning(t, work); len(pids) > 0 {
		t.Errorf("processes %v still run with %s in their command line", pids, work)
	}
}
