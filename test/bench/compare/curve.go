package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// parseCurve parses --curve: a comma-separated list of load levels in
// percent of the closed-loop peak, each a whole number from 1 to 100,
// without repeats. It returns them in ascending order; an empty or blank
// list turns the curve off (nil).
func parseCurve(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var levels []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "%"))
		p, err := strconv.Atoi(f)
		switch {
		case err != nil:
			return nil, fmt.Errorf("curve %q: level %q is not a whole number of percent", s, f)
		case p < 1 || p > 100:
			return nil, fmt.Errorf("curve %q: level %d%% is outside 1..100", s, p)
		case slices.Contains(levels, p):
			return nil, fmt.Errorf("curve %q: level %d%% is repeated", s, p)
		}
		levels = append(levels, p)
	}
	slices.Sort(levels)
	return levels, nil
}

// levelsText describes the levels: "10%..80%", or "50%" for one.
func levelsText(levels []int) string {
	if len(levels) == 0 {
		return "-"
	}
	first, last := levels[0], levels[len(levels)-1]
	if first == last {
		return fmt.Sprintf("%d%%", first)
	}
	return fmt.Sprintf("%d%%..%d%%", first, last)
}

// opLatency is one operation type's latency percentiles at one level, of
// the operations that succeeded.
type opLatency struct {
	op       ycsb.Op
	count    uint64
	p50, p99 time.Duration
}

// curvePoint is one open-loop run of a curve.
type curvePoint struct {
	percent  int
	offered  float64 // the target rate, ops/s
	achieved float64 // successful ops/s
	ops      uint64  // successful operations
	errors   uint64
	lat      []opLatency // per operation type, in report order
	total    opLatency   // every operation type together
	cpu      time.Duration
	log      logCounters
}

// cpuPerOp returns the server's CPU time per successful operation in
// microseconds.
func (p curvePoint) cpuPerOp() float64 {
	return float64(p.cpu) / float64(time.Microsecond) / max(float64(p.ops), 1)
}

// latencyOf returns the latencies of op at this level.
func (p curvePoint) latencyOf(op ycsb.Op) (opLatency, bool) {
	for _, l := range p.lat {
		if l.op == op {
			return l, true
		}
	}
	return opLatency{}, false
}

// curve is one target's latency curve for one workload in one round.
type curve struct {
	target, workload string
	round            int
	peak             float64 // closed-loop ops/s the levels are percentages of
	duration         time.Duration
	flotilla         bool
	points           []curvePoint // in ascending percent
}

// measureCurve runs workload w open loop at each level of s.curve, a
// percentage of the closed-loop throughput in peak, on the running server
// and its loaded table.
func (s *settings) measureCurve(ctx context.Context, srv *server, table *ycsb.Table, w ycsb.Workload, peak result,
	stdout, stderr io.Writer) (curve, error) {
	c := curve{target: peak.target, workload: w.Name, round: peak.round, peak: peak.opsPerS, duration: s.curveDuration,
		flotilla: srv.flotilla}
	if peak.opsPerS <= 0 {
		fmt.Fprintf(stdout, "round %d %-8s %s: no closed-loop throughput, so no curve\n", peak.round, peak.target, w.Name)
		return c, nil
	}
	for _, pct := range s.curve {
		cfg := s.config(w, stderr)
		cfg.Target = float64(pct) * peak.opsPerS / 100
		cfg.Duration = s.curveDuration
		r, rep, err := s.measure(ctx, srv, table, cfg, stderr)
		if err != nil {
			return c, fmt.Errorf("curve at %d%%: %w", pct, err)
		}
		p := pointOf(pct, cfg.Target, r, rep)
		c.points = append(c.points, p)
		fmt.Fprintf(stdout, "round %d %-8s %s at %3d%%: offered %8.0f ops/s, achieved %8.0f ops/s, p50 %v, p99 %v, %d errors\n",
			peak.round, peak.target, w.Name, pct, p.offered, p.achieved, latText(p.total.p50), latText(p.total.p99), p.errors)
	}
	return c, nil
}

// pointOf makes the curve point of one open-loop run.
func pointOf(percent int, offered float64, r result, rep *ycsb.Report) curvePoint {
	p := curvePoint{percent: percent, offered: offered, achieved: r.opsPerS, ops: r.ops, errors: r.errors, cpu: r.cpu, log: r.log}
	for _, o := range rep.Ops {
		p.lat = append(p.lat, latencyOf(o.Op, &o.Hist))
	}
	p.total = latencyOf(-1, rep.Total())
	return p
}

func latencyOf(op ycsb.Op, h *ycsb.Histogram) opLatency {
	return opLatency{op: op, count: h.Count(), p50: h.Quantile(0.50), p99: h.Quantile(0.99)}
}

// latText formats a latency as the main table does; "-" for none.
func latText(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return d.Round(10 * time.Microsecond).String()
}

