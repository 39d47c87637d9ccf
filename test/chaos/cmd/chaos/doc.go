// Command chaos runs flotilla's Jepsen-style robustness suite (package
// chaos) once from the command line, as `make chaos` does: it starts a
// cluster of real flotilla processes, injects a seeded fault schedule
// while clients run, checks the history, prints the summary and writes
// the report folder.
//
// Usage:
//
//	go run ./test/chaos/cmd/chaos [-nodes 3] [-duration 10m] [-seed S] [-faults kill,partition,...]
//
// The seed is printed first; the summary ends with the command line that
// reproduces a failed run. The exit status is 1 when a checker found the
// run invalid, 2 when the suite itself failed or the flags are wrong.
//
// The command is one goroutine driving one run; it owns nothing shared.
package main
