package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ycsb.TuneGC(os.Getenv)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "compare: %v\n", err)
		os.Exit(1)
	}
}

// settings are the comparison's parameters.
type settings struct {
	bins      binaries
	targets   []string
	workloads []string
	rounds    int
	records   int64
	itemSize  int
	clients   int
	duration  time.Duration
	workDir   string
	quiet     bool // no progress bars
	// curve lists the load levels, in percent of the closed-loop peak,
	// of the open-loop runs after each workload (ascending); empty: none.
	curve         []int
	curveDuration time.Duration
}

func parseSettings(args []string, getenv func(string) string, stderr io.Writer) (*settings, error) {
	s := &settings{}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.bins.flotilla, "flotilla", "bin/flotilla", "flotilla binary")
	fs.StringVar(&s.bins.nullserver, "nullserver", "bin/flotilla-nullserver", "test/bench/nullserver binary")
	fs.StringVar(&s.bins.dynalite, "dynalite", "", "dynalite executable (its npm bin script)")
	targets := fs.String("targets", envOr(getenv, "BENCH_TARGETS", strings.Join(targetNames, ",")), "targets in the order of odd rounds ($BENCH_TARGETS)")
	workloads := fs.String("workloads", envOr(getenv, "BENCH_WORKLOADS", "a,c"), "YCSB workloads to run on each target, in order ($BENCH_WORKLOADS; not e)")
	duration := fs.String("duration", envOr(getenv, "BENCH_DURATION", "20s"), "length of each workload run ($BENCH_DURATION)")
	fs.IntVar(&s.rounds, "rounds", 2, "rounds; even ones visit the targets in reverse order")
	fs.Int64Var(&s.records, "records", 10000, "records loaded into each target")
	fs.IntVar(&s.itemSize, "item-size", 1024, "approximate bytes per record")
	fs.IntVar(&s.clients, "clients", 16, "concurrent clients")
	fs.StringVar(&s.workDir, "work-dir", "", "directory for data and logs (default: a new temporary one, removed afterwards)")
	fs.BoolVar(&s.quiet, "quiet", false, "no progress bar")
	curve := fs.String("curve", getenv("BENCH_CURVE"), "after each workload, open-loop runs at these percentages of its closed-loop peak, e.g. 10,20,50 ($BENCH_CURVE; empty: none)")
	curveDuration := fs.String("curve-duration", envOr(getenv, "BENCH_CURVE_DURATION", "10s"), "length of each open-loop run of --curve ($BENCH_CURVE_DURATION)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if s.duration, err = time.ParseDuration(*duration); err != nil || s.duration <= 0 {
		return nil, fmt.Errorf("duration %q is not a positive duration", *duration)
	}
	if s.curve, err = parseCurve(*curve); err != nil {
		return nil, err
	}
	if s.curveDuration, err = time.ParseDuration(*curveDuration); err != nil || s.curveDuration <= 0 {
		return nil, fmt.Errorf("curve duration %q is not a positive duration", *curveDuration)
	}
	s.targets = splitList(*targets)
	s.workloads = splitList(*workloads)
	return s, s.check()
}

func (s *settings) check() error {
	for _, t := range s.targets {
		if !slices.Contains(targetNames, t) {
			return fmt.Errorf("unknown target %q (want %s)", t, strings.Join(targetNames, ", "))
		}
		if t == "dynalite" && s.bins.dynalite == "" {
			return errors.New("target dynalite needs --dynalite")
		}
	}
	for _, w := range s.workloads {
		wl, err := ycsb.WorkloadByName(w)
		if err != nil {
			return err
		}
		if wl.Ranged {
			return errors.New("workload e needs a table of its own; compare runs a, b, c, d and f")
		}
	}
	switch {
	case len(s.targets) == 0 || len(s.workloads) == 0:
		return errors.New("no targets or no workloads")
	case s.rounds < 1 || s.records < 1 || s.clients < 1 || s.itemSize < 0:
		return fmt.Errorf("rounds %d, records %d, clients %d and item size %d must be positive", s.rounds, s.records, s.clients, s.itemSize)
	}
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// run compares the targets and prints the table. Every server it started
// is stopped when it returns.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s, err := parseSettings(args, getenv, stderr)
	if err != nil {
		return err
	}
	if s.workDir == "" {
		if s.workDir, err = os.MkdirTemp("", "flotilla-compare-"); err != nil {
			return fmt.Errorf("work dir: %w", err)
		}
		defer os.RemoveAll(s.workDir)
	}
	f := &fleet{dir: s.workDir}
	defer f.stopAll(10 * time.Second)
	fmt.Fprintf(stdout, "%d rounds of targets %s; workloads %s, %v each; %d records of ~%d bytes; %d clients\n",
		s.rounds, strings.Join(s.targets, ","), strings.Join(s.workloads, ","), s.duration, s.records, s.itemSize, s.clients)
	if len(s.curve) > 0 {
		fmt.Fprintf(stdout, "latency curve: after each workload, open loop at %s of its peak, %v each\n", levelsText(s.curve), s.curveDuration)
	}
	var results []result
	var curves []curve
	for round := 1; round <= s.rounds; round++ {
		order := slices.Clone(s.targets)
		if round%2 == 0 {
			slices.Reverse(order)
		}
		for _, t := range order {
			rs, cs, err := s.runTarget(ctx, f, t, round, stdout, stderr)
			results = append(results, rs...)
			curves = append(curves, cs...)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", round, t, err)
			}
		}
	}
	fmt.Fprintln(stdout)
	printTable(stdout, summarize(results, s.targets, s.workloads), s.targets, s.workloads)
	printCurves(stdout, curves, s.targets, s.workloads)
	return nil
}

