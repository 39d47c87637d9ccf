// Package chaos is flotilla's Jepsen-style robustness suite: it starts a
// cluster of real `flotilla serve` processes on 127.0.0.1 whose every
// node-to-node link runs through a fault-injecting proxy, drives the
// workloads of package workload against random nodes through the AWS SDK,
// injects a seeded schedule of faults (kill -9, SIGSTOP, partitions,
// latency, loss, slow and failing disks, node replacement), heals the
// cluster, waits for it to recover, and hands the recorded history to the
// checkers.
//
// The package owns the runner (Run), the cluster of processes it starts
// (node slots, their proxies, kill/restart/pause, health and leader
// queries) and the nemesis that drives the fault schedule. Recording and
// checking histories belong to packages history and workload, the proxies
// to package netfault, the report folder to package report.
//
// Every process Run starts is killed before Run returns, even on a panic;
// a paused process is resumed first. A seed fixes the fault schedule, the
// choices of the client processes and the proxies' randomness; process
// timing still differs between runs, so a seed reproduces a run's shape,
// not every interleaving.
//
// Goroutine safety: Run may be called from several goroutines at once,
// each call with its own cluster. Within a run, the cluster is shared by
// the nemesis goroutine, which alone changes it, and the client goroutines,
// which only read which nodes are started; its methods are safe for
// concurrent use.
package chaos
