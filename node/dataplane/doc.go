// Package dataplane carries a router's reads and writes to the partition
// replicas that serve them, on this node or on another one.
//
// Data implements router.Data for a cluster: a write is encoded as a
// partition.Command and applied by the partition's Raft leader, locally
// when this node hosts the leader and otherwise over the gRPC DataService
// of the leader's node; a consistent read is served by the leader after a
// ReadIndex; an eventually consistent read by this node's replica when it
// leads the partition or is a follower in touch with the leader and has
// applied what the read must see (the leader's commit index as of its last
// append, and this node's mark: every write it acknowledged and every read
// another node served for it), else by the leader while it is reachable,
// else by a replica that knows a leader. Service is the server side of DataService:
// it serves one hop only (a replica that is not the leader answers with a
// leader hint and never forwards again), so requests cannot loop.
//
// Data owns the retry policy: NotLeader answers, unreachable nodes and
// groups that are still starting are retried with a short backoff until the
// request's deadline (DefaultTimeout when the context has none), after
// which the client gets a ServiceUnavailable (dberr.Unavailable) error. A
// write whose outcome is unknown is always reported as an error.
//
// A router's partition map can be stale (its node's catalog replica lags
// behind a deleted and re-created table, or replicas that moved). A node
// that hosts no replica of a requested partition checks its own catalog
// (Map) and answers STALE_MAP when the partition is gone or the request's
// epoch is older than the catalog's; Data then ends the request at once
// with an error wrapping router.ErrStaleMap (and dberr.Unavailable), and
// the router re-reads the table at the catalog leader and retries once.
// The check costs nothing on the path that serves a request. A replica
// that knows no leader of its group serves no eventually consistent reads,
// since it may be all that is left of a deleted partition. Which
// groups this node hosts (Groups) and where other nodes listen (Directory)
// are the caller's, as is the gRPC server Service is registered on.
//
// Config.UnsafeStaleReads is a test facility that deliberately serves
// every read of a hosted partition from this node's replica unchecked
// (stale reads), so that the fault-injection suite can show its checkers
// catch them; it is off unless `flotilla serve --unsafe-stale-reads`.
//
// Concurrency: Data and Service are safe for concurrent use; they start no
// goroutines of their own beyond gRPC's.
package dataplane
