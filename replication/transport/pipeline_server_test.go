package transport

import (
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// TestPipelineMergesQueuedAppends holds the receiving Raft on the first
// request while the sender pipelines the rest: the requests that queued
// up reach Raft as fewer, merged appends carrying every entry in order,
// and every future still succeeds, in order.
func TestPipelineMergesQueuedAppends(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	gate := make(chan struct{})
	var (
		mu      sync.Mutex
		calls   int
		entries []uint64
		commit  uint64
	)
	serve(t, b.Group("g"), func(rpc raft.RPC) {
		req := rpc.Command.(*raft.AppendEntriesRequest)
		<-gate
		mu.Lock()
		calls++
		for _, e := range req.Entries {
			entries = append(entries, e.Index)
		}
		commit = req.LeaderCommitIndex
		mu.Unlock()
		last := req.PrevLogEntry
		if n := len(req.Entries); n > 0 {
			last = req.Entries[n-1].Index
		}
		rpc.Respond(&raft.AppendEntriesResponse{Term: req.Term, LastLog: last, Success: true}, nil)
	})
	p, err := a.Group("g").AppendEntriesPipeline("b", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	const n = 20
	for i := range n {
		req := &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 2, PrevLogEntry: uint64(i), PrevLogTerm: 2,
			Entries: []*raft.Log{{Index: uint64(i + 1), Term: 2}}, LeaderCommitIndex: uint64(i)}
		if i == 0 {
			req.PrevLogTerm = 0
		}
		if _, err := p.AppendEntries(req, &raft.AppendEntriesResponse{}); err != nil {
			t.Fatal(err)
		}
	}
	close(gate)
	timeout := time.After(10 * time.Second)
	for i := range n {
		select {
		case f := <-p.Consumer():
			if err := f.Error(); err != nil {
				t.Fatalf("future %d: %v", i, err)
			}
			if f.Request().PrevLogEntry != uint64(i) || !f.Response().Success || f.Response().LastLog < uint64(i+1) {
				t.Fatalf("future %d: request prev %d, response %+v", i, f.Request().PrevLogEntry, f.Response())
			}
		case <-timeout:
			t.Fatalf("only %d of %d futures completed", i, n)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(entries) != n {
		t.Fatalf("raft saw entries %v, want 1..%d", entries, n)
	}
	for i, idx := range entries {
		if idx != uint64(i+1) {
			t.Fatalf("raft saw entries %v, want 1..%d in order", entries, n)
		}
	}
	if calls >= n {
		t.Fatalf("raft handled %d appends for %d queued requests; want them merged", calls, n)
	}
	if commit != n-1 {
		t.Fatalf("last append carried commit index %d, want %d", commit, n-1)
	}
	t.Logf("%d requests reached raft as %d appends", n, calls)
}

// TestContinues: only an append that picks up where the last one ended,
// in the same term from the same leader, is merged into it.
func TestContinues(t *testing.T) {
	base := &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 4, PrevLogTerm: 2,
		Entries: []*raft.Log{{Index: 5, Term: 3}, {Index: 6, Term: 3}}}
	empty := &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 6, PrevLogTerm: 3}
	tests := []struct {
		name string
		a, b *raft.AppendEntriesRequest
		want bool
	}{
		{"next", base, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 6, PrevLogTerm: 3, Entries: []*raft.Log{{Index: 7, Term: 3}}}, true},
		{"commit only", base, empty, true},
		{"after an empty append", empty, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 6, PrevLogTerm: 3}, true},
		{"gap", base, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 7, PrevLogTerm: 3}, false},
		{"overlap", base, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 5, PrevLogTerm: 3}, false},
		{"other prev term", base, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 3, PrevLogEntry: 6, PrevLogTerm: 2}, false},
		{"new term", base, &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4, PrevLogEntry: 6, PrevLogTerm: 3}, false},
		{"other leader", base, &raft.AppendEntriesRequest{RPCHeader: header("b"), Term: 3, PrevLogEntry: 6, PrevLogTerm: 3}, false},
	}
	for _, tt := range tests {
		if got := continues(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: continues = %v, want %v", tt.name, got, tt.want)
		}
	}
}
