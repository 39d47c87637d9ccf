package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
)

// catalogGroupID is the catalog group's id.
const catalogGroupID = "catalog"

// maxCatalogVoters is the most voters of the catalog group; every other
// alive node holds a non-voting replica.
const maxCatalogVoters = 5

// minCatalogVoters is the fewest voters a dead voter is removed down to
// when no alive node can take its place.
const minCatalogVoters = 3

// catalogGroup is this node's replica of the catalog group. It can be
// reopened with other timings, so callers go through it rather than
// holding the *replication.Group.
type catalogGroup struct {
	n *Node

	// maxVoters is the most voters the catalog leader keeps in the group
	// (maxCatalogVoters; tests lower it to have non-voters in small
	// clusters).
	maxVoters atomic.Int32

	mu     sync.RWMutex
	g      *replication.Group
	single bool // opened with single-voter timings
	closed bool
}

func openCatalogGroup(n *Node, single bool) (*catalogGroup, error) {
	c := &catalogGroup{n: n}
	c.maxVoters.Store(maxCatalogVoters)
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

// catalogChangeKind is a kind of change to the catalog group's members.
type catalogChangeKind int

const (
	addCatalogVoter catalogChangeKind = iota + 1
	addCatalogNonvoter
	removeCatalogMember
)

func (k catalogChangeKind) String() string {
	switch k {
	case addCatalogVoter:
		return "adding a catalog voter"
	case addCatalogNonvoter:
		return "adding a catalog non-voter"
	case removeCatalogMember:
		return "removing a dead catalog member"
	}
	return "unknown catalog change"
}

// catalogChange is one change to the catalog group's members.
type catalogChange struct {
	kind catalogChangeKind
	id   string
}

// catalogView is what the catalog leader decides the group's members
// from.
type catalogView struct {
	// members maps the group's members to their suffrage.
	members map[string]raft.ServerSuffrage
	// alive lists the alive nodes with a gRPC address, in order of
	// preference.
	alive []string
	// gone holds the members dead for at least DeadNodeTimeout.
	gone map[string]bool
	// maxVoters is the most voters the group may have.
	maxVoters int
}

// next returns the one change that brings the catalog group closest to
// its goal: the alive nodes up to maxVoters as voters, every other alive
// node as a non-voter, no member dead past the timeout. In order: promote
// or add a voter while there is room (non-voters first, as they hold the
// log); remove a dead voter when an alive node can take its place or more
// than minCatalogVoters remain; remove a dead non-voter; add an alive
// node that is no member as a non-voter. A node that returns after its
// removal is thus added back, and its old Raft state then follows the
// leader's configuration.
func (v catalogView) next() (catalogChange, bool) {
	voters := 0
	for _, s := range v.members {
		if s == raft.Voter {
			voters++
		}
	}
	candidate, hasCandidate := v.voterCandidate()
	if hasCandidate && voters < v.maxVoters {
		return catalogChange{addCatalogVoter, candidate}, true
	}
	if id, ok := v.goneMember(raft.Voter); ok && (hasCandidate || voters > minCatalogVoters) {
		return catalogChange{removeCatalogMember, id}, true
	}
	if id, ok := v.goneMember(raft.Nonvoter); ok {
		return catalogChange{removeCatalogMember, id}, true
	}
	for _, id := range v.alive {
		if _, in := v.members[id]; !in {
			return catalogChange{addCatalogNonvoter, id}, true
		}
	}
	return catalogChange{}, false
}

// voterCandidate returns an alive node that is no voter: a non-voter if
// there is one, else a node that is no member.
func (v catalogView) voterCandidate() (string, bool) {
	outside := ""
	for _, id := range v.alive {
		s, in := v.members[id]
		switch {
		case in && s != raft.Voter:
			return id, true
		case !in && outside == "":
			outside = id
		}
	}
	return outside, outside != ""
}

// goneMember returns the smallest id of a member with suffrage s that is
// dead past the timeout.
func (v catalogView) goneMember(s raft.ServerSuffrage) (string, bool) {
	var ids []string
	for id, ms := range v.members {
		if v.gone[id] && (ms == s || (s == raft.Nonvoter && ms != raft.Voter)) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return "", false
	}
	return slices.Min(ids), true
}

// reconcileCatalogMembers makes one change toward a catalog group whose
// voters are alive nodes, up to maxVoters, and whose non-voters are the
// other alive nodes (see catalogView.next). Only the catalog leader calls
// it.
func (n *Node) reconcileCatalogMembers(ctx context.Context) error {
	g, err := n.cgroup.group()
	if err != nil {
		return err
	}
	servers, err := g.Configuration()
	if err != nil {
		return err
	}
	ch, ok := n.catalogView(servers).next()
	if !ok {
		return nil
	}
	if ch.kind != removeCatalogMember {
		if reopened, err := n.cgroup.reopenMulti(); reopened || err != nil {
			return err // the reopened group elects itself again first
		}
	}
	n.log.Info(ch.kind.String(), "member", ch.id)
	id := raft.ServerID(ch.id)
	switch ch.kind {
	case addCatalogVoter:
		return g.AddVoter(ctx, id, raftAddr(mustAddr(n, ch.id)))
	case addCatalogNonvoter:
		return g.AddNonvoter(ctx, id, raftAddr(mustAddr(n, ch.id)))
	default:
		return g.RemoveServer(ctx, id)
	}
}

// catalogView gathers the catalog group's members and membership's view
// of them.
func (n *Node) catalogView(servers []raft.Server) catalogView {
	v := catalogView{members: map[string]raft.ServerSuffrage{}, gone: map[string]bool{}, maxVoters: int(n.cgroup.maxVoters.Load())}
	for _, s := range servers {
		v.members[string(s.ID)] = s.Suffrage
		if since, dead := n.members.DeadSince(string(s.ID)); dead && time.Since(since) >= n.cfg.DeadNodeTimeout {
			v.gone[string(s.ID)] = true
		}
	}
	for _, m := range n.members.Alive() {
		if m.GRPCAddr != "" {
			v.alive = append(v.alive, m.NodeID)
		}
	}
	return v
}

// catalogMembers returns the ids of the catalog group's members, voters
// and non-voters: the nodes whose catalog replica the leader replicates
// to.
func (n *Node) catalogMembers() (map[string]bool, error) {
	g, err := n.cgroup.group()
	if err != nil {
		return nil, err
	}
	servers, err := g.Configuration()
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(servers))
	for _, s := range servers {
		in[string(s.ID)] = true
	}
	return in, nil
}

func mustAddr(n *Node, id string) string {
	a, _ := directory{n}.GRPCAddr(id)
	return a
}
