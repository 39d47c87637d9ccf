// Package replication runs flotilla's Raft groups on a node.
//
// A Group is one hashicorp/raft group on this node: a partition replica or
// the catalog. It owns the group's on-disk raft state (a file snapshot
// store in Config.Dir, and a raft-boltdb log and stable store there unless
// Config.LogStores is set), starts and stops
// raft, proposes commands (Apply), serves linearizable reads (ReadIndex),
// bootstraps brand-new groups and changes their membership. The state
// machine (Config.FSM, e.g. fsm.PartitionFSM), the transport shared by a
// node's groups and the decision of which groups a node hosts belong to the
// caller. With Config.LogStores set (package pebblelog), the log and
// stable store live in a store shared by the node's groups instead of the
// raft-boltdb file; Remove deletes the group's part of it.
//
// Because the FSM persists its applied index with its data, a restarting
// group does not restore its latest snapshot when the FSM already holds
// state at or past it (raft's NoSnapshotRestoreOnStart); raft then
// re-delivers the entries after the snapshot and the FSM skips those it has
// applied.
//
// Group commit: raft gathers the proposals waiting when its leader loop
// turns (BatchApplyCh, up to Config.MaxAppendEntries) into one log append,
// which the log store writes in one batch and syncs before any of them is
// acknowledged. Stats counts those writes (LogAppends) and the
// entries they stored (LogEntries), so their ratio is how many writes
// shared an fsync. The bbolt file does not persist its free page list
// (bbolt rebuilds it on open), which saves a page write per append.
//
// Linearizable reads follow the ReadIndex scheme: once per term the leader
// commits a barrier so that its commit index covers every earlier term;
// then a read records the commit index, confirms leadership with one
// VerifyLeader shared by every read that arrived meanwhile, and waits until
// the FSM has applied the recorded index. LeaderLeaseTimeout is never
// used as a read lease.
//
// Errors: calls on a follower return a *NotLeaderError (errors.Is
// ErrNotLeader) naming the known leader; ErrLeadershipLost means a
// proposal's outcome is unknown; ErrShutdown follows Shutdown.
//
// Concurrency: every Group method is safe for concurrent use. Shutdown is
// idempotent and waits for the group's goroutines. Raft closes its
// transport on shutdown when the transport implements raft.WithClose, so a
// transport shared by several groups must hand each group its own view.
package replication
