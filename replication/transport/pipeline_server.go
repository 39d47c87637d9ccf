package transport

import (
	"context"
	"errors"
	"io"

	"github.com/hashicorp/raft"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// maxMergedAppends caps how many queued pipeline requests one Raft append
// may take.
const maxMergedAppends = 32

// AppendEntriesPipeline serves a pipeline. A reader goroutine receives the
// requests while the handler hands them to Raft in order; requests that
// queued up while Raft was busy with the previous one (its log write and
// fsync) are merged into one append when they continue it: same group,
// term and leader, each starting where the one before it ended. Raft then
// writes and syncs them once, and every merged request is answered with
// that append's response, in order. A follower whose disk is the
// bottleneck thus syncs once per batch that waited, not once per request.
// The first failed request ends the stream with its status.
func (s *service) AppendEntriesPipeline(stream raftpb.RaftTransport_AppendEntriesPipelineServer) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	queue := make(chan *raftpb.AppendEntriesRequest, maxMergedAppends)
	recvErr := make(chan error, 1)
	go func() {
		defer close(queue)
		for {
			req, err := stream.Recv()
			if err != nil {
				recvErr <- err
				return
			}
			select {
			case queue <- req:
			case <-ctx.Done():
				return
			}
		}
	}()
	// held was received but not merged into the last append; heldReq is
	// its conversion.
	var held *raftpb.AppendEntriesRequest
	var heldReq *raft.AppendEntriesRequest
	for {
		first, req := held, heldReq
		held, heldReq = nil, nil
		if first == nil {
			var ok bool
			if first, ok = <-queue; !ok {
				if err := <-recvErr; !errors.Is(err, io.EOF) {
					return err
				}
				return nil
			}
			req = appendEntriesRequestFromPB(first)
		}
		n := 1
	merge:
		for n < maxMergedAppends {
			select {
			case next, ok := <-queue:
				if !ok {
					break merge
				}
				r := appendEntriesRequestFromPB(next)
				if next.GetGroupId() != first.GetGroupId() || !continues(req, r) {
					held, heldReq = next, r
					break merge
				}
				req.Entries = append(req.Entries, r.Entries...)
				req.LeaderCommitIndex = max(req.LeaderCommitIndex, r.LeaderCommitIndex)
				n++
			default:
				break merge
			}
		}
		resp, err := call[*raft.AppendEntriesResponse](ctx, s, first.GetGroupId(), req)
		if err != nil {
			return err
		}
		out := appendEntriesResponseToPB(resp)
		for range n {
			if err := stream.Send(out); err != nil {
				return err
			}
		}
	}
}

// continues reports whether append b picks up where append a ends: the
// same term and leader, and b's previous entry is a's last one.
func continues(a, b *raft.AppendEntriesRequest) bool {
	if b.Term != a.Term || string(b.Addr) != string(a.Addr) || string(b.ID) != string(a.ID) || string(b.Leader) != string(a.Leader) {
		return false
	}
	prevIndex, prevTerm := a.PrevLogEntry, a.PrevLogTerm
	if n := len(a.Entries); n > 0 {
		prevIndex, prevTerm = a.Entries[n-1].Index, a.Entries[n-1].Term
	}
	return b.PrevLogEntry == prevIndex && b.PrevLogTerm == prevTerm
}