// runTarget starts target, loads it, runs every workload (each followed
// by its latency curve if s.curve asks for one) and stops it.
func (s *settings) runTarget(ctx context.Context, f *fleet, target string, round int, stdout, stderr io.Writer) ([]result, []curve, error) {
	defer f.stopAll(10 * time.Second)
	srv, err := launch(ctx, target, s.bins, f, filepath.Join(s.workDir, fmt.Sprintf("round%d-%s", round, target)))
	if err != nil {
		return nil, nil, err
	}
	clients := make([]*dynamodb.Client, len(srv.endpoints))
	for i, e := range srv.endpoints {
		c, err := ycsb.NewClient(e, (s.clients+len(srv.endpoints)-1)/len(srv.endpoints))
		if err != nil {
			return nil, nil, err
		}
		clients[i] = c
	}
	first, _ := ycsb.WorkloadByName(s.workloads[0])
	table := ycsb.NewTable("usertable", first, 1, false, clients)
	if err := table.Create(ctx); err != nil {
		return nil, nil, err
	}
	load, err := ycsb.Load(ctx, s.config(first, stderr), table.Store)
	if err != nil {
		return nil, nil, fmt.Errorf("load: %w", err)
	}
	fmt.Fprintf(stdout, "round %d %-8s load: %d records, %.0f records/s\n", round, target, load.Records, load.Throughput())
	var results []result
	var curves []curve
	for _, name := range s.workloads {
		w, _ := ycsb.WorkloadByName(name)
		r, _, err := s.measure(ctx, srv, table, s.config(w, stderr), stderr)
		if err != nil {
			return results, curves, err
		}
		r.target, r.round = target, round
		results = append(results, r)
		fmt.Fprintf(stdout, "round %d %-8s %s: %8.0f ops/s, p99 %v, server CPU %.1f µs/op, writes/fsync %s, %d errors\n",
			round, target, name, r.opsPerS, r.p99.Round(10*time.Microsecond), float64(r.cpu)/float64(time.Microsecond)/max(float64(r.ops), 1),
			perSyncOf(r), r.errors)
		if len(s.curve) == 0 {
			continue
		}
		c, err := s.measureCurve(ctx, srv, table, w, r, stdout, stderr)
		if len(c.points) > 0 {
			curves = append(curves, c)
		}
		if err != nil {
			return results, curves, err
		}
	}
	return results, curves, nil
}

func perSyncOf(r result) string {
	if !r.flotilla {
		return "-"
	}
	return r.log.perSync()
}

func (s *settings) config(w ycsb.Workload, stderr io.Writer) ycsb.Config {
	cfg := ycsb.Config{Workload: w, Records: s.records, Duration: s.duration, Clients: s.clients, ItemSize: s.itemSize,
		MaxScan: 100, Seed: 1}
	if !s.quiet {
		cfg.Progress, cfg.ProgressTTY = stderr, ycsb.IsTerminal(stderr)
	}
	return cfg
}

// measure runs one workload as cfg says (closed or open loop) and reads
// the server's CPU time and log counters around it. It also returns the
// run's report.
func (s *settings) measure(ctx context.Context, srv *server, table *ycsb.Table, cfg ycsb.Config, stderr io.Writer) (result, *ycsb.Report, error) {
	w := cfg.Workload
	r := result{workload: w.Name, flotilla: srv.flotilla}
	log0, err := srv.logCounters(ctx)
	if err != nil {
		return r, nil, err
	}
	cpu0, err := cpuOf(srv.procs)
	if err != nil {
		return r, nil, err
	}
	rep, err := ycsb.Run(ctx, cfg, table.Store)
	if err != nil {
		return r, nil, fmt.Errorf("run %s: %w", w.Name, err)
	}
	cpu1, err := cpuOf(srv.procs)
	if err != nil {
		return r, nil, err
	}
	log1, err := srv.logCounters(ctx)
	if err != nil {
		return r, nil, err
	}
	if err := srv.checkAlive(); err != nil {
		return r, nil, err
	}
	r.ops, r.errors, r.opsPerS = rep.Count(), rep.Errors(), rep.Throughput()
	r.p99 = rep.Total().Quantile(0.99)
	r.cpu = cpu1 - cpu0
	r.log = log1.sub(log0)
	if r.errors > 0 {
		fmt.Fprintf(stderr, "compare: %d errors, first: %v\n", r.errors, rep.FirstErr())
	}
	return r, rep, nil
}

// logCounters reads a flotilla target's Raft log counters.
func (s *server) logCounters(ctx context.Context) (logCounters, error) {
	if !s.flotilla {
		return logCounters{}, nil
	}
	return readLogCounters(ctx, s.endpoints)
}
