// Package conformance checks flotilla against DynamoDB's documented
// behaviour through the AWS SDK for Go v2: every operation, its limits, and
// its errors, down to the exact messages DynamoDB returns.
//
// It owns only tests. TestMain starts one flotilla process that every test
// shares; each test works in tables of its own, named after the test, so
// tests may run in parallel. Nothing here is meant for use by other packages.
package conformance
