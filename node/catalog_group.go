package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/flotilla-db/flotilla/node/membership"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
)

// catalogGroupID is the catalog group's id.
const catalogGroupID = "catalog"

// maxCatalogVoters is the most voters of the catalog group.
const maxCatalogVoters = 5

// catalogGroup is this node's replica of the catalog group. It can be
// reopened with other timings, so callers go through it rather than
// holding the *replication.Group.
type catalogGroup struct {
	n *Node

	mu     sync.RWMutex
	g      *replication.Group
	single bool // opened with single-voter timings
	closed bool
}

func openCatalogGroup(n *Node, single bool) (*catalogGroup, error) {
	c := &catalogGroup{n: n}
	return c, c.open(single)
}

// open opens the group; c.mu must not be held by another opener.
func (c *catalogGroup) open(single bool) error {
	g, err := replication.Open(c.n.host.GroupConfig(catalogGroupID, c.n.state, single))
	if err != nil {
		return fmt.Errorf("node: open catalog group: %w", err)
	}
	c.g, c.single = g, single
	return nil
}

func (c *catalogGroup) group() (*replication.Group, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.g == nil || c.closed {
		return nil, fmt.Errorf("node: catalog group: %w", replication.ErrShutdown)
	}
	return c.g, nil
}

// Apply proposes a catalog command.
func (c *catalogGroup) Apply(ctx context.Context, data []byte) (any, error) {
	g, err := c.group()
	if err != nil {
		return nil, err
	}
	return g.Apply(ctx, data)
}

// ReadIndex waits until the catalog replica reflects every committed change.
func (c *catalogGroup) ReadIndex(ctx context.Context) error {
	g, err := c.group()
	if err != nil {
		return err
	}
	return g.ReadIndex(ctx)
}

// Leader returns the catalog leader this replica knows of.
func (c *catalogGroup) Leader() (raft.ServerID, raft.ServerAddress) {
	g, err := c.group()
	if err != nil {
		return "", ""
	}
	return g.Leader()
}

// reopenMulti reopens a group opened with single-voter timings with the
// configured ones, before it gains voters.
// It reports whether it reopened the group.
func (c *catalogGroup) reopenMulti() (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.single || c.closed {
		return false, nil
	}
	if err := c.g.Shutdown(); err != nil {
		return false, err
	}
	return true, c.open(false)
}

// Shutdown stops the group. It is idempotent.
func (c *catalogGroup) Shutdown() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.g == nil {
		return nil
	}
	return c.g.Shutdown()
}

// bootstrapVoters returns the voters to bootstrap a brand-new catalog
// group with, when this node is the one to do it: alone when standalone;
// else once BootstrapExpect nodes are alive, if it has the smallest id
// among the first of them.
func (n *Node) bootstrapVoters() ([]raft.Server, bool) {
	self := raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(n.meta.NodeID), Address: raftAddr(n.grpcAddr)}
	if n.standalone() {
		return []raft.Server{self}, true
	}
	expect := n.cfg.BootstrapExpect
	alive := n.members.Alive()
	if expect < 2 || len(alive) < expect {
		return nil, false
	}
	alive = alive[:expect]
	if alive[0].NodeID != n.meta.NodeID {
		return nil, false
	}
	servers := make([]raft.Server, 0, expect)
	for _, m := range alive {
		if m.GRPCAddr == "" {
			return nil, false
		}
		servers = append(servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(m.NodeID), Address: raftAddr(m.GRPCAddr)})
	}
	return servers, true
}

// tryBootstrap bootstraps the catalog group if this node should; it
// reports whether the group is formed (here or by a peer).
func (n *Node) tryBootstrap() bool {
	g, err := n.cgroup.group()
	if err != nil {
		return true
	}
	if servers, err := g.Configuration(); err == nil && len(servers) > 0 {
		return true
	}
	voters, ok := n.bootstrapVoters()
	if !ok {
		return false
	}
	err = g.Bootstrap(voters)
	switch {
	case err == nil:
		n.log.Info("bootstrapped the catalog group", "voters", len(voters))
		return true
	case errors.Is(err, replication.ErrExistingState):
		return true
	}
	n.log.Warn("bootstrapping the catalog group", "err", err)
	return false
}

// reconcileCatalogVoters makes one change toward a catalog group whose
// voters are the alive nodes, up to maxCatalogVoters: add an alive node
// while there is room, else replace a voter dead past DeadNodeTimeout.
// Only the catalog leader calls it.
func (n *Node) reconcileCatalogVoters(ctx context.Context) error {
	g, err := n.cgroup.group()
	if err != nil {
		return err
	}
	servers, err := g.Configuration()
	if err != nil {
		return err
	}
	voters := map[string]bool{}
	for _, s := range servers {
		voters[string(s.ID)] = s.Suffrage == raft.Voter
	}
	if spare, ok := n.spareNode(voters); ok && len(voters) < maxCatalogVoters {
		if reopened, err := n.cgroup.reopenMulti(); reopened || err != nil {
			return err // the reopened group elects itself again first
		}
		n.log.Info("adding a catalog voter", "voter", spare)
		return g.AddVoter(ctx, raft.ServerID(spare), raftAddr(mustAddr(n, spare)))
	}
	for _, s := range servers {
		if since, dead := n.members.DeadSince(string(s.ID)); dead && time.Since(since) >= n.cfg.DeadNodeTimeout {
			if _, ok := n.spareNode(voters); ok || len(voters) > 3 {
				n.log.Info("removing a dead catalog voter", "voter", s.ID)
				return g.RemoveServer(ctx, s.ID)
			}
		}
	}
	return nil
}

// spareNode returns an alive node with a gRPC address that is not in the
// catalog group.
func (n *Node) spareNode(members map[string]bool) (string, bool) {
	alive := n.members.Alive()
	i := slices.IndexFunc(alive, func(m membership.Meta) bool { _, in := members[m.NodeID]; return !in && m.GRPCAddr != "" })
	if i < 0 {
		return "", false
	}
	return alive[i].NodeID, true
}

func mustAddr(n *Node, id string) string {
	a, _ := directory{n}.GRPCAddr(id)
	return a
}
