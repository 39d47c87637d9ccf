// Package ycsb runs the YCSB core workloads A to F against any DynamoDB
// endpoint: the key choosers (zipfian, scrambled zipfian, latest, uniform),
// the load and run phases, the open-loop scheduler, the latency histograms
// and the text, CSV and HTML reports that `flotilla bench --workload`
// prints.
//
// It owns the workload definitions, the key and value shapes (keys
// "user<hash>", ten string fields field0..field9) and the table schemas: a
// hash key "ycsb_key" for workloads A, B, C, D and F, and for workload E a
// hash key "ycsb_bucket" holding one of a few bucket names with the range
// key "ycsb_key", so that a Query returns consecutive items of a bucket.
// [Table] creates and deletes such a table; when to do so, and which
// endpoints to use, is left to callers.
//
// Goroutine safety: [Run] and [Load] start their client goroutines and a
// collector and return only after all of them have stopped. Generators
// ([Zipfian], [ScrambledZipfian], [Latest]) and [Histogram] are not safe
// for concurrent use: each client owns its own. [AckCounter] and
// [Recorder] are safe for concurrent use. [Table] is safe for concurrent
// use by the clients of a run.
package ycsb
