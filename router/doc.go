// Package router serves DynamoDB's HTTP API: it decodes and validates
// requests with DynamoDB's exact error messages, translates legacy
// parameters into expressions, and sends each operation to the catalog
// (tables) or to the partitions (items) through the small Catalog and Data
// interfaces it declares; the node package implements them.
//
// The wire protocol is JSON 1.0 over POST /: X-Amz-Target names the
// operation ("DynamoDB_20120810.PutItem"), errors are {"__type","message"}
// with HTTP 400 (500 for internal faults), and every response carries
// x-amzn-RequestId and x-amz-crc32. Kind-to-__type translation happens in
// errors.go and nowhere else.
//
// A Router holds no per-request state and is safe for concurrent use.
package router
