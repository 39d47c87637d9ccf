// Package history records what the clients of a flotilla chaos run did: every
// operation's invocation, completion and outcome on one monotonic clock, and
// the fault windows the nemesis applied, in the shapes the checkers and the
// report read.
//
// It owns the Op and Window types, their JSON Lines and JSON encodings, the
// Recorder that hands out operation ids and timestamps, and ClassifyError,
// the one place that decides whether a failed DynamoDB request definitely
// did not take effect (Fail) or may have (Unknown). What an operation means
// (its Kind, Input and Output) is left to the workloads that record it.
//
// A Recorder is safe for concurrent use by any number of goroutines; a
// Pending belongs to the goroutine that began it. Everything else is plain
// data or a pure function.
package history
