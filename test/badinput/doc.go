// Package badinput throws thousands of malformed, mistyped, oversized and
// randomly mutated DynamoDB requests at a real flotilla process and checks
// that every one gets a well-formed DynamoDB answer (never a 500, never a
// dropped connection), and that no rejected write changes any item.
//
// It owns only tests. The random sequence is seeded, so a failure reproduces
// with the same seed. Each test starts its own server, unless
// BADINPUT_ENDPOINT names an endpoint to run against instead (one node of a
// cluster, say); BADINPUT_REQUESTS overrides how many requests are sent. The
// suite leaves its tables "bad" and "victim" behind on such an endpoint and
// reuses them on the next run. The requests are sent one at a time from the
// test goroutine.
package badinput
