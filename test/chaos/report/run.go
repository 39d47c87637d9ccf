package report

import (
	"sort"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/chaos/workload"
)

// Fault counts the faults of one kind injected during a run.
type Fault struct {
	Name  string
	Count int
}

// Run is everything a finished chaos run produced.
type Run struct {
	Seed     int64
	Nodes    int
	Duration time.Duration
	// Faults and ServeArgs are the run's nemesis kinds (empty: all) and
	// extra serve arguments, for the command that reproduces it.
	Faults    []string
	ServeArgs []string
	Ops       []history.Op
	Windows   []history.Window
	Results   []workload.Result
}

// Valid reports whether every checker found the history valid.
func (r *Run) Valid() bool {
	for _, res := range r.Results {
		if !res.Valid {
			return false
		}
	}
	return true
}

// FaultCounts counts windows by kind, the part of a window's name before
// its first space ("kill n2" is a "kill"), sorted by kind.
func FaultCounts(windows []history.Window) []Fault {
	counts := map[string]int{}
	for _, w := range windows {
		counts[faultKind(w.Name)]++
	}
	faults := make([]Fault, 0, len(counts))
	for name, n := range counts {
		faults = append(faults, Fault{Name: name, Count: n})
	}
	sort.Slice(faults, func(i, j int) bool { return faults[i].Name < faults[j].Name })
	return faults
}

func faultKind(window string) string {
	kind, _, _ := strings.Cut(strings.TrimSpace(window), " ")
	if kind == "" {
		return "unnamed"
	}
	return kind
}
