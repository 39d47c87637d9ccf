// Package durability checks that flotilla never loses an acknowledged write
// when its process is killed with SIGKILL under load, and that the data
// directory reopens cleanly afterwards.
//
// It owns only tests, each of which starts, kills and restarts its own
// server process on its own data directory; the tests share nothing and are
// safe to run in parallel with each other.
package durability
