// Package placement decides which nodes hold each partition's replicas in a
// flotilla cluster: where a new partition's replicas go, which replicas
// replace those on dead nodes, which under-replicated partitions gain
// replicas, and which replica moves to even out load across nodes.
//
// It owns only the decision. Its inputs are plain values: the catalog's
// tables (schema.Table with each Partition's Replicas, node ids in order),
// the live nodes with their zones, and since when each known but
// unreachable node has been dead; the current time is passed in. Its output
// is a list of Changes, each the full new replica list for one partition
// and the epoch the catalog should store with it. Writing Changes to the
// catalog, opening Raft groups and reconciling each group's configuration
// to its new list are left to callers, as is the loop that calls Plan.
//
// The rules, in the order Plan applies them to each partition:
//
//   - Replace: a replica on a node dead for at least the dead timeout is
//     dropped and a live node not already in the set is appended, chosen
//     as Initial chooses. Survivors keep their order: the first replica is
//     the one that bootstrapped the group. A dead replica is dropped only
//     when a replacement exists, and never when no replica of the
//     partition is alive (it would drop the last copies).
//   - Repair: a partition with fewer than min(replicationFactor, live
//     nodes) replicas gains replicas. An empty list receives an initial
//     placement.
//   - Rebalance: only when no other change is due and every replica sits
//     on a live node, one replica moves per call from a node holding at
//     least two more replicas than the receiving node. A move never
//     reduces the number of distinct zones a partition spans, never takes
//     the only replica of a partition, and prefers partitions where the
//     donor is not the first replica. Repeated calls converge to every
//     node within one replica of the average where zones allow.
//
// Candidates are ranked by zone spread first (fewest replicas of the set
// already in the candidate's zone), then by load (replicas held), then by
// node id, so the same input always yields the same output. Nodes with an
// empty zone share one zone. Partitions of tables being deleted are
// ignored and do not count toward load. A node named in a replica list but
// neither alive nor in DeadSince is never replaced and blocks rebalancing;
// callers that want such nodes replaced list them in DeadSince.
//
// The package starts no goroutines, does no I/O and never reads the clock.
// Its functions do not modify their arguments and are safe for concurrent
// use.
package placement
