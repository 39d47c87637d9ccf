// Package harness starts real flotilla server processes for black-box tests
// and gives tests AWS SDK clients pointed at them.
//
// The flotilla binary is built once per test binary (go build ./cmd/flotilla)
// into a temporary directory. Every server binds to 127.0.0.1 on a free port,
// keeps its data in a directory of the test's choosing, and is killed when
// the test ends. Waiting is by polling /ready with a deadline, never by
// sleeping a fixed time.
//
// A Server is owned by one test goroutine; its methods are not safe for
// concurrent use.
package harness
