// Package router serves DynamoDB's HTTP API: it decodes and validates
// requests with DynamoDB's exact error messages, translates legacy
// parameters into expressions, and sends each operation to the catalog
// (tables) or to the partitions (items) through the small Catalog and Data
// interfaces it declares; the node package implements them.
//
// A table's partition-key hash space (keyenc.Hash) is split into
// partitions (schema.Table.Partitions). The router sends each item
// operation to the partition of its partition key's hash, splits
// BatchGetItem and BatchWriteItem by partition, and fans a Scan out over
// the partitions that intersect the scanned hash range (the whole space or
// one parallel-scan segment) in hash order, carrying the page's remaining
// Limit and 1 MB budget from one partition to the next (fanout.go).
//
// The wire protocol is JSON 1.0 over POST /: X-Amz-Target names the
// operation ("DynamoDB_20120810.PutItem"), errors are {"__type","message"}
// with HTTP 400 (500 for internal faults), and every response carries
// x-amzn-RequestId and x-amz-crc32. Kind-to-__type translation happens in
// errors.go and nowhere else.
//
// Hot paths: item reads and writes take the catalog's shared, read-only
// table when the Catalog offers it (SharedTableReader) instead of a copy
// per request, and GetItem and the single-item writes write their response
// JSON themselves (respond.go) into pooled buffers; the bytes are those
// encoding/json would write.
//
// A Router holds no per-request state and is safe for concurrent use.
package router
