package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// logCounters are Raft log appends and the entries they wrote, summed
// over the groups of one or more nodes, and the write-ahead-log syncs of
// the nodes' shared Raft log stores. With a shared store, appends of
// different groups share WAL syncs, so the syncs are the fsyncs; with a
// log file per group (raft-boltdb) every append is its own.
type logCounters struct {
	appends  float64
	entries  float64
	walSyncs float64
	found    bool // the status reported the counters at all
}

func (c logCounters) add(o logCounters) logCounters {
	return logCounters{appends: c.appends + o.appends, entries: c.entries + o.entries, walSyncs: c.walSyncs + o.walSyncs, found: c.found && o.found}
}

func (c logCounters) sub(o logCounters) logCounters {
	return logCounters{appends: c.appends - o.appends, entries: c.entries - o.entries, walSyncs: c.walSyncs - o.walSyncs, found: c.found && o.found}
}

// parseLogCounters sums every "logAppends", "logEntries" and "walSyncs"
// number in a GET /admin/status document, wherever they are reported.
func parseLogCounters(b []byte) (logCounters, error) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return logCounters{}, fmt.Errorf("parse /admin/status: %w", err)
	}
	var c logCounters
	walk(doc, &c)
	return c, nil
}

func walk(v any, c *logCounters) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			n, isNum := x.(float64)
			switch {
			case k == "logAppends" && isNum:
				c.appends += n
				c.found = true
			case k == "logEntries" && isNum:
				c.entries += n
				c.found = true
			case k == "walSyncs" && isNum:
				c.walSyncs += n
			default:
				walk(x, c)
			}
		}
	case []any:
		for _, x := range v {
			walk(x, c)
		}
	}
}

// readLogCounters sums the counters of the nodes at endpoints. A node
// whose status lacks them makes the sum not found.
func readLogCounters(ctx context.Context, endpoints []string) (logCounters, error) {
	sum := logCounters{found: true}
	for _, e := range endpoints {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, e+"/admin/status", nil)
		if err != nil {
			return logCounters{}, fmt.Errorf("status of %s: %w", e, err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return logCounters{}, fmt.Errorf("status of %s: %w", e, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return logCounters{}, fmt.Errorf("status of %s: %w", e, err)
		}
		c, err := parseLogCounters(b)
		if err != nil {
			return logCounters{}, err
		}
		sum = sum.add(c)
	}
	return sum, nil
}

// perSync formats entries per fsync over a run: per WAL sync of a
// shared log store when there is one, else per append; "n/a" when the
// server does not report the counters and "-" when nothing was appended.
func (c logCounters) perSync() string {
	switch {
	case !c.found:
		return "n/a"
	case c.appends <= 0:
		return "-"
	case c.walSyncs > 0:
		return fmt.Sprintf("%.1f", c.entries/c.walSyncs)
	}
	return fmt.Sprintf("%.1f", c.entries/c.appends)
}
