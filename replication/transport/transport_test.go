package transport

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	stdnet "net"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
)

func header(id string) raft.RPCHeader {
	return raft.RPCHeader{ProtocolVersion: raft.ProtocolVersionMax, ID: []byte(id), Addr: []byte(id + ":7000")}
}

func sampleEntries() []*raft.Log {
	return []*raft.Log{
		{Index: 7, Term: 3, Type: raft.LogCommand, Data: []byte("put"), Extensions: []byte("ext"), AppendedAt: time.Unix(0, 1_700_000_000_123_456_789)},
		{Index: 8, Term: 3, Type: raft.LogNoop},
		{Index: 9, Term: 3, Type: raft.LogConfiguration, Data: []byte{1, 2, 3}, AppendedAt: time.Unix(0, 1)},
		{Index: 10, Term: 4, Type: raft.LogBarrier, Extensions: []byte{0}},
	}
}

// TestRPCRoundTrip sends every RPC kind through a real gRPC connection and
// checks that Raft on the far side sees the request, and the sender the
// response, field by field.
func TestRPCRoundTrip(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	ga, gb := a.Group("7"), b.Group("7")
	want := make(chan any, 1)
	reply := make(chan any, 1)
	serve(t, gb, func(rpc raft.RPC) {
		if got, exp := rpc.Command, <-want; !reflect.DeepEqual(got, exp) {
			t.Errorf("receiver got\n%#v\nwant\n%#v", got, exp)
		}
		rpc.Respond(<-reply, nil)
	})
	trA, ok := ga.(*GroupTransport)
	if !ok {
		t.Fatalf("Group returned %T", ga)
	}

	tests := []struct {
		name string
		req  any
		resp any
		send func() (any, error)
	}{
		{
			name: "AppendEntries",
			req: &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 4, Leader: []byte("a"), PrevLogEntry: 6,
				PrevLogTerm: 3, Entries: sampleEntries(), LeaderCommitIndex: 5},
			resp: &raft.AppendEntriesResponse{RPCHeader: header("b"), Term: 4, LastLog: 10, Success: true, NoRetryBackoff: true},
		},
		{
			name: "RequestVote",
			req: &raft.RequestVoteRequest{RPCHeader: header("a"), Term: 5, Candidate: []byte("a"), LastLogIndex: 10,
				LastLogTerm: 4, LeadershipTransfer: true},
			resp: &raft.RequestVoteResponse{RPCHeader: header("b"), Term: 5, Peers: []byte("peers"), Granted: true},
		},
		{
			name: "RequestPreVote",
			req:  &raft.RequestPreVoteRequest{RPCHeader: header("a"), Term: 6, LastLogIndex: 11, LastLogTerm: 5},
			resp: &raft.RequestPreVoteResponse{RPCHeader: header("b"), Term: 6, Granted: true},
		},
		{
			name: "TimeoutNow",
			req:  &raft.TimeoutNowRequest{RPCHeader: header("a")},
			resp: &raft.TimeoutNowResponse{RPCHeader: header("b")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want <- tc.req
			reply <- tc.resp
			got, err := sendRPC(trA, "b", tc.req)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if !reflect.DeepEqual(got, tc.resp) {
				t.Errorf("sender got\n%#v\nwant\n%#v", got, tc.resp)
			}
		})
	}
}

// sendRPC sends req with the matching method of g and returns the
// response.
func sendRPC(g *GroupTransport, target raft.ServerAddress, req any) (any, error) {
	switch req := req.(type) {
	case *raft.AppendEntriesRequest:
		var resp raft.AppendEntriesResponse
		return &resp, g.AppendEntries("b", target, req, &resp)
	case *raft.RequestVoteRequest:
		var resp raft.RequestVoteResponse
		return &resp, g.RequestVote("b", target, req, &resp)
	case *raft.RequestPreVoteRequest:
		var resp raft.RequestPreVoteResponse
		return &resp, g.RequestPreVote("b", target, req, &resp)
	case *raft.TimeoutNowRequest:
		var resp raft.TimeoutNowResponse
		return &resp, g.TimeoutNow("b", target, req, &resp)
	}
	return nil, errors.New("unknown request type")
}

func TestRaftErrorReachesSender(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	serve(t, b.Group("g"), func(rpc raft.RPC) { rpc.Respond(nil, errors.New("disk on fire")) })
	var resp raft.RequestVoteResponse
	err := a.Group("g").RequestVote("b", "b", &raft.RequestVoteRequest{Term: 1}, &resp)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("RequestVote error = %v, want one carrying Raft's error", err)
	}
}

