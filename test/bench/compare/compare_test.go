package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestCompareNullAndSingle runs a short comparison of the null endpoint
// and a flotilla node over two rounds, and checks that no server is left
// running afterwards.
func TestCompareNullAndSingle(t *testing.T) {
	null := filepath.Join(t.TempDir(), "nullserver")
	build := exec.Command("go", "build", "-o", null, "./test/bench/nullserver")
	build.Dir = harness.ModuleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build nullserver: %v\n%s", err, out)
	}
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
