package report

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// Summary renders the run for a terminal: seed, size and duration; the
// verdict; ops by outcome and by kind; faults by kind; each checker's
// verdict and summary; and, for an invalid run, the command that
// reproduces it.
func Summary(r *Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "flotilla chaos run: seed %d, %d nodes, duration %v\n", r.Seed, r.Nodes, r.Duration)
	fmt.Fprintf(&b, "result: %s\n", verdict(r.Valid()))
	writeOps(&b, r.Ops)
	writeFaults(&b, r.Windows)
	writeResults(&b, r)
	if !r.Valid() {
		fmt.Fprintf(&b, "reproduce with: go run ./test/chaos/cmd/chaos -nodes %d -seed %d -duration %v", r.Nodes, r.Seed, r.Duration)
		if len(r.Faults) > 0 {
			fmt.Fprintf(&b, " -faults %s", strings.Join(r.Faults, ","))
		}
		if len(r.ServeArgs) > 0 {
			fmt.Fprintf(&b, " -serve-args %q", strings.Join(r.ServeArgs, " "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func verdict(valid bool) string {
	if valid {
		return "valid"
	}
	return "INVALID"
}

// outcomeCounts counts ops by outcome.
type outcomeCounts [3]int

func (c outcomeCounts) total() int { return c[history.OK] + c[history.Fail] + c[history.Unknown] }

func (c outcomeCounts) String() string {
	return fmt.Sprintf("ok %d\tfail %d\tunknown %d", c[history.OK], c[history.Fail], c[history.Unknown])
}

func (c *outcomeCounts) add(o history.Outcome) {
	if o >= history.OK && o <= history.Unknown {
		c[o]++
	}
}

func writeOps(b *strings.Builder, ops []history.Op) {
	var all outcomeCounts
	byKind := map[string]*outcomeCounts{}
	for _, op := range ops {
		all.add(op.Outcome)
		kind := op.Kind
		if op.Final {
			kind += " (final)"
		}
		if byKind[kind] == nil {
			byKind[kind] = &outcomeCounts{}
		}
		byKind[kind].add(op.Outcome)
	}
	fmt.Fprintf(b, "ops: %d (%s)\n", all.total(), strings.ReplaceAll(all.String(), "\t", ", "))
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, k := range kinds {
		fmt.Fprintf(tw, "  %s\t%v\n", k, *byKind[k])
	}
	tw.Flush()
}

func writeFaults(b *strings.Builder, windows []history.Window) {
	faults := FaultCounts(windows)
	if len(faults) == 0 {
		b.WriteString("faults: none\n")
		return
	}
	parts := make([]string, len(faults))
	for i, f := range faults {
		parts[i] = fmt.Sprintf("%s %d", f.Name, f.Count)
	}
	fmt.Fprintf(b, "faults: %d (%s)\n", len(windows), strings.Join(parts, ", "))
}

func writeResults(b *strings.Builder, r *Run) {
	b.WriteString("checkers:\n")
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, res := range r.Results {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", res.Checker, verdict(res.Valid), res.Summary)
	}
	tw.Flush()
	for _, res := range r.Results {
		if res.Valid {
			continue
		}
		for _, d := range res.Details {
			fmt.Fprintf(b, "    %s: %s\n", res.Checker, d)
		}
	}
}
