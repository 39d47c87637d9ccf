// Package host runs the partition replicas a flotilla node is assigned:
// it opens, bootstraps, reconfigures and removes one Raft group per
// partition whose catalog entry lists this node.
//
// It owns every partition group of the node (their raft directories under
// <data-dir>/raft/<partition id>/ and their state machines over the node's
// shared Pebble store) and the reconcile pass that moves them toward the
// catalog's desired state: open the groups this node is listed in;
// bootstrap a brand-new group (epoch 1, this node its first replica, no
// raft state yet) with all its replicas as voters; as a group's leader,
// add missing voters and remove extra ones, one change per pass; shut down
// and drop the replicas of deleted tables and of partitions moved away.
// A partition is only ever dropped for a catalog that has handed out its
// id, so a replica whose catalog lags never drops data it has not been
// told about. The catalog itself, the node directory and the loop that
// calls Reconcile are the caller's.
//
// A group whose only desired replica is this node runs with short
// election timeouts (nothing can contend), so that a new table of a single
// node is writable at once; it is reopened with the configured timings
// before it gains voters.
//
// Concurrency: Replica and Status are safe for concurrent use with each
// other and with Reconcile; Reconcile and Close must not run concurrently
// with themselves or each other.
package host
