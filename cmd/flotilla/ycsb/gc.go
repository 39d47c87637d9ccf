package ycsb

import "runtime/debug"

// loadGeneratorGCPercent is the GOGC of a benchmark client: the AWS SDK
// allocates a few kilobytes per request, and at the default of 100 the
// collector takes a fifth of the client's CPU. A load generator's live heap
// is small, so trading memory for fewer collections raises the throughput
// one machine can drive by about 15%.
const loadGeneratorGCPercent = 400

// TuneGC sets the garbage collector of a process that generates load to
// loadGeneratorGCPercent, unless the GOGC environment variable (read with
// getenv) chooses a setting.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(loadGeneratorGCPercent)
	}
}
