package transport

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// service is the receiving half: the RaftTransport gRPC server. Each
// handler finds the request's group, converts the request to Raft's struct,
// hands it to the group and converts the answer back.
type service struct {
	raftpb.UnimplementedRaftTransportServer
	t *Transport
}

// group returns the open transport of groupID or a NotFound status.
func (s *service) group(groupID string) (*GroupTransport, error) {
	g, ok := s.t.lookup(groupID)
	if !ok {
		return nil, status.Errorf(codes.NotFound, "raft group %q is not hosted on %s", groupID, s.t.cfg.LocalAddr)
	}
	return g, nil
}

// call dispatches cmd to groupID and returns Raft's response as R.
func call[R any](ctx context.Context, s *service, groupID string, cmd any) (R, error) {
	var zero R
	g, err := s.group(groupID)
	if err != nil {
		return zero, err
	}
	resp, err := g.dispatch(ctx, cmd)
	if err != nil {
		return zero, err
	}
	out, ok := resp.(R)
	if !ok {
		return zero, status.Errorf(codes.Internal, "raft answered %T with %T", cmd, resp)
	}
	return out, nil
}

func (s *service) AppendEntries(ctx context.Context, req *raftpb.AppendEntriesRequest) (*raftpb.AppendEntriesResponse, error) {
	resp, err := call[*raft.AppendEntriesResponse](ctx, s, req.GetGroupId(), appendEntriesRequestFromPB(req))
	if err != nil {
		return nil, err
	}
	return appendEntriesResponseToPB(resp), nil
}

func (s *service) RequestVote(ctx context.Context, req *raftpb.RequestVoteRequest) (*raftpb.RequestVoteResponse, error) {
	resp, err := call[*raft.RequestVoteResponse](ctx, s, req.GetGroupId(), requestVoteRequestFromPB(req))
	if err != nil {
		return nil, err
	}
	return requestVoteResponseToPB(resp), nil
}

func (s *service) RequestPreVote(ctx context.Context, req *raftpb.RequestPreVoteRequest) (*raftpb.RequestPreVoteResponse, error) {
	resp, err := call[*raft.RequestPreVoteResponse](ctx, s, req.GetGroupId(), requestPreVoteRequestFromPB(req))
	if err != nil {
		return nil, err
	}
	return requestPreVoteResponseToPB(resp), nil
}

func (s *service) TimeoutNow(ctx context.Context, req *raftpb.TimeoutNowRequest) (*raftpb.TimeoutNowResponse, error) {
	resp, err := call[*raft.TimeoutNowResponse](ctx, s, req.GetGroupId(), timeoutNowRequestFromPB(req))
	if err != nil {
		return nil, err
	}
	return timeoutNowResponseToPB(resp), nil
}

// InstallSnapshot reads the request metadata from the first message and
// hands Raft a reader over the data messages that follow.
func (s *service) InstallSnapshot(stream raftpb.RaftTransport_InstallSnapshotServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	pbReq := first.GetRequest()
	if pbReq == nil {
		return status.Error(codes.InvalidArgument, "InstallSnapshot stream must start with the request")
	}
	g, err := s.group(pbReq.GetGroupId())
	if err != nil {
		return err
	}
	req := installSnapshotRequestFromPB(pbReq)
	data := io.LimitReader(&chunkReader{stream: stream}, req.Size)
	resp, err := g.dispatchSnapshot(stream.Context(), req, data)
	if err != nil {
		return err
	}
	out, ok := resp.(*raft.InstallSnapshotResponse)
	if !ok {
		return status.Errorf(codes.Internal, "raft answered InstallSnapshot with %T", resp)
	}
	return stream.SendAndClose(installSnapshotResponseToPB(out))
}

// chunkReader reads the data messages of an InstallSnapshot stream as one
// byte stream.
type chunkReader struct {
	stream raftpb.RaftTransport_InstallSnapshotServer
	buf    []byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		msg, err := r.stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, fmt.Errorf("transport: reading snapshot data: %w", err)
		}
		if msg.GetRequest() != nil {
			return 0, errors.New("transport: InstallSnapshot request repeated inside the data")
		}
		r.buf = msg.GetData()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
