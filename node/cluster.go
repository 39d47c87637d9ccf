package node

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/flotilla-db/flotilla/node/dataplane"
	"github.com/flotilla-db/flotilla/node/host"
	"github.com/flotilla-db/flotilla/node/membership"
	"github.com/flotilla-db/flotilla/node/placement"
	"github.com/hashicorp/raft"
)

// replicationFactor is the number of replicas of every partition (fewer
// while the cluster has fewer nodes).
const replicationFactor = 3

// leaveTimeout bounds how long a stopping node waits for peers to hear
// that it leaves.
const leaveTimeout = time.Second

// listenAdvertised listens for an address that is also advertised to
// peers: exactly there when its host is an IP literal, else on all
// interfaces at its port. It returns the listener and the address to
// advertise (with the port chosen when addr asked for port 0).
func listenAdvertised(addr string) (net.Listener, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("address %q: %w", addr, err)
	}
	if net.ParseIP(host) != nil {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
		}
		return ln, ln.Addr().String(), nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", port))
	if err != nil {
		return nil, "", fmt.Errorf("listen on port %s for %s: %w", port, addr, err)
	}
	return ln, addr, nil
}

// gossipAddrs returns memberlist's bind address and the address to
// advertise ("" for the bind address): a host name is resolved for
// advertising, and gossip then binds all interfaces.
func gossipAddrs(addr string) (bind, advertise string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("node: gossip address %q: %w", addr, err)
	}
	if net.ParseIP(host) != nil {
		return addr, "", nil
	}
	ips, err := net.LookupHost(host)
	if err != nil || len(ips) == 0 {
		return "", "", fmt.Errorf("node: resolve gossip host %q: %v", host, err)
	}
	return net.JoinHostPort("0.0.0.0", port), net.JoinHostPort(ips[0], port), nil
}

func raftAddr(a string) raft.ServerAddress { return raft.ServerAddress(a) }

// joinGossip starts membership and joins Config.Join in the background.
func (n *Node) joinGossip() error {
	bind, advertise, err := gossipAddrs(n.cfg.GossipAddr)
	if err != nil {
		return err
	}
	mcfg := membership.DefaultConfig()
	mcfg.NodeID, mcfg.BindAddr, mcfg.AdvertiseAddr, mcfg.Logger = n.meta.NodeID, bind, advertise, n.log
	mcfg.DialMap = n.cfg.PeerDialMap
	mcfg.Meta = membership.Meta{NodeID: n.meta.NodeID, GRPCAddr: n.grpcAddr, HTTPAddr: n.HTTPAddr(), Zone: n.cfg.Zone}
	if n.members, err = membership.New(mcfg); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	if len(n.cfg.Join) > 0 {
		n.goFunc(func(ctx context.Context) {
			if err := n.members.Join(ctx, n.cfg.Join); err != nil && ctx.Err() == nil {
				n.log.Error("joining the cluster failed", "err", err)
			}
		})
	}
	n.goFunc(n.rejoinLoop)
	return nil
}

// rejoinInterval is how often a node that sees dead members tries to
// reach them again.
const rejoinInterval = 5 * time.Second

// rejoinLoop contacts dead members and the --join addresses every
// rejoinInterval while any member is dead, so that the two sides of a
// healed network partition merge again (see membership.Rejoin).
func (n *Node) rejoinLoop(ctx context.Context) {
	t := time.NewTicker(rejoinInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n.members.HasDead() {
			n.members.Rejoin(n.cfg.Join)
		}
	}
}

// leaveGossip tells peers this node leaves, when there are any.
func (n *Node) leaveGossip() {
	if n.members == nil || len(n.members.Alive()) < 2 {
		return
	}
	if err := n.members.Leave(leaveTimeout); err != nil {
		n.log.Warn("leaving the cluster", "err", err)
	}
}

// standalone reports whether this node forms a cluster of its own: no
// peers to join and none to wait for.
func (n *Node) standalone() bool {
	return len(n.cfg.Join) == 0 && n.cfg.BootstrapExpect <= 1
}

// directory resolves node ids to gRPC addresses from gossip.
type directory struct{ n *Node }

var (
	_ dataplane.Directory = directory{}
	_ host.Directory      = directory{}
)

// GRPCAddr returns the gRPC address a node announced, alive or not.
func (d directory) GRPCAddr(nodeID string) (string, bool) {
	if nodeID == d.n.meta.NodeID {
		return d.n.grpcAddr, true
	}
	if d.n.members == nil {
		return "", false
	}
	for _, m := range d.n.members.Members() {
		if m.NodeID == nodeID && m.GRPCAddr != "" {
			return m.GRPCAddr, true
		}
	}
	return "", false
}

// groups exposes the host's replicas to the data plane.
type groups struct{ h *host.Host }

var _ dataplane.Groups = groups{}

func (g groups) Replica(id uint64) (dataplane.Replica, bool) {
	r, ok := g.h.Replica(id)
	if !ok {
		return nil, false
	}
	return r, true
}

// cluster is the placement view of membership: the alive nodes (this one
// always among them) and since when the others have been dead. Nodes that
// replicas name but gossip never heard of count as dead since this node
// started.
func (n *Node) cluster(named []string, started time.Time) placement.Cluster {
	c := placement.Cluster{DeadSince: map[string]time.Time{}}
	known := map[string]bool{n.meta.NodeID: true}
	c.Alive = append(c.Alive, placement.Node{ID: n.meta.NodeID, Zone: n.cfg.Zone})
	for _, m := range n.members.Members() {
		known[m.NodeID] = true
		switch {
		case m.NodeID == n.meta.NodeID:
		case m.State == membership.StateAlive || m.State == membership.StateSuspect:
			c.Alive = append(c.Alive, placement.Node{ID: m.NodeID, Zone: m.Zone})
		default:
			c.DeadSince[m.NodeID] = m.Since
		}
	}
	for _, id := range named {
		if !known[id] {
			c.DeadSince[id] = started
		}
	}
	return c
}

// place chooses the replicas of n new partitions. The first replica of a
// new partition bootstraps its group and so becomes its first leader:
// each set is ordered to put the node that is first in the fewest
// partitions in front, so that leaders start spread over the nodes rather
// than waiting for the balancing loop to move them.
func (n *Node) place(count int) [][]string {
	tables := n.state.Tables()
	// Only catalog members can open their replicas; a node that has just
	// joined or returned is added to the catalog group within a reconcile
	// interval.
	c, err := n.placementCluster(nil, time.Now())
	if err != nil {
		c = n.cluster(nil, time.Now())
	}
	load := placement.Load(tables)
	firsts := map[string]int{}
	for _, t := range tables {
		for _, p := range t.Partitions {
			if len(p.Replicas) > 0 {
				firsts[p.Replicas[0]]++
			}
		}
	}
	out := make([][]string, count)
	for i := range out {
		set := placement.Initial(c, load, replicationFactor)
		for _, id := range set {
			load[id]++
		}
		placement.LeadFirst(set, firsts)
		if len(set) > 0 {
			firsts[set[0]]++
		}
		out[i] = set
	}
	return out
}
