// Package node is a running flotilla process: it opens the data directory,
// hosts this node's partitions and catalog, and serves the DynamoDB HTTP API.
//
// It owns the data directory layout (node.json, the store/ Pebble database
// holding the catalog under prefix 'c' and partitions under prefix 'p'),
// the HTTP server with its /health and /ready endpoints, and the shutdown
// order: stop accepting requests, drain them, stop the partition writers,
// close the store. Request handling is left to package router, durable
// table metadata to package catalog and item storage to package local.
//
// In single-node mode the cluster settings (gRPC and gossip addresses, join
// list, bootstrap size) are validated and recorded but not used.
//
// A Node is safe for concurrent use; Run is called once, and Close may be
// called from any goroutine, any number of times.
package node