func TestUnknownGroup(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	serve(t, b.Group("known"), func(rpc raft.RPC) { rpc.Respond(&raft.AppendEntriesResponse{}, nil) })
	g := a.Group("unknown")
	tests := []struct {
		name string
		call func() error
	}{
		{"AppendEntries", func() error {
			return g.AppendEntries("b", "b", &raft.AppendEntriesRequest{Term: 1}, &raft.AppendEntriesResponse{})
		}},
		{"RequestVote", func() error {
			return g.RequestVote("b", "b", &raft.RequestVoteRequest{Term: 1}, &raft.RequestVoteResponse{})
		}},
		{"TimeoutNow", func() error {
			return g.TimeoutNow("b", "b", &raft.TimeoutNowRequest{}, &raft.TimeoutNowResponse{})
		}},
		{"InstallSnapshot", func() error {
			return g.InstallSnapshot("b", "b", &raft.InstallSnapshotRequest{Size: 3}, &raft.InstallSnapshotResponse{},
				bytes.NewReader([]byte("abc")))
		}},
		{"AppendEntriesPipeline", func() error {
			p, err := g.AppendEntriesPipeline("b", "b")
			if err != nil {
				return err
			}
			defer p.Close()
			f, err := p.AppendEntries(&raft.AppendEntriesRequest{Term: 1}, &raft.AppendEntriesResponse{})
			if err != nil {
				return err
			}
			return f.Error()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, ErrUnknownGroup) {
				t.Fatalf("error = %v, want ErrUnknownGroup", err)
			}
		})
	}
}

func TestHeartbeatFastPath(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	gb := b.Group("g")
	var viaHandler, viaConsumer atomic.Int32
	gb.SetHeartbeatHandler(func(rpc raft.RPC) {
		viaHandler.Add(1)
		rpc.Respond(&raft.AppendEntriesResponse{Term: 9, Success: true}, nil)
	})
	serve(t, gb, func(rpc raft.RPC) {
		viaConsumer.Add(1)
		rpc.Respond(&raft.AppendEntriesResponse{Term: 9}, nil)
	})
	tests := []struct {
		name         string
		req          *raft.AppendEntriesRequest
		wantHandler  int32
		wantConsumer int32
	}{
		{"heartbeat", &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 9}, 1, 0},
		{"heartbeat with legacy leader", &raft.AppendEntriesRequest{Term: 9, Leader: []byte("a")}, 2, 0},
		{"entries", &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 9, Entries: sampleEntries()}, 2, 1},
		{"commit index", &raft.AppendEntriesRequest{RPCHeader: header("a"), Term: 9, LeaderCommitIndex: 3}, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var resp raft.AppendEntriesResponse
			if err := a.Group("g").AppendEntries("b", "b", tc.req, &resp); err != nil {
				t.Fatal(err)
			}
			if h, c := viaHandler.Load(), viaConsumer.Load(); h != tc.wantHandler || c != tc.wantConsumer {
				t.Fatalf("handler/consumer calls = %d/%d, want %d/%d", h, c, tc.wantHandler, tc.wantConsumer)
			}
		})
	}
}

