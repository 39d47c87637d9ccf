package host

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// TestStatusCountsLogWrites checks that a group's status reports its log
// writes and entries, as JSON logAppends and logEntries.
func TestStatusCountsLogWrites(t *testing.T) {
	h, _, _ := newHost(t)
	ctx := context.Background()
	h.Reconcile(ctx, Desired{Tables: []*schema.Table{table("mine", 1, "self")}, NextPartitionID: 2})
	r, ok := h.Replica(1)
	if !ok {
		t.Fatal("partition 1 not opened")
	}
	waitFor(t, "a leader", r.Group().IsLeader)
	before := h.Status()[0]
	const puts = 5
	for i := range puts {
		cmd := &partition.Command{Op: partition.OpPut, Item: attr.Item{"pk": attr.Str(strings.Repeat("k", i+1))}}
		if _, err := r.Apply(ctx, partition.EncodeCommand(cmd)); err != nil {
			t.Fatal(err)
		}
	}
	after := h.Status()[0]
	if after.LogEntries-before.LogEntries < puts || after.LogAppends-before.LogAppends < 1 ||
		after.LogAppends > after.LogEntries {
		t.Fatalf("status went from %d writes/%d entries to %d/%d after %d sequential puts",
			before.LogAppends, before.LogEntries, after.LogAppends, after.LogEntries, puts)
	}
	if got := after.EntriesPerAppend(); got < 1 {
		t.Errorf("EntriesPerAppend = %v, want at least 1", got)
	}
	if got := (Status{}).EntriesPerAppend(); got != 0 {
		t.Errorf("EntriesPerAppend of a group that never wrote = %v, want 0", got)
	}
	b, err := json.Marshal(after)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	if fields["logAppends"] != float64(after.LogAppends) || fields["logEntries"] != float64(after.LogEntries) {
		t.Errorf("JSON %s lacks logAppends %d and logEntries %d", b, after.LogAppends, after.LogEntries)
	}
}
