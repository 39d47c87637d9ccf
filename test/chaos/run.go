package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/chaos/netfault"
	"github.com/flotilla-db/flotilla/test/chaos/report"
	"github.com/flotilla-db/flotilla/test/chaos/workload"
)

// Bounds of the phases around the fault schedule.
const (
	setupTimeout   = 60 * time.Second
	recoverTimeout = 90 * time.Second
	// finalTimeout bounds one workload's final reads. A 10-minute run
	// leaves the durability workload some 30,000 keys to read back, which
	// takes over a minute on a loaded 2-core machine.
	finalTimeout = 5 * time.Minute
	pollInterval = 500 * time.Millisecond
)

// tablePrefix prefixes the name of every workload's table.
const tablePrefix = "chaos"

// Run starts a cluster as cfg describes, drives the workloads against it
// under the nemesis for cfg.Duration, heals it, waits for it to recover,
// runs the final reads and every checker, writes the report folder to
// cfg.ReportDir and returns the run. The error is non-nil only when the
// suite itself could not do its work (the cluster never formed, the
// report could not be written, ...); the checkers' verdicts are in the
// returned run. Every process Run starts is gone when it returns.
func Run(ctx context.Context, cfg Config) (*report.Run, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.Binary); err != nil {
		return nil, fmt.Errorf("chaos: flotilla binary: %w", err)
	}
	r := &runner{cfg: cfg, log: cfg.Log}
	defer r.close()
	if err := r.start(ctx); err != nil {
		return nil, err
	}
	run := r.run(ctx)
	if err := report.Write(cfg.ReportDir, run); err != nil {
		return run, fmt.Errorf("chaos: write report: %w", err)
	}
	r.writeLinkStats()
	r.log.Info("chaos run finished", slog.Bool("valid", run.Valid()), slog.String("report", cfg.ReportDir))
	return run, nil
}

// runner holds the parts of one run.
type runner struct {
	cfg       Config
	log       *slog.Logger
	dataDir   string
	net       *netfault.Network
	cluster   *cluster
	rec       *history.Recorder
	env       *workload.Env
	nemesis   *nemesis
	workloads []workload.Workload
	checkers  []workload.Checker
	transport []*http.Transport
}

// start allocates the slots and proxies, starts the initial nodes, builds
// the clients and sets the workloads up.
func (r *runner) start(ctx context.Context) error {
	if err := os.MkdirAll(r.cfg.ReportDir, 0o755); err != nil {
		return fmt.Errorf("chaos: report dir: %w", err)
	}
	dir, err := os.MkdirTemp("", "flotilla-data-chaos-")
	if err != nil {
		return fmt.Errorf("chaos: data dir: %w", err)
	}
	r.dataDir = dir
	r.net = netfault.NewNetwork(r.cfg.Seed, r.log.With(slog.String("component", "netfault")))
	// Node logs go to the report folder, data to the temporary directory.
	r.cluster, err = newCluster(dir, filepath.Join(r.cfg.ReportDir, "logs"), r.cfg.Nodes, r.cfg.Spares,
		r.cfg.Binary, r.cfg.ServeArgs, r.net, r.log)
	if err != nil {
		return err
	}
	r.log.Info("starting cluster", slog.Int("nodes", r.cfg.Nodes), slog.Int("spares", r.cfg.Spares), slog.Int64("seed", r.cfg.Seed))
	if err := r.cluster.startInitial(ctx); err != nil {
		return err
	}
	r.rec = history.NewRecorder()
	r.env = &workload.Env{Recorder: r.rec, Table: tablePrefix}
	for i := 1; i <= r.cluster.Size(); i++ {
		tr := &http.Transport{MaxIdleConnsPerHost: r.cfg.Clients}
		r.transport = append(r.transport, tr)
		r.env.Clients = append(r.env.Clients, newClient(r.cluster.HTTPAddr(i), tr))
	}
	r.nemesis = newNemesis(r.cluster, r.net, r.rec, r.cfg.Seed, r.cfg.Faults, r.cfg.Spares, r.log)
	r.workloads, r.checkers = workload.All(r.nemesis.Windows)
	return r.setup(ctx)
}

// setup runs every workload's Setup, retrying each until it succeeds
// within setupTimeout.
func (r *runner) setup(ctx context.Context) error {
	for _, w := range r.workloads {
		if err := poll(ctx, setupTimeout, func() error { return w.Setup(ctx, r.env) }); err != nil {
			return fmt.Errorf("chaos: set up workload %s: %w", w.Name(), err)
		}
	}
	return nil
}

