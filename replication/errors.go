package replication

import (
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
)

var (
	// ErrNotLeader is matched (errors.Is) by the *NotLeaderError that
	// Apply, ReadIndex, AddVoter and RemoveServer return on a follower.
	ErrNotLeader = errors.New("replication: not the leader")
	// ErrLeadershipLost is returned by Apply and the membership calls when
	// leadership was lost before the entry committed: it may or may not be
	// applied later.
	ErrLeadershipLost = errors.New("replication: leadership lost; outcome unknown")
	// ErrShutdown is returned by every call on a group that is shut down.
	ErrShutdown = errors.New("replication: group is shut down")
	// ErrTimeout is returned when raft could not accept a proposal in time,
	// or refused it because a leadership transfer is in progress: nothing
	// was proposed and the call may be retried.
	ErrTimeout = errors.New("replication: timed out enqueueing")
	// ErrExistingState is returned by Bootstrap for a group that already
	// has raft state.
	ErrExistingState = errors.New("replication: group already has state")
)

// NotLeaderError says this replica is not the group's leader and names the
// leader it knows of (empty when none is known, e.g. during an election).
type NotLeaderError struct {
	Group      string
	LeaderID   raft.ServerID
	LeaderAddr raft.ServerAddress
}

func (e *NotLeaderError) Error() string {
	if e.LeaderID == "" {
		return fmt.Sprintf("replication: group %s: not the leader; leader unknown", e.Group)
	}
	return fmt.Sprintf("replication: group %s: not the leader; leader is %s at %s", e.Group, e.LeaderID, e.LeaderAddr)
}

// Is makes errors.Is(err, ErrNotLeader) hold.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// mapErr translates raft's errors into this package's, with context.
func (g *Group) mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader):
		return g.notLeader()
	case errors.Is(err, raft.ErrLeadershipLost):
		return fmt.Errorf("replication: group %s: %s: %w (%w)", g.cfg.ID, op, ErrLeadershipLost, err)
	case errors.Is(err, raft.ErrLeadershipTransferInProgress):
		// Raft refuses new entries while it hands leadership over; it
		// proposed nothing.
		return fmt.Errorf("replication: group %s: %s: %w (%w)", g.cfg.ID, op, ErrTimeout, err)
	case errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("replication: group %s: %s: %w", g.cfg.ID, op, ErrShutdown)
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("replication: group %s: %s: %w", g.cfg.ID, op, ErrTimeout)
	}
	return fmt.Errorf("replication: group %s: %s: %w", g.cfg.ID, op, err)
}

func (g *Group) notLeader() error {
	if g.raft.State() == raft.Shutdown {
		return fmt.Errorf("replication: group %s: %w", g.cfg.ID, ErrShutdown)
	}
	addr, id := g.raft.LeaderWithID()
	return &NotLeaderError{Group: g.cfg.ID, LeaderID: id, LeaderAddr: addr}
}
