package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos"
	"github.com/flotilla-db/flotilla/test/chaos/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command's flags.
type options struct {
	cfg       chaos.Config
	faults    string
	serveArgs string
	logLevel  string
}

// parseFlags parses args into options; the default seed is time-based.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.cfg.Nodes, "nodes", 3, "initial cluster size (3 or 5)")
	fs.IntVar(&o.cfg.Spares, "spares", 1, "extra node slots for the replace fault (0: none)")
	fs.DurationVar(&o.cfg.Duration, "duration", 10*time.Minute, "length of the fault schedule")
	fs.Int64Var(&o.cfg.Seed, "seed", time.Now().UnixNano(), "seed of the schedule (default: time-based)")
	fs.IntVar(&o.cfg.Clients, "clients", 0, "concurrent client processes (default: 2 per node)")
	fs.StringVar(&o.cfg.ReportDir, "report", "", "report folder (default: reports/chaos-<nodes>n-<seed>)")
	fs.StringVar(&o.faults, "faults", "", "comma-separated fault kinds (default: all): "+strings.Join(chaos.FaultKinds(), ","))
	fs.StringVar(&o.cfg.Binary, "binary", "bin/flotilla", "flotilla binary; built from ./cmd/flotilla if missing")
	fs.StringVar(&o.serveArgs, "serve-args", "", "extra `flotilla serve` arguments, space-separated (e.g. --unsafe-stale-reads)")
	fs.StringVar(&o.logLevel, "log-level", "info", "progress log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.cfg.Spares == 0 {
		o.cfg.Spares = -1 // chaos.Config reads 0 as the default
	}
	if o.cfg.ReportDir == "" {
		o.cfg.ReportDir = fmt.Sprintf("reports/chaos-%dn-%d", o.cfg.Nodes, o.cfg.Seed)
	}
	if o.faults != "" {
		o.cfg.Faults = strings.Split(o.faults, ",")
	}
	o.cfg.ServeArgs = strings.Fields(o.serveArgs)
	return o, nil
}

// run runs the suite and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(stderr, "chaos: invalid -log-level %q\n", o.logLevel)
		return 2
	}
	fmt.Fprintf(stdout, "chaos: seed %d, %d nodes, %v, report in %s\n", o.cfg.Seed, o.cfg.Nodes, o.cfg.Duration, o.cfg.ReportDir)
	o.cfg.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := ensureBinary(o.cfg.Binary, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	r, err := chaos.Run(ctx, o.cfg)
	if r != nil {
		fmt.Fprint(stdout, report.Summary(r))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	fmt.Fprintf(stdout, "report: %s\n", o.cfg.ReportDir)
	if !r.Valid() {
		return 1
	}
	return 0
}

// ensureBinary builds the flotilla binary at path from ./cmd/flotilla if
// there is none.
func ensureBinary(path string, stderr io.Writer) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	cmd := exec.Command("go", "build", "-o", path, "./cmd/flotilla")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("chaos: go build -o %s ./cmd/flotilla: %w", path, err)
	}
	return nil
}
