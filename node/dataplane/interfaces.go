package dataplane

import (
	"context"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
)

// Replica is one partition replica hosted on this node. Its methods are
// called concurrently.
type Replica interface {
	// Apply proposes an encoded partition.Command and returns the FSM's
	// response (a partition.Result, or an error value) once it is applied.
	// On a follower it returns a *replication.NotLeaderError.
	Apply(ctx context.Context, data []byte) (any, error)
	// ReadIndex returns once the replica's partition reflects every write
	// committed before the call; on a follower it returns a
	// *replication.NotLeaderError.
	ReadIndex(ctx context.Context) error
	// Partition is the replica's state machine, for reads.
	Partition() *partition.Partition
	// Leader is the group's leader as this replica knows it (empty when
	// unknown).
	Leader() (raft.ServerID, raft.ServerAddress)
	// FollowerReadIndex returns, on a follower in touch with its leader,
	// the log index it must have applied before it serves an eventually
	// consistent read; false when it may not serve one.
	FollowerReadIndex() (uint64, bool)
	// AppliedIndex is the last log index the partition reflects.
	AppliedIndex() uint64
	// WaitApplied returns once AppliedIndex is at least index, or with
	// ctx's error.
	WaitApplied(ctx context.Context, index uint64) error
}

// Groups finds the partition replicas hosted on this node.
type Groups interface {
	// Replica returns this node's replica of the partition, or false when
	// it hosts none (or it is not open yet).
	Replica(partitionID uint64) (Replica, bool)
}

// Map is what this node's catalog replica knows of partitions; it lets
// the Service tell a sender that its partition map is stale.
// *catalog.State implements it.
type Map interface {
	// PartitionEpoch returns the partition's epoch; gone reports an id
	// the catalog handed out that no table holds any more. Both are zero
	// for an id the replica has not heard of yet.
	PartitionEpoch(id uint64) (epoch uint64, gone bool)
}

// Directory resolves node ids (schema.Partition.Replicas) to gRPC
// addresses.
type Directory interface {
	// GRPCAddr returns the node's gRPC address, or false when unknown.
	GRPCAddr(nodeID string) (string, bool)
}

// Dialer returns a shared client connection to a node's gRPC address;
// replication/transport.Transport.Conn satisfies it.
type Dialer interface {
	Conn(addr raft.ServerAddress) (*grpc.ClientConn, error)
}
