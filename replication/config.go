package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/raft"
)

// FSM is the state machine a group drives. AppliedIndex is the last log
// index the FSM has covered (commands and configuration entries);
// WaitApplied blocks until it reaches index or ctx is done.
type FSM interface {
	raft.BatchingFSM
	AppliedIndex() uint64
	WaitApplied(ctx context.Context, index uint64) error
}

// Config configures one group. Durations are wall-clock times.
type Config struct {
	// ID names the group: a partition id in decimal or "catalog".
	ID string
	// Dir holds the group's snapshots and, without LogStores, its
	// raft-boltdb file.
	Dir string
	// LogStores, when set, holds the group's log and stable store in a
	// store shared by the node's groups instead of a file in Dir.
	LogStores LogStores
	// LocalID and LocalAddr are this node's id and transport address.
	LocalID   raft.ServerID
	LocalAddr raft.ServerAddress
	// Transport carries this group's raft RPCs.
	Transport raft.Transport
	FSM       FSM
	// Logger receives raft's logs (nil: discarded).
	Logger *slog.Logger
	// LeaderNotify, when set, receives true when this replica becomes
	// leader and false when it stops; raft blocks until it is read.
	LeaderNotify chan<- bool

	// HeartbeatTimeout is how long a follower waits without a leader
	// contact before starting an election.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes.
	ElectionTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader stays leader without
	// reaching a quorum before stepping down. It is not a read lease.
	LeaderLeaseTimeout time.Duration
	// CommitTimeout is the longest a leader waits before an empty append
	// that tells followers the commit index.
	CommitTimeout time.Duration
	// SnapshotInterval is how often raft checks whether to snapshot.
	SnapshotInterval time.Duration
	// SnapshotThreshold is how many log entries since the last snapshot
	// trigger a new one.
	SnapshotThreshold uint64
	// TrailingLogs is how many entries a snapshot leaves in the log, so
	// that slightly lagging followers catch up without a snapshot.
	TrailingLogs uint64
	// MaxAppendEntries is the most entries sent, and applied, in a batch.
	// With BatchApplyCh (always on) it is also the most proposals raft
	// gathers into one log append, that is one fsync, and the size of
	// the proposal queue.
	MaxAppendEntries int
	// FollowerReadLag is the longest a follower may go without accepting
	// an append from its leader and still serve eventually consistent
	// reads (see Group.FollowerReadIndex); 0 turns follower reads off.
	FollowerReadLag time.Duration
}

// DefaultConfig returns production timings; the caller fills in the group,
// node, directory, transport and FSM.
func DefaultConfig() Config {
	return Config{
		HeartbeatTimeout:   time.Second,
		ElectionTimeout:    time.Second,
		LeaderLeaseTimeout: 500 * time.Millisecond,
		CommitTimeout:      50 * time.Millisecond,
		SnapshotInterval:   2 * time.Minute,
		SnapshotThreshold:  8192,
		TrailingLogs:       10240,
		MaxAppendEntries:   512,
		FollowerReadLag:    500 * time.Millisecond,
	}
}

// Validate names the first missing or bad field.
func (c *Config) Validate() error {
	var errs []error
	req := func(ok bool, field string) {
		if !ok {
			errs = append(errs, fmt.Errorf("replication: Config.%s is required", field))
		}
	}
	req(c.ID != "", "ID")
	req(c.Dir != "", "Dir")
	req(c.LocalID != "", "LocalID")
	req(c.LocalAddr != "", "LocalAddr")
	req(c.Transport != nil, "Transport")
	req(c.FSM != nil, "FSM")
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := raft.ValidateConfig(c.raftConfig()); err != nil {
		return fmt.Errorf("replication: group %s: %w", c.ID, err)
	}
	return nil
}

func (c *Config) raftConfig() *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = c.LocalID
	rc.HeartbeatTimeout = c.HeartbeatTimeout
	rc.ElectionTimeout = c.ElectionTimeout
	rc.LeaderLeaseTimeout = c.LeaderLeaseTimeout
	rc.CommitTimeout = c.CommitTimeout
	rc.SnapshotInterval = c.SnapshotInterval
	rc.SnapshotThreshold = c.SnapshotThreshold
	rc.TrailingLogs = c.TrailingLogs
	rc.MaxAppendEntries = c.MaxAppendEntries
	rc.NotifyCh = c.LeaderNotify
	rc.BatchApplyCh = true
	return rc
}
