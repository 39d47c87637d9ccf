package ycsb

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Describe returns the one-line summary of a run's settings.
func (r *Report) Describe() string {
	loop := "closed loop"
	if r.Target > 0 {
		loop = fmt.Sprintf("open loop at %.0f ops/s", r.Target)
	}
	return fmt.Sprintf("workload %s (%s), %s distribution, %d clients, %s",
		r.Workload.Name, r.Workload.Description, r.Distribution, r.Clients, loop)
}

// WriteText prints the run's throughput and a row per operation kind with
// its count, rate, errors and latency percentiles, then the total.
func (r *Report) WriteText(w io.Writer) error {
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(w, "%s\n", r.Describe())
	fmt.Fprintf(w, "run: %d operations in %.2fs, %.1f ops/s, %d errors\n", r.Count(), secs, r.Throughput(), r.Errors())
	fmt.Fprintf(w, "%-18s %10s %10s %8s %10s %10s %10s %10s %10s\n",
		"op", "count", "ops/s", "errors", "p50", "p95", "p99", "p99.9", "max")
	for _, o := range r.Ops {
		writeRow(w, o.Op.String(), &o.Hist, o.Errors, secs)
	}
	writeRow(w, "TOTAL", r.Total(), r.Errors(), secs)
	if err := r.FirstErr(); err != nil {
		fmt.Fprintf(w, "first error: %v\n", err)
	}
	return nil
}

func writeRow(w io.Writer, name string, h *Histogram, errs uint64, secs float64) {
	q := func(p float64) time.Duration { return h.Quantile(p).Round(time.Microsecond) }
	fmt.Fprintf(w, "%-18s %10d %10.1f %8d %10v %10v %10v %10v %10v\n", name, h.Count(), float64(h.Count())/max(secs, 1e-9),
		errs, q(0.50), q(0.95), q(0.99), q(0.999), h.Max().Round(time.Microsecond))
}

// WriteCSV writes the per-second series: second, op, count, p50 and p99
// in microseconds.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"second", "op", "count", "p50_us", "p99_us"}); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, s := range r.Series {
		rec := []string{strconv.Itoa(s.Second), s.Op.String(), strconv.FormatUint(s.Count, 10),
			strconv.FormatInt(s.P50.Microseconds(), 10), strconv.FormatInt(s.P99.Microseconds(), 10)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// LoadText prints a load phase's outcome.
func (r *LoadReport) LoadText(w io.Writer) {
	fmt.Fprintf(w, "load: %d records in %.2fs, %.1f records/s\n", r.Records, r.Elapsed.Seconds(), r.Throughput())
}
