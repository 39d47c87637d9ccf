package chaos

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/report"
	"github.com/flotilla-db/flotilla/test/chaos/workload"
	"github.com/flotilla-db/flotilla/test/harness"
)

// Environment variables that tune the chaos tests.
const (
	durationEnv  = "CHAOS_DURATION"   // schedule length, e.g. 5m (default 60s)
	seedEnv      = "CHAOS_SEED"       // fixed seed (default: time-based)
	reportDirEnv = "CHAOS_REPORT_DIR" // keep reports here instead of a temporary directory
)

// testConfig is the configuration of a test run of n nodes; the schedule
// lasts def unless $CHAOS_DURATION says otherwise.
func testConfig(t *testing.T, n int, def time.Duration) Config {
	t.Helper()
	cfg := Config{Nodes: n, Duration: def, Seed: time.Now().UnixNano(), Binary: harness.Binary(t),
		Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if v := os.Getenv(durationEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("$%s: %v", durationEnv, err)
		}
		cfg.Duration = d
	}
	if v := os.Getenv(seedEnv); v != "" {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("$%s: %v", seedEnv, err)
		}
		cfg.Seed = s
	}
	cfg.ReportDir = filepath.Join(t.TempDir(), "report")
	if v := os.Getenv(reportDirEnv); v != "" {
		cfg.ReportDir = filepath.Join(v, fmt.Sprintf("chaos-%dn-%d", n, cfg.Seed))
	}
	return cfg
}

// runChaos runs cfg and fails the test if the suite itself failed.
func runChaos(t *testing.T, cfg Config) *report.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration+5*time.Minute)
	defer cancel()
	t.Logf("seed %d, %d nodes, schedule %v", cfg.Seed, cfg.Nodes, cfg.Duration)
	run, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("chaos run (seed %d): %v", cfg.Seed, err)
	}
	return run
}

// keepReport copies the report folder where it outlives the test and
// returns its path.
func keepReport(t *testing.T, cfg Config) string {
	t.Helper()
	dst := filepath.Join(os.TempDir(), fmt.Sprintf("flotilla-chaos-%d-%dn", cfg.Seed, cfg.Nodes))
	if err := os.RemoveAll(dst); err != nil {
		t.Logf("report not kept: %v", err)
		return cfg.ReportDir
	}
	if out, err := exec.Command("cp", "-r", cfg.ReportDir, dst).CombinedOutput(); err != nil {
		t.Logf("report not kept: %v\n%s", err, out)
		return cfg.ReportDir
	}
	return dst
}

// TestChaos runs the default workloads under every fault kind against a
// 3-node and a 5-node cluster, one after the other; every checker must
// find the history valid. It runs in parallel with
// TestChaosCatchesStaleReads only, which keeps the package within a few
// minutes.
func TestChaos(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("nodes=%d", n), func(t *testing.T) {
			cfg := testConfig(t, n, 60*time.Second)
			run := runChaos(t, cfg)
			summary := report.Summary(run)
			if !run.Valid() {
				t.Errorf("chaos run invalid; report kept in %s\n%s", keepReport(t, cfg), summary)
				return
			}
			t.Logf("\n%s", summary)
		})
	}
}

// TestChaosCatchesStaleReads runs nodes that serve every read from their
// own replica, unsafely, under partitions and latency: the register
// checker must find the history not linearizable, which shows the suite
// catches a real safety violation.
func TestChaosCatchesStaleReads(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, 3, 40*time.Second)
	cfg.ServeArgs = []string{"--unsafe-stale-reads"}
	cfg.Faults = []string{"partition", "latency"}
	run := runChaos(t, cfg)
	summary := report.Summary(run)
	register := workload.Register().Name()
	caught := false
	for _, r := range run.Results {
		caught = caught || (r.Checker == register && !r.Valid)
	}
	if run.Valid() || !caught {
		t.Fatalf("stale reads not caught by the %s checker (report kept in %s)\n%s", register, keepReport(t, cfg), summary)
	}
	t.Logf("caught, as it must be:\n%s", summary)
}
