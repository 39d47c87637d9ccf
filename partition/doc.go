// Package partition is the state machine of one key range of one table.
//
// A Partition stores its items in a shared embedded ordered key-value store
// (Pebble), under keys prefixed by its partition id, in an order-preserving
// encoding (see package keyenc) so that a range scan returns items in
// DynamoDB's order: by hash of the partition key, then by sort key. The
// storage layout and the Command encoding are described in DESIGN.md.
//
// Writes arrive as Commands with a log index. ApplyBatch is deterministic:
// it reads no clock and no randomness, checks each command's condition,
// applies its update, and writes the items together with the applied index
// and the partition's item count and size in ONE storage batch, synced to
// disk before it returns. On restart, AppliedIndex tells the replicator
// which log entries are already applied; entries at or below it are skipped.
// ApplyEntries is the same with explicit, increasing, possibly
// non-consecutive log indexes (ApplyBatch is built on it); SetSync(false)
// lets a replicated partition, whose durable record is the Raft log, commit
// without fsync. Snapshot takes a consistent point-in-time view that
// WriteTo streams in a checksummed framing; Restore validates such a stream
// in full and then replaces the partition's key range atomically.
// EncodeCommand and DecodeCommand turn a Command into the deterministic
// bytes a replication log carries.
//
// The package owns storage access, ReturnValues, Query and Scan paging
// (Limit, ExclusiveStartKey, the 1 MB page limit, parallel scan segments)
// and the item statistics. Request validation, expression parsing errors
// reported before proposal and paging across partitions are the router's.
//
// Concurrency: ApplyBatch, ApplyEntries, Restore and Drop calls must be serialised by the caller (a
// Raft FSM or the single-node writer); Get, Query, Scan, Stats and
// AppliedIndex may run concurrently with each other and with ApplyBatch, as
// may Snapshot.WriteTo.
// Reads see whole batches or none of them.
package partition
