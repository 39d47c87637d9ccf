// Package dataplane carries a router's reads and writes to the partition
// replicas that serve them, on this node or on another one.
//
// Data implements router.Data for a cluster: a write is encoded as a
// partition.Command and applied by the partition's Raft leader, locally
// when this node hosts the leader and otherwise over the gRPC DataService
// of the leader's node; a consistent read is served by the leader after a
// ReadIndex; an eventually consistent read by the local replica when there
// is one, else by any replica. Service is the server side of DataService:
// it serves one hop only (a replica that is not the leader answers with a
// leader hint and never forwards again), so requests cannot loop.
//
// Data owns the retry policy: NotLeader answers, unreachable nodes and
// groups that are still starting are retried with a short backoff until the
// request's deadline (DefaultTimeout when the context has none), after
// which the client gets a ServiceUnavailable (dberr.Unavailable) error. A
// write whose outcome is unknown is always reported as an error. Which
// groups this node hosts (Groups) and where other nodes listen (Directory)
// are the caller's, as is the gRPC server Service is registered on.
//
// Concurrency: Data and Service are safe for concurrent use; they start no
// goroutines of their own beyond gRPC's.
package dataplane
