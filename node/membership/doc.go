// Package membership tells a flotilla node which other nodes exist and
// whether they are reachable, by owning one hashicorp/memberlist (SWIM
// gossip) instance per process.
//
// It owns the gossip listener bound to Config.BindAddr, the encoding of
// this node's Meta (node id, gRPC, HTTP and zone) into memberlist's node
// metadata (JSON, at most 512 bytes), a table of every node ever seen with
// its State and the time that state last changed, and the fan-out of
// join/leave/update Events to subscribers. What to do about a dead node
// (replacing its replicas, moving leadership) is left to callers: the
// placement loop reads DeadSince and Members and decides.
//
// memberlist v0.7.0 reports only joins, leaves and metadata updates; it
// does not expose suspicion, so a node is reported StateAlive until it is
// declared dead. A graceful Leave is told apart from a failure by first
// gossiping a "leaving" mark in the node metadata; when that mark did not
// reach a peer before the leave did, the peer reports StateDead.
//
// Config.DialMap is a test facility: when set, memberlist's network
// transport is wrapped so that every outgoing packet and stream to a
// mapped address goes to its replacement (a fault-injecting proxy), while
// the addresses gossiped stay the real ones.
//
// A Membership is safe for concurrent use. Shutdown may be called any
// number of times from any goroutine. Subscriber channels are fed by one
// goroutine per subscriber and never block memberlist's own goroutines.
package membership