// TestPipelineOrdering pushes many requests through a pipeline and checks
// the futures come back in order, each with its own response.
func TestPipelineOrdering(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	serve(t, b.Group("g"), func(rpc raft.RPC) {
		req := rpc.Command.(*raft.AppendEntriesRequest)
		rpc.Respond(&raft.AppendEntriesResponse{Term: req.Term, LastLog: req.PrevLogEntry + uint64(len(req.Entries)), Success: true}, nil)
	})
	p, err := a.Group("g").AppendEntriesPipeline("b", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	const n = 1000
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			req := &raft.AppendEntriesRequest{Term: 2, PrevLogEntry: uint64(i), Entries: []*raft.Log{{Index: uint64(i + 1), Term: 2}}}
			if _, err := p.AppendEntries(req, &raft.AppendEntriesResponse{}); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	timeout := time.After(10 * time.Second)
	for i := range n {
		select {
		case f := <-p.Consumer():
			if err := f.Error(); err != nil {
				t.Fatalf("future %d: %v", i, err)
			}
			if f.Request().PrevLogEntry != uint64(i) || f.Response().LastLog != uint64(i+1) || !f.Response().Success {
				t.Fatalf("future %d: request prev %d, response %+v", i, f.Request().PrevLogEntry, f.Response())
			}
			if f.Start().IsZero() {
				t.Fatalf("future %d has no start time", i)
			}
		case <-timeout:
			t.Fatalf("only %d of %d futures completed", i, n)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestPipelineClose(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	b.Group("g") // open but never answered: requests stay in flight
	p, err := a.Group("g").AppendEntriesPipeline("b", "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AppendEntries(&raft.AppendEntriesRequest{Term: 1, LeaderCommitIndex: 1}, &raft.AppendEntriesResponse{}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := p.AppendEntries(&raft.AppendEntriesRequest{Term: 1}, &raft.AppendEntriesResponse{}); !errors.Is(err, raft.ErrPipelineShutdown) {
		t.Fatalf("AppendEntries after Close = %v, want ErrPipelineShutdown", err)
	}
}

// TestPipelineSendToStalledPeer: a peer whose group stops reading its
// stream fills the stream's flow-control window; AppendEntries must fail
// within the timeout rather than block Raft's replication for good.
func TestPipelineSendToStalledPeer(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	b.Group("g") // open but never consumed: the server stops reading
	p, err := a.Group("g").AppendEntriesPipeline("b", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	big := bytes.Repeat([]byte("x"), 256<<10)
	errc := make(chan error, 1)
	go func() {
		for i := range 10_000 {
			req := &raft.AppendEntriesRequest{Term: 1, PrevLogEntry: uint64(i), Entries: []*raft.Log{{Index: uint64(i + 1), Term: 1, Data: big}}}
			if _, err := p.AppendEntries(req, &raft.AppendEntriesResponse{}); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("10,000 requests of 256 KB went to a peer that reads none of them")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("AppendEntries to a stalled peer still blocked after 30s (timeout 2s)")
	}
}

// TestInstallSnapshotStreaming streams multi-megabyte snapshots, sizes on
// and off chunk boundaries, and checks the bytes Raft reads.
func TestInstallSnapshotStreaming(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	gb := b.Group("g")
	var gotReq atomic.Pointer[raft.InstallSnapshotRequest]
	var gotSum atomic.Pointer[[sha256.Size]byte]
	serve(t, gb, func(rpc raft.RPC) {
		req := rpc.Command.(*raft.InstallSnapshotRequest)
		h := sha256.New()
		n, err := io.Copy(h, rpc.Reader)
		if err == nil && n != req.Size {
			err = errors.New("short snapshot")
		}
		var sum [sha256.Size]byte
		copy(sum[:], h.Sum(nil))
		gotReq.Store(req)
		gotSum.Store(&sum)
		rpc.Respond(&raft.InstallSnapshotResponse{RPCHeader: header("b"), Term: req.Term, Success: err == nil}, err)
	})
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"one byte", 1},
		{"one chunk", 256 * 1024},
		{"5MB off boundary", 5<<20 + 12345},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.size)
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			req := &raft.InstallSnapshotRequest{RPCHeader: header("a"), SnapshotVersion: raft.SnapshotVersionMax, Term: 3,
				Leader: []byte("a"), LastLogIndex: 100, LastLogTerm: 3, Peers: []byte("p"), Configuration: []byte("conf"),
				ConfigurationIndex: 90, Size: int64(tc.size)}
			var resp raft.InstallSnapshotResponse
			if err := a.Group("g").InstallSnapshot("b", "b", req, &resp, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			want := raft.InstallSnapshotResponse{RPCHeader: header("b"), Term: 3, Success: true}
			if !reflect.DeepEqual(resp, want) {
				t.Fatalf("response %+v, want %+v", resp, want)
			}
			if !reflect.DeepEqual(gotReq.Load(), req) {
				t.Fatalf("receiver got %+v, want %+v", gotReq.Load(), req)
			}
			if sum := sha256.Sum256(data); *gotSum.Load() != sum {
				t.Fatal("snapshot bytes differ")
			}
		})
	}
}

func TestShortSnapshotFails(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	serve(t, b.Group("g"), func(rpc raft.RPC) {
		_, err := io.Copy(io.Discard, rpc.Reader)
		rpc.Respond(&raft.InstallSnapshotResponse{Success: err == nil}, err)
	})
	var resp raft.InstallSnapshotResponse
	err := a.Group("g").InstallSnapshot("b", "b", &raft.InstallSnapshotRequest{Size: 100}, &resp, bytes.NewReader(make([]byte, 10)))
	if err == nil || resp.Success {
		t.Fatalf("InstallSnapshot of 10 of 100 bytes: err %v, resp %+v; want an error", err, resp)
	}
}

func TestCloseAndRemove(t *testing.T) {
	net := newTestNet(t)
	a, b := net.node("a"), net.node("b")
	gb := b.Group("g")
	serve(t, gb, func(rpc raft.RPC) { rpc.Respond(&raft.RequestVoteResponse{Granted: true}, nil) })
	vote := func(g raft.Transport) error {
		return g.RequestVote("b", "b", &raft.RequestVoteRequest{Term: 1}, &raft.RequestVoteResponse{})
	}
	if err := vote(a.Group("g")); err != nil {
		t.Fatalf("vote before close: %v", err)
	}
	if got := b.Group("g"); got != gb {
		t.Fatal("Group returned a new transport for an open group")
	}
	if err := gb.(raft.WithClose).Close(); err != nil {
		t.Fatal(err)
	}
	if err := vote(a.Group("g")); !errors.Is(err, ErrUnknownGroup) {
		t.Fatalf("vote to a closed group = %v, want ErrUnknownGroup", err)
	}
	b.Group("h")
	b.RemoveGroup("h")
	if err := vote(a.Group("h")); !errors.Is(err, ErrUnknownGroup) {
		t.Fatalf("vote to a removed group = %v, want ErrUnknownGroup", err)
	}
	ga := a.Group("g")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := vote(ga); !errors.Is(err, ErrClosed) {
		t.Fatalf("vote after Close = %v, want ErrClosed", err)
	}
	if _, err := a.Conn("b"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Conn after Close = %v, want ErrClosed", err)
	}
	if err := vote(a.Group("new")); !errors.Is(err, ErrClosed) {
		t.Fatalf("vote from a group opened after Close = %v, want ErrClosed", err)
	}
}

func TestConnShared(t *testing.T) {
	net := newTestNet(t)
	a := net.node("a")
	c1, err := a.Conn("b")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.Conn("b")
	if err != nil {
		t.Fatal(err)
	}
	c3, err := a.Conn("c")
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 || c1 == c3 {
		t.Fatalf("Conn sharing wrong: b=%p b=%p c=%p", c1, c2, c3)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"default", func(*Config) {}, ""},
		{"no addr", func(c *Config) { c.LocalAddr = "" }, "LocalAddr"},
		{"no logger", func(c *Config) { c.Logger = nil }, "Logger"},
		{"zero timeout", func(c *Config) { c.Timeout = 0 }, "Timeout must be positive, got 0s"},
		{"in flight", func(c *Config) { c.MaxInFlight = 1 }, "MaxInFlight must be at least 2, got 1"},
		{"message size", func(c *Config) { c.MaxMessageSize = 0 }, "MaxMessageSize"},
		{"chunk too big", func(c *Config) { c.SnapshotChunkSize = c.MaxMessageSize }, "SnapshotChunkSize"},
		{"keepalive", func(c *Config) { c.KeepaliveTime = -time.Second }, "KeepaliveTime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig("n1:7000")
			tc.mutate(&cfg)
			err := cfg.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want mention of %q", err, tc.wantErr)
			}
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
}

func TestConvertZeroValues(t *testing.T) {
	tests := []struct {
		name string
		in   *raft.AppendEntriesRequest
	}{
		{"empty", &raft.AppendEntriesRequest{}},
		{"zero entry", &raft.AppendEntriesRequest{Entries: []*raft.Log{{}}}},
		{"full", &raft.AppendEntriesRequest{RPCHeader: header("x"), Term: 1, Leader: []byte("x"), Entries: sampleEntries()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := appendEntriesRequestFromPB(appendEntriesRequestToPB("g", tc.in))
			if !reflect.DeepEqual(got, tc.in) {
				t.Fatalf("round trip\n%#v\nwant\n%#v", got, tc.in)
			}
		})
	}
}

// TestTCP runs an RPC over a real 127.0.0.1 listener and the default
// dialer.
func TestTCP(t *testing.T) {
	l, err := (&stdnet.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	b, err := New(DefaultConfig(raft.ServerAddress(addr)))
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(b.ServerOptions()...)
	b.Register(srv)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = b.Close()
		srv.Stop()
		<-done
	})
	a, err := New(DefaultConfig("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	serve(t, b.Group("g"), func(rpc raft.RPC) {
		rpc.Respond(&raft.RequestVoteResponse{Term: rpc.Command.(*raft.RequestVoteRequest).Term, Granted: true}, nil)
	})
	var resp raft.RequestVoteResponse
	if err := a.Group("g").RequestVote("b", raft.ServerAddress(addr), &raft.RequestVoteRequest{Term: 12}, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Term != 12 || !resp.Granted {
		t.Fatalf("response %+v", resp)
	}
}
