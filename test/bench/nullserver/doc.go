// Command nullserver is a DynamoDB endpoint that does no work: it answers
// the DynamoDB JSON protocol for the operations the YCSB workloads of
// `flotilla bench` use with canned valid responses and stores nothing.
// Benchmarked like a database, it shows the ceiling of the client and the
// machine: no real server can be faster.
//
//	nullserver [--addr 127.0.0.1:8100] [--item-size 1024]
//
// CreateTable, DescribeTable and UpdateTable answer with an ACTIVE table
// of the name asked for, DeleteTable with a DELETING one, ListTables with
// no tables; PutItem, UpdateItem and DeleteItem with {}; GetItem with one
// fixed item shaped like a YCSB record (ycsb_key and field0..field9 of
// about --item-size bytes in all); Query and Scan with three such items;
// BatchWriteItem with no unprocessed items; BatchGetItem with no items.
// Any other operation gets an UnknownOperationException. GET /ready
// answers 200. On start it prints "listening on HOST:PORT" to stdout.
//
// It is served by fasthttp, as flotilla's own API port is, and answers the
// item operations straight from the connection's buffers, so it costs as
// little server CPU per request as an endpoint can. The handler keeps no
// state beyond the responses it precomputes, so it is safe for concurrent
// use; main serves until SIGINT or SIGTERM.
package main
