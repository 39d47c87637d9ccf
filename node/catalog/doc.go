// Package catalog is flotilla's replicated table catalog: the state
// machine of the catalog Raft group and the router's Catalog on top of it.
//
// State, the state machine, owns every key that starts with 'c' in the
// node's Pebble store: one JSON-encoded table per name (with its version,
// the log index of its last change), the persisted counter that hands out
// partition ids (never reused, so a dropped partition's id cannot alias a
// new table) and the applied index, written in the same batch as the
// changes; entries at or below it are skipped on replay, so batches need
// not be synced. Apply is deterministic: commands (Command, JSON) carry
// everything chosen by the proposer (ids, ARNs, times, replica placement),
// and Apply only assigns partition ids from the counter and checks
// versions. Snapshots stream the catalog's keys.
//
// Catalog implements router.Catalog on a node: reads come from the local
// replica, and a table not found there is looked up again after catching
// up with the leader (a read index from the leader, then a wait for the
// local replica), so a table created through another node is found at
// once; ListTables always catches up first. Writes are proposed on the
// leader, locally or through the Catalog gRPC service (Service), retrying
// on NotLeader with the leader's hint until the context's deadline.
// UpdateTable is a read-modify-write guarded by the table's version.
// CreateTable sizes a new table's partitions as DynamoDB does (one per
// 3000 RCU plus one per 1000 WCU when provisioned,
// Config.InitialOnDemandPartitions when on demand, at most
// MaxInitialPartitions), splits the hash space evenly among them and asks
// Config.Place for their replicas. Dropping a deleted table's items is
// left to the replicas' hosts.
//
// State, Catalog and Service are safe for concurrent use. State's
// ApplyBatch, Snapshot and Restore are called by raft one at a time.
package catalog
