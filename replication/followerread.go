package replication

import (
	"time"

	"github.com/hashicorp/raft"
)

// LeaderProgress is what a group's transport knows of the leader's log
// appends this replica accepted; transport.GroupTransport implements it.
// Without it a group serves no follower reads.
type LeaderProgress interface {
	// LeaderProgress returns the highest leader commit index carried by
	// an append this replica accepted, the last log index the latest
	// accepted append left this replica with, and when it was accepted
	// (zeros before the first). Heartbeats are not appends.
	LeaderProgress() (commit, accepted uint64, at time.Time)
}

// followerReadScan bounds how many log entries FollowerReadIndex reads
// looking for the last committed entry the state machine sees, and how far
// behind the leader's commit index a follower's log may be for it to
// serve reads (the rest is usually on its way in the pipeline).
const followerReadScan = 64

// FollowerReadIndex returns the log index this replica's state machine must
// have applied before it serves an eventually consistent read as a
// follower: the last entry the leader had committed as of its latest
// append that this replica accepted. ok is false unless this replica is a
// follower that knows its leader, accepted an append from it within
// Config.FollowerReadLag (heartbeats do not count: a follower that needs
// a snapshot still accepts them), and whose log is at most
// followerReadScan entries short of what the leader said was committed (a
// follower catching up after a restart is not). A read served once the
// index is applied misses at most what was committed since that append;
// the leader sends one at least every twice Config.CommitTimeout.
func (g *Group) FollowerReadIndex() (index uint64, ok bool) {
	lp, hasProgress := g.cfg.Transport.(LeaderProgress)
	if !hasProgress || g.cfg.FollowerReadLag <= 0 || g.raft.State() != raft.Follower {
		return 0, false
	}
	if id, _ := g.Leader(); id == "" {
		return 0, false
	}
	commit, accepted, at := lp.LeaderProgress()
	if commit == 0 || accepted+followerReadScan < commit || time.Since(at) > g.cfg.FollowerReadLag {
		return 0, false
	}
	return g.lastFSMEntry(commit), true
}

// lastFSMEntry returns the index of the last entry at or below commit that
// raft hands the state machine (a command or a configuration), so that
// waiting for it to be applied ends: raft's no-op and barrier entries
// never reach the state machine. It looks back at most followerReadScan
// entries past the state machine's applied index, and returns commit
// itself when it cannot tell, which makes a bounded wait for it fail.
func (g *Group) lastFSMEntry(commit uint64) uint64 {
	applied := g.cfg.FSM.AppliedIndex()
	for i, n := commit, 0; i > applied; i, n = i-1, n+1 {
		var l raft.Log
		if n == followerReadScan || g.logs.GetLog(i, &l) != nil {
			return commit
		}
		if l.Type == raft.LogCommand || l.Type == raft.LogConfiguration {
			return i
		}
	}
	return applied
}
