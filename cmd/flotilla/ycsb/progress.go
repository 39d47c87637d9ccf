package ycsb

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// plainEvery is how often a progress line is printed when the output is
// not a terminal.
const plainEvery = 10 * time.Second

// progress draws a phase's progress: a bar redrawn in place on a
// terminal, a plain line now and then otherwise. A nil *progress draws
// nothing. Only the goroutine that ticks it and, after that one has
// stopped, the phase's own goroutine call it.
type progress struct {
	w        io.Writer
	tty      bool
	label    string
	start    time.Time
	duration time.Duration
	unit     string // "ops" or "records"
	total    int64  // operations or records expected; 0: unknown
	count    func() uint64
	last     time.Time // of the last plain line
}

func newProgress(cfg *Config, label string, start time.Time, total int64, count func() uint64) *progress {
	if cfg.Progress == nil {
		return nil
	}
	d, unit := cfg.Duration, "ops"
	if label == "load" {
		d, unit = 0, "records"
	}
	return &progress{w: cfg.Progress, tty: cfg.ProgressTTY, label: label, start: start, duration: d,
		unit: unit, total: total, count: count, last: start}
}

// fraction returns how far the phase is, from 0 to 1, or -1 if unknown.
func (p *progress) fraction(now time.Time) float64 {
	f := -1.0
	if p.duration > 0 {
		f = float64(now.Sub(p.start)) / float64(p.duration)
	}
	if p.total > 0 {
		f = max(f, float64(p.count())/float64(p.total))
	}
	return min(f, 1)
}

func (p *progress) line(now time.Time) string {
	elapsed := now.Sub(p.start)
	n := p.count()
	rate := float64(n) / max(elapsed.Seconds(), 1e-9)
	head := p.label
	if f := p.fraction(now); f >= 0 {
		const width = 30
		done := int(f * width)
		head = fmt.Sprintf("%s [%s%s] %3.0f%%", p.label, strings.Repeat("=", done), strings.Repeat(" ", width-done), f*100)
	}
	return fmt.Sprintf("%s %6s %10d %s %9.0f %s/s", head, elapsed.Truncate(time.Second), n, p.unit, rate, p.unit)
}

func (p *progress) update(now time.Time) {
	if p == nil {
		return
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
		return
	}
	if now.Sub(p.last) >= plainEvery {
		p.last = now
		fmt.Fprintln(p.w, p.line(now))
	}
}

// finish clears the bar on a terminal.
func (p *progress) finish(now time.Time) {
	if p != nil && p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", p.line(now))
	}
}
