package transport

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/raft"
)

// BenchmarkAppendEntries measures AppendEntries over the in-memory gRPC
// network with a follower that answers at once, one RPC at a time
// (mode=unary) and through a pipeline (mode=pipeline).
func BenchmarkAppendEntries(b *testing.B) {
	for _, mode := range []string{"unary", "pipeline"} {
		for _, entries := range []int{1, 64} {
			b.Run(fmt.Sprintf("mode=%s/entries=%d", mode, entries), func(b *testing.B) {
				benchAppendEntries(b, mode, entries)
			})
		}
	}
}

func benchAppendEntries(b *testing.B, mode string, entries int) {
	net := newTestNet(b)
	a, f := net.node("a"), net.node("b")
	serve(b, f.Group("g"), func(rpc raft.RPC) {
		req := rpc.Command.(*raft.AppendEntriesRequest)
		rpc.Respond(&raft.AppendEntriesResponse{Term: req.Term, LastLog: req.PrevLogEntry + uint64(len(req.Entries)), Success: true}, nil)
	})
	rng := rand.New(rand.NewPCG(1, 1))
	logs := make([]*raft.Log, entries)
	for i := range logs {
		data := make([]byte, 256)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		logs[i] = &raft.Log{Index: uint64(i + 1), Term: 1, Data: data}
	}
	req := &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 1, Leader: []byte("a"), Entries: logs, LeaderCommitIndex: 1}
	g := a.Group("g")
	b.SetBytes(int64(entries * 256))
	b.ReportAllocs()
	b.ResetTimer()
	if mode == "unary" {
		for b.Loop() {
			if err := g.AppendEntries("b", "b", req, &raft.AppendEntriesResponse{}); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	p, err := g.AppendEntriesPipeline("b", "b")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	done := make(chan error, 1)
	go func() {
		for range b.N {
			if err := (<-p.Consumer()).Error(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range b.N {
		if _, err := p.AppendEntries(req, &raft.AppendEntriesResponse{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
