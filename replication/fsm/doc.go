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
// A storage failure is returned as the result of every entry of the batch
// and is fatal for the replica: its state can no longer be trusted to match
// the log, so the owner must stop serving it (Failed reports it) and
// rebuild it from a snapshot.
//
// Concurrency: raft calls ApplyBatch, Snapshot and Restore from one
// goroutine; AppliedIndex, WaitApplied and Failed may be called from any
// goroutine at any time, and FSMSnapshot.Persist runs concurrently with
// ApplyBatch.
package fsm
