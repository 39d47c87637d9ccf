// Package node is a running flotilla process: a member of a Raft-replicated
// cluster (a single node is a cluster of one) that serves the DynamoDB HTTP
// API.
//
// It owns the data directory layout (node.json; store/, the Pebble
// database holding the catalog under prefix 'c' and partitions under
// prefix 'p'; raft/<group-id>/ per Raft group), the wiring and the start
// and stop order of the node's parts: the store, one gRPC server (the
// multiplexed Raft transport, the catalog service and the data plane),
// memberlist gossip, the catalog group, the partition replicas (package
// host), the router and the HTTP server with /health, /ready and
// /admin/status.
//
// It also owns the cluster loops: bootstrapping the catalog group (alone
// when standalone; with BootstrapExpect nodes, by the one with the
// smallest id among the first of them), reconciling the hosted replicas
// after each catalog change and every ReconcileInterval, and, on the
// catalog leader, keeping the catalog group's voters on live nodes (up to
// five), every other live node a non-voter and members dead past
// DeadNodeTimeout removed (a node back after its removal is added again),
// and proposing the replica moves package placement plans (dead nodes
// replaced after DeadNodeTimeout; only nodes in the catalog group receive
// replicas); and, on every node, spreading
// partition leadership: a node leading more than its share of the
// partition groups plus one hands one group over to its least loaded
// voter at most every three ReconcileIntervals. Table metadata semantics belong
// to package catalog, request routing to packages router and dataplane.
//
// /ready answers 200 once Run serves HTTP and this node's catalog replica
// has caught up with a leader recently.
//
// Test facilities for flotilla's fault-injection suite, off by default, are
// wired here too: Config.PeerDialMap (gRPC dials and gossip traffic to
// other nodes go to the mapped addresses), Config.FaultInjection (the
// store on package faultfs, set through POST and GET /admin/fault/disk,
// which answer 404 otherwise) and Config.UnsafeStaleReads.
//
// A Node is safe for concurrent use; Run is called once, and Close may be
// called from any goroutine, any number of times.
package node
