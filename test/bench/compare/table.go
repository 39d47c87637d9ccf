package main

import (
	"fmt"
	"io"
	"time"
)

// result is one run of one workload against one target.
type result struct {
	target   string
	workload string
	round    int
	ops      uint64
	errors   uint64
	opsPerS  float64
	p99      time.Duration
	cpu      time.Duration // the server's, over the run
	log      logCounters   // flotilla's Raft log counters over the run
	flotilla bool
}

// summary is a target's results for one workload over every round.
type summary struct {
	target, workload string
	opsPerS          float64 // mean over rounds
	p99              time.Duration
	cpuPerOp         time.Duration // total CPU / total operations
	errors           uint64
	log              logCounters
	flotilla         bool
}

// summarize averages results per target and workload, in the order of
// targets and workloads.
func summarize(results []result, targets, workloads []string) []summary {
	var out []summary
	for _, w := range workloads {
		for _, t := range targets {
			s := summary{target: t, workload: w, log: logCounters{found: true}}
			var n int
			var ops uint64
			var cpu, p99 time.Duration
			for _, r := range results {
				if r.target != t || r.workload != w {
					continue
				}
				n++
				s.opsPerS += r.opsPerS
				p99 += r.p99
				ops += r.ops
				cpu += r.cpu
				s.errors += r.errors
				s.log = s.log.add(r.log)
				s.flotilla = r.flotilla
			}
			if n == 0 {
				continue
			}
			s.opsPerS /= float64(n)
			s.p99 = p99 / time.Duration(n)
			if ops > 0 {
				s.cpuPerOp = cpu / time.Duration(ops)
			}
			out = append(out, s)
		}
	}
	return out
}

// find returns the summary of target for workload.
func find(sums []summary, target, workload string) (summary, bool) {
	for _, s := range sums {
		if s.target == target && s.workload == workload {
			return s, true
		}
	}
	return summary{}, false
}

func ratio(a, b float64) string {
	if b <= 0 || a <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// printTable prints the comparison: each target's throughput, p99 and
// server CPU per operation, their ratios to dynalite's, flotilla's
// writes per log sync, then the null endpoint's ceiling.
func printTable(w io.Writer, sums []summary, targets, workloads []string) {
	fmt.Fprintf(w, "%-9s %-3s %10s %10s %10s %8s %8s %8s %8s %7s\n",
		"target", "wl", "ops/s", "p99", "CPU µs/op", "thr/dyn", "p99/dyn", "CPU/dyn", "w/fsync", "errors")
	for _, s := range sums {
		dyn, ok := find(sums, "dynalite", s.workload)
		thr, p99, cpu := "-", "-", "-"
		if ok {
			thr = ratio(s.opsPerS, dyn.opsPerS)
			p99 = ratio(float64(s.p99), float64(dyn.p99))
			cpu = ratio(float64(s.cpuPerOp), float64(dyn.cpuPerOp))
		}
		perSync := ""
		if s.flotilla {
			perSync = s.log.perSync()
		}
		fmt.Fprintf(w, "%-9s %-3s %10.0f %10v %10.1f %8s %8s %8s %8s %7d\n", s.target, s.workload, s.opsPerS,
			s.p99.Round(10*time.Microsecond), float64(s.cpuPerOp)/float64(time.Microsecond), thr, p99, cpu, perSync, s.errors)
	}
	for _, wl := range workloads {
		null, ok := find(sums, "null", wl)
		if !ok || null.opsPerS <= 0 {
			continue
		}
		fmt.Fprintf(w, "ceiling (null endpoint), workload %s: %.0f ops/s;", wl, null.opsPerS)
		for _, t := range targets {
			if s, ok := find(sums, t, wl); ok && t != "null" {
				fmt.Fprintf(w, " %s %.0f%%", t, 100*s.opsPerS/null.opsPerS)
			}
		}
		fmt.Fprintln(w)
	}
}