// p99Spread returns the lowest and highest of p99s and their spread
// around the median: the largest distance of any of them from the median,
// in percent of the median (0 if the median is 0). ok is false if p99s is
// empty.
func p99Spread(p99s []time.Duration) (lo, hi time.Duration, spread float64, ok bool) {
	if len(p99s) == 0 {
		return 0, 0, 0, false
	}
	sorted := slices.Clone(p99s)
	slices.Sort(sorted)
	lo, hi = sorted[0], sorted[len(sorted)-1]
	n := len(sorted)
	median := float64(sorted[n/2])
	if n%2 == 0 {
		median = (float64(sorted[n/2-1]) + float64(sorted[n/2])) / 2
	}
	if median <= 0 {
		return lo, hi, 0, true
	}
	spread = max(float64(hi)-median, median-float64(lo)) / median * 100
	return lo, hi, spread, true
}

// printCurves prints a table per target, workload and round, in the order
// of targets, workloads and rounds: a row per level with the offered and
// achieved rates, p50 and p99 per operation type and of all together
// (TOTAL), the server's CPU per operation, flotilla's writes per log
// sync, and errors. Each round's curve is printed separately, not
// averaged: a curve is read against the peak measured just before it,
// which differs between rounds. Below each table it prints how much the
// TOTAL p99 varies over the levels and, if 50% is a level, every
// operation type's p99 there.
func printCurves(w io.Writer, curves []curve, targets, workloads []string) {
	for _, t := range targets {
		for _, wl := range workloads {
			for _, c := range curves {
				if c.target == t && c.workload == wl && len(c.points) > 0 {
					printCurve(w, c)
				}
			}
		}
	}
}

func printCurve(w io.Writer, c curve) {
	var ops []ycsb.Op
	for _, p := range c.points {
		for _, l := range p.lat {
			if !slices.Contains(ops, l.op) {
				ops = append(ops, l.op)
			}
		}
	}
	slices.Sort(ops)
	fmt.Fprintf(w, "\nlatency curve: %s, workload %s, round %d; closed-loop peak %.0f ops/s; %v per level, open loop\n",
		c.target, c.workload, c.round, c.peak, c.duration)
	type column struct {
		name  string
		width int
	}
	cols := []column{{"level", 5}, {"offered", 9}, {"achieved", 9}}
	names := make([]string, 0, len(ops)+1)
	for _, op := range ops {
		names = append(names, op.String())
	}
	names = append(names, "TOTAL")
	for _, n := range names {
		for _, q := range []string{" p50", " p99"} {
			cols = append(cols, column{n + q, max(10, len(n+q))})
		}
	}
	cols = append(cols, column{"CPU µs/op", 10})
	if c.flotilla {
		cols = append(cols, column{"w/fsync", 8})
	}
	cols = append(cols, column{"errors", 7})
	cells := make([]string, len(cols))
	row := func() {
		for i, col := range cols {
			if i > 0 {
				fmt.Fprint(w, " ")
			}
			fmt.Fprintf(w, "%*s", col.width, cells[i])
		}
		fmt.Fprintln(w)
	}
	for i, col := range cols {
		cells[i] = col.name
	}
	row()
	var p99s []time.Duration
	for _, p := range c.points {
		cells = cells[:0]
		cells = append(cells, fmt.Sprintf("%d%%", p.percent), fmt.Sprintf("%.0f", p.offered), fmt.Sprintf("%.0f", p.achieved))
		for _, op := range ops {
			l, _ := p.latencyOf(op)
			cells = append(cells, latText(l.p50), latText(l.p99))
		}
		cells = append(cells, latText(p.total.p50), latText(p.total.p99), fmt.Sprintf("%.1f", p.cpuPerOp()))
		if c.flotilla {
			cells = append(cells, p.log.perSync())
		}
		cells = append(cells, strconv.FormatUint(p.errors, 10))
		row()
		if p.total.count > 0 {
			p99s = append(p99s, p.total.p99)
		}
	}
	levels := make([]int, len(c.points))
	for i, p := range c.points {
		levels[i] = p.percent
	}
	if lo, hi, spread, ok := p99Spread(p99s); ok {
		fmt.Fprintf(w, "p99 across %s: min %s, max %s, spread %.0f%% around the median\n", levelsText(levels), latText(lo), latText(hi), spread)
	} else {
		fmt.Fprintf(w, "p99 across %s: no successful operations\n", levelsText(levels))
	}
	for _, p := range c.points {
		if p.percent != 50 || len(p.lat) == 0 {
			continue
		}
		var parts []string
		for _, l := range p.lat {
			if l.count > 0 {
				parts = append(parts, fmt.Sprintf("%s p99 %s", l.op, latText(l.p99)))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "at 50%% of peak: %s\n", strings.Join(parts, ", "))
		}
	}
}
