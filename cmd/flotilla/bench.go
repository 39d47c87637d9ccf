package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// benchFlags are the flags of `flotilla bench`. Without --workload it runs
// the put/get/cget phases of --ops; with it, a YCSB core workload.
type benchFlags struct {
	endpoints  []string // URLs or host:port; client i uses endpoints[i%len]
	consistent bool     // GetItem (and Query) with ConsistentRead
	clients    int
	duration   time.Duration
	itemSize   int
	ops        []string
	table      string
	keep       bool
	cpuProfile string     // file for the client's own CPU profile, or ""
	ycsb       *ycsbFlags // nil without --workload
}

// ycsbFlags are the flags that only a YCSB workload uses.
type ycsbFlags struct {
	workload     ycsb.Workload
	phase        string // load, run or both
	records      int64
	operations   int64
	distribution ycsb.Distribution
	target       float64
	maxScan      int
	buckets      int
	seed         uint64
	csv          string
	html         string
}

// ycsbOnly names the flags that need --workload.
var ycsbOnly = []string{"phase", "records", "operations", "distribution", "target", "scan-length", "buckets", "seed", "csv", "html"}

func parseBench(args []string, stderr io.Writer) (*benchFlags, error) {
	f := &benchFlags{}
	y := &ycsbFlags{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "URL or host:port of a running flotilla (this or --endpoints is required)")
	endpoints := fs.String("endpoints", "", "comma-separated URLs or host:ports of cluster nodes; the clients are spread over them")
	fs.BoolVar(&f.consistent, "consistent", false, "strongly consistent reads (ConsistentRead) in every get phase, or in the workload's reads and scans")
	fs.IntVar(&f.clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "length of each phase (with --workload: of the run phase)")
	fs.IntVar(&f.itemSize, "item-size", 1024, "payload bytes per item (with --workload: approximate item size, shared by ten fields)")
	ops := fs.String("ops", "put,get", "phases to run, in order: put, get, cget (consistent get); not with --workload")
	fs.StringVar(&f.table, "table", "", "table to use (default: a new table, deleted afterwards; with --workload and --phase load or run: usertable, or usertable-e for workload e)")
	fs.BoolVar(&f.keep, "keep", false, "keep the table afterwards")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write the benchmark client's own CPU profile (pprof) to this file")
	workload := fs.String("workload", "", "YCSB core workload a..f instead of the --ops phases")
	fs.StringVar(&y.phase, "phase", "both", "YCSB phase: load (create the table and write --records), run, or both")
	fs.Int64Var(&y.records, "records", 10000, "YCSB records loaded, and the key space of the run")
	fs.Int64Var(&y.operations, "operations", 0, "YCSB run: stop after this many operations (then --duration only bounds it if given)")
	dist := fs.String("distribution", "", "YCSB request distribution: zipfian, uniform or latest (default: the workload's)")
	fs.Float64Var(&y.target, "target", 0, "YCSB run: operations per second, open loop (latency from each operation's due time); 0: closed loop")
	fs.IntVar(&y.maxScan, "scan-length", 100, "YCSB workload e: a scan reads 1..N items (uniform)")
	fs.IntVar(&y.buckets, "buckets", 8, "YCSB workload e: number of hash keys (buckets) of the table")
	fs.Uint64Var(&y.seed, "seed", 1, "YCSB random seed")
	fs.StringVar(&y.csv, "csv", "", "YCSB run: write per-second rows (second, op, count, p50, p99) to this file")
	fs.StringVar(&y.html, "html", "", "YCSB run: write a latency-over-time plot (HTML with inline SVG) to this file")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: flotilla bench --endpoint URL | --endpoints URL,URL,... [--workload a..f] [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if err := f.parseEndpoints(*endpoint, *endpoints, fs); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	if *workload == "" {
		return f, f.parseOps(*ops, set)
	}
	if set["ops"] {
		return nil, usagef("--ops and --workload are mutually exclusive")
	}
	if err := y.check(*workload, *dist, set); err != nil {
		return nil, err
	}
	if y.operations > 0 && !set["duration"] {
		f.duration = 0
	}
	f.ycsb = y
	return f, nil
}

func (f *benchFlags) parseEndpoints(endpoint, endpoints string, fs *flag.FlagSet) error {
	switch {
	case endpoint != "" && endpoints != "":
		return usagef("--endpoint and --endpoints are mutually exclusive")
	case endpoint != "":
		f.endpoints = []string{endpoint}
	case endpoints != "":
		for _, e := range strings.Split(endpoints, ",") {
			if e = strings.TrimSpace(e); e == "" {
				return usagef("empty address in --endpoints %q", endpoints)
			}
			f.endpoints = append(f.endpoints, e)
		}
	default:
		fs.Usage()
		return usagef("--endpoint is required")
	}
	return nil
}

func (f *benchFlags) check() error {
	switch {
	case f.clients < 1 || f.clients > 4096:
		return usagef("--clients %d is not between 1 and 4096", f.clients)
	case f.duration <= 0:
		return usagef("--duration %v is not positive", f.duration)
	case f.itemSize < 0 || f.itemSize > 390_000:
		return usagef("--item-size %d is not between 0 and 390000", f.itemSize)
	}
	return nil
}

// parseOps checks the put/get/cget phases and that no YCSB flag is set.
func (f *benchFlags) parseOps(ops string, set map[string]bool) error {
	for _, name := range ycsbOnly {
		if set[name] {
			return usagef("--%s needs --workload", name)
		}
	}
	for _, op := range strings.Split(ops, ",") {
		if op != "put" && op != "get" && op != "cget" {
			return usagef("unknown op %q in --ops (want put, get, cget)", op)
		}
		f.ops = append(f.ops, op)
	}
	return nil
}

func (y *ycsbFlags) check(workload, dist string, set map[string]bool) error {
	w, err := ycsb.WorkloadByName(workload)
	if err != nil {
		return usagef("--workload: %v", err)
	}
	y.workload = w
	if dist != "" {
		if y.distribution, err = ycsb.ParseDistribution(dist); err != nil {
			return usagef("--distribution: %v", err)
		}
	}
	switch {
	case y.phase != "load" && y.phase != "run" && y.phase != "both":
		return usagef("--phase %q is not load, run or both", y.phase)
	case y.records < 1:
		return usagef("--records %d is below 1", y.records)
	case y.operations < 0:
		return usagef("--operations %d is negative", y.operations)
	case y.target < 0:
		return usagef("--target %v is negative", y.target)
	case y.maxScan < 1:
		return usagef("--scan-length %d is below 1", y.maxScan)
	case y.buckets < 1:
		return usagef("--buckets %d is below 1", y.buckets)
	case y.phase == "load" && (set["operations"] || set["target"] || set["csv"] || set["html"]):
		return usagef("--operations, --target, --csv and --html need a run phase (--phase run or both)")
	}
	return nil
}

// connsFor returns how many connections endpoint i needs: it serves
// clients i, i+len, ...
func connsFor(f *benchFlags, i int) int {
	return max((f.clients+len(f.endpoints)-1-i)/len(f.endpoints), 1)
}

// runBench runs the put/get/cget phases or a YCSB workload. An interrupted
// run still deletes the table it created.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ycsb.TuneGC(os.Getenv)
	if f.cpuProfile != "" {
		out, err := os.Create(f.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if f.ycsb != nil {
		return runYCSB(ctx, f, stdout, stderr)
	}
	return runPhases(ctx, f, stdout, stderr)
}
