// Package fsm adapts a partition state machine to hashicorp/raft.
//
// PartitionFSM implements raft.BatchingFSM over a *partition.Partition: a
// batch of committed log entries becomes one storage batch (the group
// commit), snapshots stream the partition's key range, and Restore replaces
// it. It owns the decoding of log entries and the applied-index
// notifications that linearizable reads wait on; it leaves elections, log
// storage and the choice of when to snapshot to raft.
//
// ApplyBatch reads no clock and no randomness: its results are a pure
// function of the stored state and the entries. A malformed command entry
// yields an error result for that entry only, identically on every replica.
// A batch the partition cannot apply (a storage failure) makes ApplyBatch
// panic: raft would count its entries as applied, so carrying on would
// leave the replica diverged from the log for good. The process stops, and
// on restart raft replays every entry above the partition's applied index,
// which is stored in the same batch as the items. Pebble itself panics (or
// calls its Logger's Fatalf) when a write-ahead-log write or sync fails.
//
// Concurrency: raft calls ApplyBatch, Snapshot and Restore from one
// goroutine; AppliedIndex and WaitApplied may be called from any
// goroutine at any time, and FSMSnapshot.Persist runs concurrently with
// ApplyBatch.
package fsm
