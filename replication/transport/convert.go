package transport

import (
	"time"

	"github.com/hashicorp/raft"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// The functions below translate hashicorp/raft's RPC structs to and from
// their protobuf mirrors field by field. Byte slices are shared, not copied:
// Raft does not modify a request or response after handing it over.

func headerToPB(h raft.RPCHeader) *raftpb.RPCHeader {
	return &raftpb.RPCHeader{ProtocolVersion: int64(h.ProtocolVersion), Id: h.ID, Addr: h.Addr}
}

func headerFromPB(h *raftpb.RPCHeader) raft.RPCHeader {
	return raft.RPCHeader{
		ProtocolVersion: raft.ProtocolVersion(h.GetProtocolVersion()),
		ID:              h.GetId(),
		Addr:            h.GetAddr(),
	}
}

// timeToPB encodes t as Unix nanoseconds, the zero time as 0.
func timeToPB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func timeFromPB(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func logsToPB(logs []*raft.Log) []*raftpb.Log {
	if len(logs) == 0 {
		return nil
	}
	out := make([]*raftpb.Log, len(logs))
	for i, l := range logs {
		out[i] = &raftpb.Log{
			Index:      l.Index,
			Term:       l.Term,
			Type:       raftpb.LogType(l.Type),
			Data:       l.Data,
			Extensions: l.Extensions,
			AppendedAt: timeToPB(l.AppendedAt),
		}
	}
	return out
}

func logsFromPB(logs []*raftpb.Log) []*raft.Log {
	if len(logs) == 0 {
		return nil
	}
	out := make([]*raft.Log, len(logs))
	for i, l := range logs {
		out[i] = &raft.Log{
			Index:      l.GetIndex(),
			Term:       l.GetTerm(),
			Type:       raft.LogType(l.GetType()),
			Data:       l.GetData(),
			Extensions: l.GetExtensions(),
			AppendedAt: timeFromPB(l.GetAppendedAt()),
		}
	}
	return out
}

func appendEntriesRequestToPB(groupID string, r *raft.AppendEntriesRequest) *raftpb.AppendEntriesRequest {
	return &raftpb.AppendEntriesRequest{
		Header:            headerToPB(r.RPCHeader),
		GroupId:           groupID,
		Term:              r.Term,
		Leader:            r.Leader,
		PrevLogEntry:      r.PrevLogEntry,
		PrevLogTerm:       r.PrevLogTerm,
		Entries:           logsToPB(r.Entries),
		LeaderCommitIndex: r.LeaderCommitIndex,
	}
}

func appendEntriesRequestFromPB(r *raftpb.AppendEntriesRequest) *raft.AppendEntriesRequest {
	return &raft.AppendEntriesRequest{
		RPCHeader:         headerFromPB(r.GetHeader()),
		Term:              r.GetTerm(),
		Leader:            r.GetLeader(),
		PrevLogEntry:      r.GetPrevLogEntry(),
		PrevLogTerm:       r.GetPrevLogTerm(),
		Entries:           logsFromPB(r.GetEntries()),
		LeaderCommitIndex: r.GetLeaderCommitIndex(),
	}
}

func appendEntriesResponseToPB(r *raft.AppendEntriesResponse) *raftpb.AppendEntriesResponse {
	return &raftpb.AppendEntriesResponse{
		Header:         headerToPB(r.RPCHeader),
		Term:           r.Term,
		LastLog:        r.LastLog,
		Success:        r.Success,
		NoRetryBackoff: r.NoRetryBackoff,
	}
}

func appendEntriesResponseFromPB(r *raftpb.AppendEntriesResponse, out *raft.AppendEntriesResponse) {
	*out = raft.AppendEntriesResponse{
		RPCHeader:      headerFromPB(r.GetHeader()),
		Term:           r.GetTerm(),
		LastLog:        r.GetLastLog(),
		Success:        r.GetSuccess(),
		NoRetryBackoff: r.GetNoRetryBackoff(),
	}
}

func requestVoteRequestToPB(groupID string, r *raft.RequestVoteRequest) *raftpb.RequestVoteRequest {
	return &raftpb.RequestVoteRequest{
		Header:             headerToPB(r.RPCHeader),
		GroupId:            groupID,
		Term:               r.Term,
		Candidate:          r.Candidate,
		LastLogIndex:       r.LastLogIndex,
		LastLogTerm:        r.LastLogTerm,
		LeadershipTransfer: r.LeadershipTransfer,
	}
}

func requestVoteRequestFromPB(r *raftpb.RequestVoteRequest) *raft.RequestVoteRequest {
	return &raft.RequestVoteRequest{
		RPCHeader:          headerFromPB(r.GetHeader()),
		Term:               r.GetTerm(),
		Candidate:          r.GetCandidate(),
		LastLogIndex:       r.GetLastLogIndex(),
		LastLogTerm:        r.GetLastLogTerm(),
		LeadershipTransfer: r.GetLeadershipTransfer(),
	}
}

func requestVoteResponseToPB(r *raft.RequestVoteResponse) *raftpb.RequestVoteResponse {
	return &raftpb.RequestVoteResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Peers:   r.Peers,
		Granted: r.Granted,
	}
}

func requestVoteResponseFromPB(r *raftpb.RequestVoteResponse, out *raft.RequestVoteResponse) {
	*out = raft.RequestVoteResponse{
		RPCHeader: headerFromPB(r.GetHeader()),
		Term:      r.GetTerm(),
		Peers:     r.GetPeers(),
		Granted:   r.GetGranted(),
	}
}

func requestPreVoteRequestToPB(groupID string, r *raft.RequestPreVoteRequest) *raftpb.RequestPreVoteRequest {
	return &raftpb.RequestPreVoteRequest{
		Header:       headerToPB(r.RPCHeader),
		GroupId:      groupID,
		Term:         r.Term,
		LastLogIndex: r.LastLogIndex,
		LastLogTerm:  r.LastLogTerm,
	}
}

func requestPreVoteRequestFromPB(r *raftpb.RequestPreVoteRequest) *raft.RequestPreVoteRequest {
	return &raft.RequestPreVoteRequest{
		RPCHeader:    headerFromPB(r.GetHeader()),
		Term:         r.GetTerm(),
		LastLogIndex: r.GetLastLogIndex(),
		LastLogTerm:  r.GetLastLogTerm(),
	}
}

func requestPreVoteResponseToPB(r *raft.RequestPreVoteResponse) *raftpb.RequestPreVoteResponse {
	return &raftpb.RequestPreVoteResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Granted: r.Granted,
	}
}

