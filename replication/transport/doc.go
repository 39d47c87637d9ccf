// Package transport carries hashicorp/raft's RPCs between flotilla nodes
// over gRPC, for every Raft group a node hosts, on one shared server and one
// shared client connection per peer.
//
// A node builds one Transport, registers its RaftTransport service on the
// node's grpc.Server (created with Transport.ServerOptions) and asks it for
// a raft.Transport per Raft group with Group(groupID). Every RPC names its
// group; RPCs that arrive for a group this node has not opened are refused
// with gRPC status NotFound, which the sending Raft treats as a failed RPC
// and retries later. The wire format is proto/raft.proto; DESIGN.md beside
// this file explains the mapping and the trade-offs.
//
// The Transport owns: the map of open groups, each group's Consumer channel,
// the pool of client connections (also lent to other node services through
// Conn) and the goroutines of AppendEntries pipelines. It does not own the
// grpc.Server or its listener: the caller starts and stops them.
//
// Goroutine safety: every exported method of Transport and every method of
// the raft.Transport values it hands out may be called from any goroutine.
// Close is idempotent; after it, groups deliver no more RPCs, outgoing RPCs
// fail with ErrClosed and incoming ones with status Unavailable.
package transport
