// Package badinput throws thousands of malformed, mistyped, oversized and
// randomly mutated DynamoDB requests at a real flotilla process and checks
// that every one gets a well-formed DynamoDB answer (never a 500, never a
// dropped connection), and that no rejected write changes any item.
//
// It owns only tests. The random sequence is seeded, so a failure reproduces
// with the same seed. Each test starts its own server; the requests are sent
// one at a time from the test goroutine.
package badinput
