package host

import (
	"context"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/replication/fsm"
	"github.com/hashicorp/raft"
)

// Replica is this node's replica of one partition: its Raft group and
// state machine. Its methods are safe for concurrent use.
type Replica struct {
	id    uint64
	table string
	key   schema.KeySchema
	group *replication.Group
	fsm   *fsm.PartitionFSM
	// single records that the group was opened with single-voter timings.
	single bool

	// Reconcile's own bookkeeping.
	bootstrapped bool
	leaderSeen   time.Time
}

// ID is the partition id.
func (r *Replica) ID() uint64 { return r.id }

// Table is the name of the partition's table.
func (r *Replica) Table() string { return r.table }

// Group is the partition's Raft group on this node.
func (r *Replica) Group() *replication.Group { return r.group }

// Apply proposes an encoded partition.Command.
func (r *Replica) Apply(ctx context.Context, data []byte) (any, error) {
	return r.group.Apply(ctx, data)
}

// ReadIndex returns once the partition reflects every committed write.
func (r *Replica) ReadIndex(ctx context.Context) error { return r.group.ReadIndex(ctx) }

// Partition is the replica's state machine, for reads.
func (r *Replica) Partition() *partition.Partition { return r.fsm.Partition() }

// Leader is the group's leader as this replica knows it.
func (r *Replica) Leader() (raft.ServerID, raft.ServerAddress) { return r.group.Leader() }

// FollowerReadIndex is the index this replica must have applied before it
// serves an eventually consistent read as a follower; false when it may
// not serve one (see replication.Group.FollowerReadIndex).
func (r *Replica) FollowerReadIndex() (uint64, bool) { return r.group.FollowerReadIndex() }

// AppliedIndex is the last log index the state machine covered.
func (r *Replica) AppliedIndex() uint64 { return r.fsm.AppliedIndex() }

// WaitApplied returns once the state machine has applied index, or with
// ctx's error.
func (r *Replica) WaitApplied(ctx context.Context, index uint64) error {
	return r.fsm.WaitApplied(ctx, index)
}