func requestPreVoteResponseFromPB(r *raftpb.RequestPreVoteResponse, out *raft.RequestPreVoteResponse) {
	*out = raft.RequestPreVoteResponse{
		RPCHeader: headerFromPB(r.GetHeader()),
		Term:      r.GetTerm(),
		Granted:   r.GetGranted(),
	}
}

func timeoutNowRequestToPB(groupID string, r *raft.TimeoutNowRequest) *raftpb.TimeoutNowRequest {
	return &raftpb.TimeoutNowRequest{Header: headerToPB(r.RPCHeader), GroupId: groupID}
}

func timeoutNowRequestFromPB(r *raftpb.TimeoutNowRequest) *raft.TimeoutNowRequest {
	return &raft.TimeoutNowRequest{RPCHeader: headerFromPB(r.GetHeader())}
}

func timeoutNowResponseToPB(r *raft.TimeoutNowResponse) *raftpb.TimeoutNowResponse {
	return &raftpb.TimeoutNowResponse{Header: headerToPB(r.RPCHeader)}
}

func timeoutNowResponseFromPB(r *raftpb.TimeoutNowResponse, out *raft.TimeoutNowResponse) {
	*out = raft.TimeoutNowResponse{RPCHeader: headerFromPB(r.GetHeader())}
}

func installSnapshotRequestToPB(groupID string, r *raft.InstallSnapshotRequest) *raftpb.InstallSnapshotRequest {
	return &raftpb.InstallSnapshotRequest{
		Header:             headerToPB(r.RPCHeader),
		GroupId:            groupID,
		SnapshotVersion:    int64(r.SnapshotVersion),
		Term:               r.Term,
		Leader:             r.Leader,
		LastLogIndex:       r.LastLogIndex,
		LastLogTerm:        r.LastLogTerm,
		Peers:              r.Peers,
		Configuration:      r.Configuration,
		ConfigurationIndex: r.ConfigurationIndex,
		Size:               r.Size,
	}
}

func installSnapshotRequestFromPB(r *raftpb.InstallSnapshotRequest) *raft.InstallSnapshotRequest {
	return &raft.InstallSnapshotRequest{
		RPCHeader:          headerFromPB(r.GetHeader()),
		SnapshotVersion:    raft.SnapshotVersion(r.GetSnapshotVersion()),
		Term:               r.GetTerm(),
		Leader:             r.GetLeader(),
		LastLogIndex:       r.GetLastLogIndex(),
		LastLogTerm:        r.GetLastLogTerm(),
		Peers:              r.GetPeers(),
		Configuration:      r.GetConfiguration(),
		ConfigurationIndex: r.GetConfigurationIndex(),
		Size:               r.GetSize(),
	}
}

func installSnapshotResponseToPB(r *raft.InstallSnapshotResponse) *raftpb.InstallSnapshotResponse {
	return &raftpb.InstallSnapshotResponse{
		Header:  headerToPB(r.RPCHeader),
		Term:    r.Term,
		Success: r.Success,
	}
}

func installSnapshotResponseFromPB(r *raftpb.InstallSnapshotResponse, out *raft.InstallSnapshotResponse) {
	*out = raft.InstallSnapshotResponse{
		RPCHeader: headerFromPB(r.GetHeader()),
		Term:      r.GetTerm(),
		Success:   r.GetSuccess(),
	}
}
