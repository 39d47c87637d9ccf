// Package local serves a table's items from partitions held on this node: it
// implements the router's Data interface in single-node mode.
//
// It owns one partition state machine per partition of each table, keyed by
// partition id, and one writer goroutine per partition. The writer group-commits: it takes every queued write (up to
// Config.MaxBatch), applies them with one Partition.ApplyBatch call, which
// is one synced storage batch, and then answers each caller. So every
// acknowledged write is on disk, and throughput grows with the number of
// concurrent clients instead of being bound by one fsync per write. Reads go
// to the partition directly; writes are applied before they are
// acknowledged, so every read is strongly consistent.
//
// It leaves table metadata to the catalog: partitions are opened on
// TableCreated (or lazily on first use after a restart) and dropped on
// TableDeleted, the catalog's Observer calls; Stats sums a table's
// partitions.
//
// A Store is safe for concurrent use. Its goroutines are tracked and stopped
// by Close, which is idempotent and waits for them.
package local
