// Package report turns a finished flotilla chaos run into what people read:
// a short text summary and a report folder.
//
// It owns the Run record (seed, size, duration, history, fault windows,
// checker results), its verdict, the summary text with the command that
// reproduces a failed run, and the folder layout: summary.txt,
// history.jsonl, windows.json, results.json, every file a checker attached
// (such as porcupine's visualisations) and timeline.html, a self-contained
// page plotting throughput and latency over time with the fault windows
// shaded. Running the cluster and checking the history are left to the
// callers that fill in the Run.
//
// Goroutine safety: the functions only read the Run they are given; a Run
// must not be modified while one of them is using it.
package report
