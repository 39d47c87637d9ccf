// Package harness starts real flotilla server processes for black-box tests
// and gives tests AWS SDK clients pointed at them.
//
// The flotilla binary is built once per test binary (go build ./cmd/flotilla)
// into a temporary directory, unless $FLOTILLA_TEST_BINARY names a prebuilt
// one. Every server binds to 127.0.0.1 on free ports, keeps its data in a
// directory of the test's choosing, and is killed when the test ends.
// StartCluster starts several servers that form one cluster; its nodes keep
// their ports across restarts, since the cluster records each node's
// addresses. Waiting is by polling /ready with a deadline, never by
// sleeping a fixed time.
//
// A Server or Cluster is owned by one test goroutine; their methods are not
// safe for concurrent use, except where a method's comment says otherwise.
package harness
