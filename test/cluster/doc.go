// Package cluster is the black-box test suite of a multi-node flotilla
// cluster: it starts real flotilla processes on 127.0.0.1 (through
// harness.StartCluster), drives them with the AWS SDK for Go v2, and kills,
// stops and restarts nodes to check that any node serves any request, that
// acknowledged writes survive the loss of a leader, that restarted nodes
// catch up, and that the DynamoDB conformance suite passes against a
// cluster.
//
// The package owns no server code; every test owns its own cluster and
// cleans up its processes and data when it ends. The dead-node replacement
// test shortens the dead-node timeout with --dead-node-timeout.
package cluster
