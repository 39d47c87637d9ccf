// Package catalog is flotilla's durable table catalog on one node: it
// implements the router's Catalog over the node's Pebble store.
//
// It owns every key that starts with 'c' in that store: one JSON-encoded
// schema.Table per table name, the persisted counter that hands out partition
// ids (never reused, so a dropped partition's id cannot alias a new table),
// and a tombstone per table whose items are still being dropped. Every write
// is committed with pebble.Sync before the call returns. CreateTable sizes a
// new table's partitions as DynamoDB does (one per 3000 RCU plus one per
// 1000 WCU when provisioned, Config.InitialOnDemandPartitions when on
// demand, at most MaxInitialPartitions) and splits the hash space evenly
// among them; tables stored with a single partitionId load as one
// partition covering the whole space.
//
// It leaves item storage to its owner: an Observer hears of each created and
// deleted table, after the catalog change is durable, and opens or drops the
// table's partitions. Tombstones left by a crash between the two are reported
// by PendingDrops so the owner can finish the drop on start.
//
// A Catalog is safe for concurrent use: a mutex serialises writes and reads
// are served from an in-memory copy.
package catalog
