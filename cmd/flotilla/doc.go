// Command flotilla is the flotilla database binary: `flotilla serve` runs a
// node, `flotilla admin` inspects one, `flotilla bench` loads one with the
// AWS SDK for Go.
//
// It owns only the command line: flags, their environment variables
// (FLOTILLA_DATA_DIR, FLOTILLA_HTTP_ADDR, ...; a flag wins over its
// variable), the log handler and level, and signal handling. Everything
// else is package node's.
package main
