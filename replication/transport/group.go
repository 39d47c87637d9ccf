package transport

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GroupTransport is the raft.Transport of one Raft group on a node. It is
// safe for concurrent use.
type GroupTransport struct {
	t  *Transport
	id string

	consumeCh chan raft.RPC

	heartbeatMu sync.Mutex
	heartbeatFn func(raft.RPC)

	// progressMu guards what accepted appends said (LeaderProgress).
	progressMu   sync.Mutex
	leaderCommit uint64    // highest leader commit index of an accepted append
	accepted     uint64    // last log index after the latest accepted append
	acceptedAt   time.Time // when raft accepted it

	// ctx is cancelled when the group's transport is closed; outgoing RPCs
	// derive their contexts from it.
	ctx    context.Context
	cancel context.CancelFunc
}

var (
	_ raft.Transport = (*GroupTransport)(nil)
	_ interface {
		LeaderProgress() (uint64, uint64, time.Time)
	} = (*GroupTransport)(nil)
	_ raft.WithClose   = (*GroupTransport)(nil)
	_ raft.WithPreVote = (*GroupTransport)(nil)
)

func newGroupTransport(t *Transport, id string) *GroupTransport {
	ctx, cancel := context.WithCancel(context.Background())
	return &GroupTransport{t: t, id: id, consumeCh: make(chan raft.RPC), ctx: ctx, cancel: cancel}
}

// GroupID returns the id of the group this transport serves.
func (g *GroupTransport) GroupID() string { return g.id }

// Consumer returns the channel incoming RPCs of the group arrive on.
func (g *GroupTransport) Consumer() <-chan raft.RPC { return g.consumeCh }

// LocalAddr returns the node's address.
func (g *GroupTransport) LocalAddr() raft.ServerAddress { return g.t.cfg.LocalAddr }

// EncodePeer encodes a peer's address as its bytes.
func (g *GroupTransport) EncodePeer(_ raft.ServerID, addr raft.ServerAddress) []byte {
	return []byte(addr)
}

// DecodePeer is the inverse of EncodePeer.
func (g *GroupTransport) DecodePeer(buf []byte) raft.ServerAddress { return raft.ServerAddress(buf) }

// SetHeartbeatHandler sets the fast path for heartbeats: they are handed
// to cb on the RPC's goroutine instead of the Consumer channel, so that a
// follower busy with disk I/O still answers them.
func (g *GroupTransport) SetHeartbeatHandler(cb func(rpc raft.RPC)) {
	g.heartbeatMu.Lock()
	defer g.heartbeatMu.Unlock()
	g.heartbeatFn = cb
}

func (g *GroupTransport) heartbeatHandler() func(raft.RPC) {
	g.heartbeatMu.Lock()
	defer g.heartbeatMu.Unlock()
	return g.heartbeatFn
}

// Close closes the group's transport: it is removed from the node's
// Transport and its outgoing RPCs are cancelled. Idempotent; raft.Raft
// calls it on Shutdown.
func (g *GroupTransport) Close() error {
	g.t.removeGroup(g)
	g.shutdown()
	return nil
}

func (g *GroupTransport) shutdown() { g.cancel() }

// closed reports whether the group's transport has been closed.
func (g *GroupTransport) closed() bool { return g.ctx.Err() != nil }

// errGroupClosed is the status for RPCs that reach a closed group.
func (g *GroupTransport) errGroupClosed() error {
	return status.Errorf(codes.Unavailable, "raft group %s is closing", g.id)
}

// isHeartbeat reports whether req is a heartbeat, by raft.NetworkTransport's
// rule.
func isHeartbeat(req *raft.AppendEntriesRequest) bool {
	leaderAddr := req.Addr
	if len(leaderAddr) == 0 {
		leaderAddr = req.Leader
	}
	return req.Term != 0 && leaderAddr != nil &&
		req.PrevLogEntry == 0 && req.PrevLogTerm == 0 &&
		len(req.Entries) == 0 && req.LeaderCommitIndex == 0
}

// dispatch hands cmd to the group's Raft (the heartbeat handler for
// heartbeats, if set, else the Consumer channel) and waits for its answer.
func (g *GroupTransport) dispatch(ctx context.Context, cmd any) (any, error) {
	respCh := make(chan raft.RPCResponse, 1)
	rpc := raft.RPC{Command: cmd, RespChan: respCh}
	if req, ok := cmd.(*raft.AppendEntriesRequest); ok && isHeartbeat(req) {
		if fn := g.heartbeatHandler(); fn != nil {
			fn(rpc)
			return g.await(ctx, respCh)
		}
	}
	if err := g.enqueue(ctx, rpc); err != nil {
		return nil, err
	}
	resp, err := g.await(ctx, respCh)
	if req, ok := cmd.(*raft.AppendEntriesRequest); ok && err == nil && !isHeartbeat(req) {
		if out, ok := resp.(*raft.AppendEntriesResponse); ok && out.Success {
			g.noteAccepted(req)
		}
	}
	return resp, err
}

// noteAccepted records an append that raft accepted: the leader's commit
// index it carried, the last log index it left this replica with, and
// when.
func (g *GroupTransport) noteAccepted(req *raft.AppendEntriesRequest) {
	last := req.PrevLogEntry
	if n := len(req.Entries); n > 0 {
		last = req.Entries[n-1].Index
	}
	g.progressMu.Lock()
	defer g.progressMu.Unlock()
	g.leaderCommit = max(g.leaderCommit, req.LeaderCommitIndex)
	g.accepted = last
	g.acceptedAt = time.Now()
}

// LeaderProgress returns the highest leader commit index carried by an
// append raft accepted here, the last log index the latest accepted
// append left this replica with, and when raft accepted it; all are zero
// before the first. A replica whose accepted index is below the commit
// index is catching up. Heartbeats do not count: a follower that needs a
// snapshot still accepts them.
func (g *GroupTransport) LeaderProgress() (commit, accepted uint64, at time.Time) {
	g.progressMu.Lock()
	defer g.progressMu.Unlock()
	return g.leaderCommit, g.accepted, g.acceptedAt
}

func (g *GroupTransport) enqueue(ctx context.Context, rpc raft.RPC) error {
	select {
	case g.consumeCh <- rpc:
		return nil
	case <-g.ctx.Done():
		return g.errGroupClosed()
	case <-ctx.Done():
		return status.FromContextError(ctx.Err()).Err()
	}
}

func (g *GroupTransport) await(ctx context.Context, respCh <-chan raft.RPCResponse) (any, error) {
	select {
	case resp := <-respCh:
		if resp.Error != nil {
			return nil, raftError(resp.Error)
		}
		return resp.Response, nil
	case <-g.ctx.Done():
		return nil, g.errGroupClosed()
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}

// dispatchSnapshot hands an InstallSnapshot request with its data reader
// to the group's Raft. Once Raft has taken the RPC it is waited for
// unconditionally: Raft always answers, and data must not be read after
// the gRPC handler returns.
func (g *GroupTransport) dispatchSnapshot(ctx context.Context, cmd *raft.InstallSnapshotRequest, data io.Reader) (any, error) {
	respCh := make(chan raft.RPCResponse, 1)
	if err := g.enqueue(ctx, raft.RPC{Command: cmd, Reader: data, RespChan: respCh}); err != nil {
		return nil, err
	}
	resp := <-respCh
	if resp.Error != nil {
		return nil, raftError(resp.Error)
	}
	return resp.Response, nil
}
