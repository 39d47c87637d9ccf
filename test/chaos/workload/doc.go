// Package workload holds the client workloads of flotilla's chaos suite and
// the checkers that judge their recorded histories.
//
// It owns each workload's table layout, the operations it sends through the
// AWS SDK for Go v2 (one request per operation, recorded with package
// history), the final reads it makes once the cluster is healed, and its
// checker: Register (per-key linearizability with porcupine, plus stale,
// phantom and failed-write reads found without search, which stand even
// when porcupine runs out of time), ListAppend
// (lost, duplicated, reordered or phantom list elements), Counter (bounds
// and monotonic reads of a counter) and Durability (acknowledged puts
// survive, rejected ones never appear). Availability is a checker without a
// workload: it reports how many operations succeeded during each fault
// window. Building the clients (retries disabled, per-request timeout),
// choosing nodes and processes, and driving Step are left to the caller.
//
// Goroutine safety: a Workload's Step may be called concurrently for
// different processes, but the calls for one process must be sequential
// (each process is one goroutine); Setup and Final are called alone. Check
// is a pure function of its argument and safe to call concurrently.
package workload
