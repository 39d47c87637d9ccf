package transport

import (
	"context"
	"errors"
	"io"

	"github.com/hashicorp/raft"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// The methods below are the sending half of raft.Transport: each turns
// Raft's struct into its protobuf mirror, calls the peer over the shared
// connection with the group's id and a deadline of Config.Timeout, and
// copies the answer back.

// AppendEntries sends one AppendEntries RPC to target.
func (g *GroupTransport) AppendEntries(_ raft.ServerID, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	return g.unary("AppendEntries", target, func(ctx context.Context, c raftpb.RaftTransportClient) error {
		out, err := c.AppendEntries(ctx, appendEntriesRequestToPB(g.id, args))
		if err == nil {
			appendEntriesResponseFromPB(out, resp)
		}
		return err
	})
}

// RequestVote sends one RequestVote RPC to target.
func (g *GroupTransport) RequestVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestVoteRequest, resp *raft.RequestVoteResponse) error {
	return g.unary("RequestVote", target, func(ctx context.Context, c raftpb.RaftTransportClient) error {
		out, err := c.RequestVote(ctx, requestVoteRequestToPB(g.id, args))
		if err == nil {
			requestVoteResponseFromPB(out, resp)
		}
		return err
	})
}

// RequestPreVote sends one RequestPreVote RPC to target.
func (g *GroupTransport) RequestPreVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestPreVoteRequest, resp *raft.RequestPreVoteResponse) error {
	return g.unary("RequestPreVote", target, func(ctx context.Context, c raftpb.RaftTransportClient) error {
		out, err := c.RequestPreVote(ctx, requestPreVoteRequestToPB(g.id, args))
		if err == nil {
			requestPreVoteResponseFromPB(out, resp)
		}
		return err
	})
}

// TimeoutNow sends one TimeoutNow RPC to target.
func (g *GroupTransport) TimeoutNow(_ raft.ServerID, target raft.ServerAddress, args *raft.TimeoutNowRequest, resp *raft.TimeoutNowResponse) error {
	return g.unary("TimeoutNow", target, func(ctx context.Context, c raftpb.RaftTransportClient) error {
		out, err := c.TimeoutNow(ctx, timeoutNowRequestToPB(g.id, args))
		if err == nil {
			timeoutNowResponseFromPB(out, resp)
		}
		return err
	})
}

// unary runs call against target with the group's deadline and wraps its
// error.
func (g *GroupTransport) unary(name string, target raft.ServerAddress, call func(context.Context, raftpb.RaftTransportClient) error) error {
	if g.closed() {
		return ErrClosed
	}
	c, err := g.t.client(target)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.t.cfg.Timeout)
	defer cancel()
	if err := call(ctx, c); err != nil {
		return rpcError(name, g.id, string(target), err)
	}
	return nil
}

// InstallSnapshot streams a snapshot to target: the request metadata, then
// data in Config.SnapshotChunkSize chunks. The deadline grows with
// args.Size (see SnapshotTimeoutScale).
func (g *GroupTransport) InstallSnapshot(_ raft.ServerID, target raft.ServerAddress, args *raft.InstallSnapshotRequest, resp *raft.InstallSnapshotResponse, data io.Reader) error {
	if g.closed() {
		return ErrClosed
	}
	c, err := g.t.client(target)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.t.snapshotTimeout(args.Size))
	defer cancel()
	out, err := g.streamSnapshot(ctx, c, args, data)
	if err != nil {
		return rpcError("InstallSnapshot", g.id, string(target), err)
	}
	installSnapshotResponseFromPB(out, resp)
	return nil
}

func (g *GroupTransport) streamSnapshot(ctx context.Context, c raftpb.RaftTransportClient, args *raft.InstallSnapshotRequest, data io.Reader) (*raftpb.InstallSnapshotResponse, error) {
	stream, err := c.InstallSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	first := &raftpb.InstallSnapshotChunk{Part: &raftpb.InstallSnapshotChunk_Request{
		Request: installSnapshotRequestToPB(g.id, args),
	}}
	if err := stream.Send(first); err != nil {
		return nil, g.sendError(stream, err)
	}
	for {
		buf := make([]byte, g.t.cfg.SnapshotChunkSize)
		n, rerr := io.ReadFull(data, buf)
		if n > 0 {
			chunk := &raftpb.InstallSnapshotChunk{Part: &raftpb.InstallSnapshotChunk_Data{Data: buf[:n]}}
			if err := stream.Send(chunk); err != nil {
				return nil, g.sendError(stream, err)
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	return stream.CloseAndRecv()
}

// sendError returns the real status of a client stream whose Send failed
// with io.EOF (the server ended the stream).
func (g *GroupTransport) sendError(stream raftpb.RaftTransport_InstallSnapshotClient, err error) error {
	if !errors.Is(err, io.EOF) {
		return err
	}
	_, rerr := stream.CloseAndRecv()
	if rerr == nil {
		return io.ErrUnexpectedEOF
	}
	return rerr
}
