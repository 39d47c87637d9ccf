// Package netfault is the fault-injecting network of flotilla's chaos suite:
// TCP and UDP proxies placed on every node-to-node link, whose faults
// (blocking, one-way latency with jitter, packet loss) the suite changes at
// run time to partition and degrade a cluster of real flotilla processes.
//
// A Network owns every proxy it starts, every connection they accept and
// every goroutine that serves them. A link is the ordered pair of node
// numbers (From, To): the proxies of link i→j sit in front of node j's gRPC
// and gossip addresses and carry what node i sends to node j. A link's Fault
// applies to both directions of the TCP connections node i opens through
// that link (replies included, so a request/response round trip through a
// link with Delay d sees about 2d), and to the UDP packets node i sends,
// which only ever flow one way. Callers start the flotilla processes and
// route their traffic through the proxy addresses; this package knows
// nothing of flotilla itself.
//
// Loss and jitter draw from one random source seeded by NewNetwork, so a
// seeded run makes the same draws in the same order of events.
//
// Network is safe for concurrent use by any number of goroutines. Close stops
// every proxy, closes every connection and returns only after every goroutine
// the Network started has exited.
package netfault
