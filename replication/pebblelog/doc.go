// Package pebblelog stores the Raft logs and stable state of all of a
// node's Raft groups in one Pebble database, so that concurrent log
// appends of different groups share write-ahead-log fsyncs through
// Pebble's commit pipeline (a synced batch waits for one WAL sync that
// covers every batch committed before it).
//
// Stores wraps a *pebble.DB that the caller opens (see Options) and closes;
// the database should hold nothing else. Stores.Open returns a group's
// Store, a raft.LogStore and raft.StableStore whose keys live under the
// group's prefixes: "rl/<group>/" followed by the big-endian log index for
// log entries, "rs/<group>/" followed by the key for stable values.
// Stores.Drop deletes a group's keys. Log entries are encoded by hand
// (see codec.go), not with msgpack, gob or JSON.
//
// Every write (StoreLogs, DeleteRange, Set, SetUint64) is one batch
// committed with pebble.Sync, so it is on disk when the call returns. A
// Store caches its first and last index in memory, updated by its own
// writes, because raft asks for them often.
//
// Concurrency: Stores and Store methods are safe for concurrent use. A
// Store's writes are serialised among themselves (raft writes a group's
// log from one goroutine anyway, besides log compaction); reads never wait
// for a write's fsync. Two Stores open on the same group of one database
// would keep inconsistent caches: Stores.Open refuses a group already open.
package pebblelog
