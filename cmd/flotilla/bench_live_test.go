package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/harness"
)

// TestYCSBAgainstFlotilla runs every YCSB workload for a few operations
// against a real flotilla process and checks the report's rows.
func TestYCSBAgainstFlotilla(t *testing.T) {
	srv := harness.Start(t, "", "--log-level", "warn")
	dir := t.TempDir()
	tests := []struct {
		workload string
		extra    []string
		rows     []string
	}{
		{"a", nil, []string{"READ", "UPDATE"}},
		{"b", []string{"--consistent"}, []string{"READ", "UPDATE"}},
		{"c", []string{"--distribution", "uniform"}, []string{"READ"}},
		{"d", nil, []string{"READ", "INSERT"}},
		{"e", []string{"--scan-length", "5", "--buckets", "3"}, []string{"SCAN", "INSERT"}},
		{"f", []string{"--target", "400", "--csv", filepath.Join(dir, "f.csv"), "--html", filepath.Join(dir, "f.html")},
			[]string{"READ", "READ-MODIFY-WRITE"}},
	}
	for _, tc := range tests {
		t.Run("workload="+tc.workload, func(t *testing.T) {
			args := append([]string{"bench", "--endpoint", srv.Addr, "--workload", tc.workload, "--records", "40",
				"--operations", "60", "--clients", "3", "--item-size", "300"}, tc.extra...)
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if code := run(ctx, args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit code %d; stdout %q stderr %q", code, stdout.String(), stderr.String())
			}
			out := stdout.String()
			for _, row := range append(tc.rows, "TOTAL") {
				if !strings.Contains(out, "\n"+row+" ") {
					t.Errorf("output lacks a %s row:\n%s", row, out)
				}
			}
			for _, want := range []string{"load: 40 records", "run: 60 operations", " 0 errors"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "first error") {
				t.Errorf("bench saw errors:\n%s", out)
			}
		})
	}
	for _, f := range []string{"f.csv", "f.html"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) == 0 {
			t.Errorf("report %s: %v, %d bytes", f, err, len(b))
		}
	}
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"admin", "status", "--addr", srv.Addr}, &stdout, &bytes.Buffer{}); code != 0 ||
		!strings.Contains(stdout.String(), "tables:   0") {
		t.Errorf("tables left behind after the runs: %s", stdout.String())
	}
}

// TestYCSBLoadThenRun loads a named table in one command and runs on it
// in another, as YCSB's load and run phases do.
func TestYCSBLoadThenRun(t *testing.T) {
	srv := harness.Start(t, "", "--log-level", "warn")
	common := []string{"bench", "--endpoint", srv.Addr, "--workload", "c", "--records", "30", "--clients", "2"}
	for _, phase := range [][]string{{"--phase", "load"}, {"--phase", "run", "--operations", "20"}} {
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		code := run(ctx, append(append([]string{}, common...), phase...), &stdout, &stderr)
		cancel()
		if code != 0 || strings.Contains(stdout.String(), "first error") {
			t.Fatalf("%v: exit code %d; stdout %q stderr %q", phase, code, stdout.String(), stderr.String())
		}
		if phase[1] == "run" && !strings.Contains(stdout.String(), "run: 20 operations") {
			t.Errorf("run phase output:\n%s", stdout.String())
		}
	}
}