// run drives the clients under the nemesis, heals, recovers, reads the
// final state and checks the history.
func (r *runner) run(ctx context.Context) *report.Run {
	cs := &clients{env: r.env, workloads: r.workloads, members: r.cluster.Members, seed: r.cfg.Seed}
	r.log.Info("schedule starts", slog.Duration("duration", r.cfg.Duration), slog.Int("clients", r.cfg.Clients))
	cs.start(ctx, r.cfg.Clients)
	r.nemesis.Run(ctx, r.cfg.Duration)
	cs.stop()
	r.log.Info("schedule over; healing")
	var results []workload.Result
	results = append(results, r.recover(ctx))
	r.writeStatuses(ctx)
	results = append(results, r.final(ctx)...)
	ops := r.rec.Ops()
	r.log.Info("checking", slog.Int("ops", len(ops)))
	for _, w := range r.workloads {
		results = append(results, w.Check(ops))
	}
	for _, c := range r.checkers {
		results = append(results, c.Check(ops))
	}
	return &report.Run{Seed: r.cfg.Seed, Nodes: r.cfg.Nodes, Duration: r.cfg.Duration,
		Faults: r.cfg.Faults, ServeArgs: r.cfg.ServeArgs, Ops: ops, Windows: r.nemesis.Windows(), Results: results}
}

// recover heals every fault and waits until the cluster is healthy; its
// result says how long that took, or what stayed unhealthy.
func (r *runner) recover(ctx context.Context) workload.Result {
	start := time.Now()
	hctx, cancel := context.WithTimeout(ctx, recoverTimeout)
	defer cancel()
	healErr := r.nemesis.healAll(hctx)
	err := poll(hctx, recoverTimeout, func() error { return r.cluster.Healthy(hctx) })
	if err == nil {
		took := time.Since(start).Round(100 * time.Millisecond)
		r.log.Info("cluster healthy", slog.Duration("after", took))
		return workload.Result{Checker: "recovery", Valid: true, Summary: fmt.Sprintf("healthy %v after healing", took)}
	}
	res := workload.Result{Checker: "recovery", Valid: false,
		Summary: fmt.Sprintf("cluster not healthy %v after healing", recoverTimeout)}
	for _, e := range []error{healErr, err} {
		if e != nil {
			res.Details = append(res.Details, e.Error())
		}
	}
	r.log.Warn("cluster did not recover", slog.Any("err", errors.Join(healErr, err)))
	return res
}

// final runs every workload's final reads; a workload whose reads did not
// all succeed gets a failed "final" result.
func (r *runner) final(ctx context.Context) []workload.Result {
	var out []workload.Result
	for _, w := range r.workloads {
		fctx, cancel := context.WithTimeout(ctx, finalTimeout)
		err := w.Final(fctx, r.env)
		cancel()
		if err != nil {
			out = append(out, workload.Result{Checker: "final-" + w.Name(), Valid: false,
				Summary: fmt.Sprintf("final reads of %s did not complete within %v", w.Name(), finalTimeout),
				Details: []string{err.Error()}})
		}
	}
	return out
}

// writeLinkStats writes the proxies' counters to links.json in the report
// folder; failing to do so is only logged.
func (r *runner) writeLinkStats() {
	stats := map[string]netfault.LinkStats{}
	for l, s := range r.net.Stats() {
		stats[fmt.Sprintf("n%d->n%d", l.From, l.To)] = s
	}
	b, err := json.MarshalIndent(stats, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(r.cfg.ReportDir, "links.json"), append(b, '\n'), 0o644)
	}
	if err != nil {
		r.log.Warn("link stats not written", slog.Any("err", err))
	}
}

// writeStatuses writes every alive member's /admin/status, as it is once
// the cluster recovered or gave up, to status-n<i>.json in the report
// folder; failing to do so is only logged.
func (r *runner) writeStatuses(ctx context.Context) {
	for _, i := range r.cluster.Members() {
		if !r.cluster.Alive(i) {
			continue
		}
		b, err := r.cluster.request(ctx, i, http.MethodGet, "/admin/status", nil)
		if err == nil {
			err = os.WriteFile(filepath.Join(r.cfg.ReportDir, fmt.Sprintf("status-n%d.json", i)), b, 0o644)
		}
		if err != nil {
			r.log.Warn("node status not written", slog.Int("node", i), slog.Any("err", err))
		}
	}
}

// close stops every process and proxy and removes the data directories.
func (r *runner) close() {
	if r.cluster != nil {
		if err := r.cluster.Close(); err != nil {
			r.log.Warn("cluster close", slog.Any("err", err))
		}
	}
	if r.net != nil {
		if err := r.net.Close(); err != nil {
			r.log.Warn("network close", slog.Any("err", err))
		}
	}
	for _, tr := range r.transport {
		tr.CloseIdleConnections()
	}
	if r.dataDir != "" {
		if err := os.RemoveAll(r.dataDir); err != nil {
			r.log.Warn("data dir not removed", slog.Any("err", err))
		}
	}
}

// poll calls f until it returns nil, ctx ends or timeout passes, pausing
// pollInterval between calls; it returns f's last error.
func poll(ctx context.Context, timeout time.Duration, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := f()
		if err == nil {
			return nil
		}
		t := time.NewTimer(pollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("after %v: %w", timeout, err)
		case <-t.C:
		}
	}
}
