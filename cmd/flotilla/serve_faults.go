package main

import (
	"flag"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/flotilla-db/flotilla/node"
)

// addTestFacilityFlags registers the serve flags of the node's test
// facilities, used by flotilla's fault-injection suite: all are off by
// default and none belongs in production.
func addTestFacilityFlags(fs *flag.FlagSet, c *node.Config) {
	fs.Var(&dialMap{m: &c.PeerDialMap}, "peer-dial-map",
		"test facility: comma-separated `from=to` pairs of host:port addresses; connections and packets to other nodes addressed to a 'from' go to its 'to' (e.g. a fault-injecting proxy)")
	fs.BoolVar(&c.FaultInjection, "fault-injection", false,
		"test facility: put the store behind a fault-injecting filesystem set by POST /admin/fault/disk {\"delay\":\"50ms\",\"fail\":false}")
	fs.BoolVar(&c.UnsafeStaleReads, "unsafe-stale-reads", false,
		"test facility: deliberately unsafe: serve every read from this node's own replica, with no leader check")
}

// dialMap is the flag.Value of --peer-dial-map.
type dialMap struct{ m *map[string]string }

// String renders the map as from=to pairs sorted by from.
func (d *dialMap) String() string {
	if d == nil || d.m == nil {
		return ""
	}
	var pairs []string
	for _, from := range slices.Sorted(maps.Keys(*d.m)) {
		pairs = append(pairs, from+"="+(*d.m)[from])
	}
	return strings.Join(pairs, ",")
}

// Set parses comma-separated from=to pairs of host:port addresses,
// replacing the map.
func (d *dialMap) Set(v string) error {
	m := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok {
			return fmt.Errorf("%q is not a from=to pair", pair)
		}
		for _, a := range []string{from, to} {
			if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
				return fmt.Errorf("%q in %q is not a host:port address", a, pair)
			}
		}
		if _, dup := m[from]; dup {
			return fmt.Errorf("%q is mapped twice", from)
		}
		m[from] = to
	}
	*d.m = m
	return nil
}
