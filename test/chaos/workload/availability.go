package workload

import (
	"fmt"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// Availability returns a checker that reports, for each fault window and
// overall, the fraction of client ops (final reads excluded) that completed
// OK, and over all windows where a majority stayed connected and running.
// It never fails a run: its Result is always Valid. windows is called at
// Check time.
func Availability(windows func() []history.Window) Checker {
	return availability{windows: windows}
}

type availability struct {
	windows func() []history.Window
}

func (availability) Name() string { return "availability" }

// tally counts ops by outcome.
type tally struct{ ok, total int }

func (t *tally) add(op history.Op) {
	t.total++
	if op.Outcome == history.OK {
		t.ok++
	}
}

func (t tally) String() string {
	if t.total == 0 {
		return "no ops"
	}
	return fmt.Sprintf("%d/%d ok (%.1f%%)", t.ok, t.total, 100*float64(t.ok)/float64(t.total))
}

func (a availability) Check(ops []history.Op) Result {
	var windows []history.Window
	if a.windows != nil {
		windows = a.windows()
	}
	var overall, majority tally
	per := make([]tally, len(windows))
	for _, op := range ops {
		if op.Final {
			continue
		}
		overall.add(op)
		inMajority := false
		for i, w := range windows {
			if op.Start >= w.Start && op.Start < w.End {
				per[i].add(op)
				inMajority = inMajority || w.Majority
			}
		}
		if inMajority {
			majority.add(op)
		}
	}
	res := Result{Checker: a.Name(), Valid: true}
	res.Summary = fmt.Sprintf("overall %v; during faults that left a majority connected %v", overall, majority)
	var lines anomalies
	for i, w := range windows {
		side := "minority"
		if w.Majority {
			side = "majority"
		}
		lines.add(fmt.Sprintf("%s [%v, %v] %s: %v", w.Name, w.Start.Round(time.Millisecond), w.End.Round(time.Millisecond), side, per[i]))
	}
	res.Details = lines.details()
	return res
}
