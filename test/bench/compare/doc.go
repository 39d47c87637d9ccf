// Command compare benchmarks flotilla against dynalite (a DynamoDB
// emulator on LevelDB) and a no-work endpoint on this machine, with the
// YCSB workloads of `flotilla bench`, and prints one comparison table.
// `make bench-compare` builds what it needs and runs it.
//
// It owns every server it measures: it starts each on 127.0.0.1 with free
// ports and a fresh data directory under a temporary work directory, and
// stops them all (SIGTERM, then SIGKILL) when it returns, also on Ctrl-C
// or SIGTERM; a server outlives it only if it is killed with SIGKILL, and
// even then the kernel kills the servers (they are started with a parent
// death signal). The targets are:
//
//   - null: test/bench/nullserver, the client's ceiling;
//   - single: one flotilla node with its defaults (writes synced);
//   - cluster: three flotilla nodes, every partition replicated three
//     ways, the clients spread over the three;
//   - dynalite: dynalite with its LevelDB store on disk (--path).
//
// For each round (the second one visits the targets in reverse order, so
// that neither drift nor warm-up favours one) and target it starts the
// target, loads the records, runs each workload for the duration, and
// stops the target. Around each run it reads the server processes' CPU
// time (utime+stime in /proc/PID/stat, summed over the nodes of a cluster)
// and, for flotilla, the Raft log appends and entries that GET
// /admin/status reports, whose ratio is the number of writes each log
// sync carried. Everything runs on one goroutine apart from the benchmark
// clients, which package ycsb owns.
//
// With --curve (a list of percentages, e.g. 10,20,...,80; `make
// bench-curve`) it also measures latency against load: after the
// closed-loop run of each workload on a target, whose throughput is the
// peak, it runs the workload again open loop at each percentage of that
// peak for --curve-duration, on the same server and table (no reload), and
// records the offered and achieved rates, p50 and p99 per operation type
// and in total, the server's CPU per operation and errors. Open loop
// measures each operation's latency from when it was due, so queueing
// counts. After the main table it prints one curve table per target,
// workload and round: each round's curve is printed on its own, not
// averaged with the others, since its levels are fractions of the peak
// measured in that round.
package main
