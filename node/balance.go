package node

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/flotilla-db/flotilla/node/host"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/hashicorp/raft"
)

// balanceEvery is how many ReconcileIntervals pass between two leadership
// transfers of one node at most.
const balanceEvery = 3

// leaderSlack is how many groups above its fair share (total groups over
// live nodes, rounded up) a node may lead before it hands one over. A move
// also needs a voter leading at least two fewer groups, so leadership
// settles instead of moving back and forth.
const leaderSlack = 0

// transferBackoff is how long the balancer leaves a group alone after a
// failed leadership transfer of it: Raft refuses writes while a transfer
// is in progress, so failing transfers must not follow one another.
const transferBackoff = 30 * time.Second

// groupView is one partition group as the leader balancer sees it.
type groupView struct {
	id     uint64
	leader string   // node id; "" while there is none
	voters []string // voters that are also desired replicas
}

// leaderMove is one leadership transfer.
type leaderMove struct {
	group uint64
	to    string
}

// planLeaderMove decides whether self, leading too many of the groups,
// should hand one over: when self leads more than ceil(total/alive) +
// leaderSlack groups, the group whose alive voter leads the fewest groups
// (ties by node id, then group id) moves to that voter, provided the move
// leaves it leading fewer than self. total is the number of partition
// groups in the cluster; groups are those this node hosts, so the loads
// of other nodes are as seen from here.
func planLeaderMove(self string, groups []groupView, alive map[string]bool, total int) (leaderMove, bool) {
	if len(alive) == 0 || total == 0 {
		return leaderMove{}, false
	}
	load := map[string]int{}
	for _, g := range groups {
		if g.leader != "" {
			load[g.leader]++
		}
	}
	mine := load[self]
	if mine <= (total+len(alive)-1)/len(alive)+leaderSlack {
		return leaderMove{}, false
	}
	var best leaderMove
	found := false
	better := func(m leaderMove) bool {
		if !found {
			return true
		}
		return cmp.Or(cmp.Compare(load[m.to], load[best.to]), cmp.Compare(m.to, best.to), cmp.Compare(m.group, best.group)) < 0
	}
	for _, g := range groups {
		if g.leader != self {
			continue
		}
		for _, v := range g.voters {
			m := leaderMove{group: g.id, to: v}
			if v != self && alive[v] && load[v]+1 < mine && better(m) {
				best, found = m, true
			}
		}
	}
	return best, found
}

// balanceLeaders transfers the leadership of at most one partition group
// this node leads to a less loaded voter (see planLeaderMove).
func (n *Node) balanceLeaders(ctx context.Context) {
	desired, total := desiredReplicas(n.state.Tables())
	alive := map[string]bool{}
	for _, a := range n.cluster(nil, time.Now()).Alive {
		alive[a.ID] = true
	}
	replicas := map[uint64]*host.Replica{}
	var groups []groupView
	for _, r := range n.host.Replicas() {
		want, ok := desired[r.ID()]
		if !ok {
			continue
		}
		replicas[r.ID()] = r
		groups = append(groups, viewOf(r, want))
	}
	now := time.Now()
	for id, at := range n.transferFailedAt {
		if now.Sub(at) > transferBackoff {
			delete(n.transferFailedAt, id)
		}
	}
	groups = slices.DeleteFunc(groups, func(g groupView) bool { _, recent := n.transferFailedAt[g.id]; return recent })
	m, ok := planLeaderMove(n.meta.NodeID, groups, alive, total)
	if !ok {
		return
	}
	g := replicas[m.group].Group()
	addr := voterAddr(g.Configuration, m.to)
	if addr == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*n.cfg.Raft.HeartbeatTimeout)
	defer cancel()
	err := g.TransferLeadership(ctx, raft.ServerID(m.to), addr)
	if err != nil {
		if n.transferFailedAt == nil {
			n.transferFailedAt = map[uint64]time.Time{}
		}
		n.transferFailedAt[m.group] = time.Now()
		n.log.Warn("partition leadership transfer failed", "partition", m.group, "to", m.to, "err", err)
		return
	}
	n.log.Info("transferred partition leadership", "partition", m.group, "to", m.to)
}

// desiredReplicas maps every partition of the tables not being deleted to
// its desired replicas, and counts them.
func desiredReplicas(tables []*schema.Table) (map[uint64][]string, int) {
	out := map[uint64][]string{}
	for _, t := range tables {
		if t == nil || t.Status == schema.StatusDeleting {
			continue
		}
		for _, p := range t.Partitions {
			out[p.ID] = p.Replicas
		}
	}
	return out, len(out)
}

// viewOf describes r's group: its leader and the voters that are desired
// replicas (a group being reconfigured offers only those).
func viewOf(r *host.Replica, want []string) groupView {
	v := groupView{id: r.ID()}
	id, _ := r.Leader()
	v.leader = string(id)
	servers, err := r.Group().Configuration()
	if err != nil {
		return v
	}
	for _, s := range servers {
		// A voter the leader cannot reach is no transfer target.
		if s.Suffrage == raft.Voter && slices.Contains(want, string(s.ID)) && !r.Group().PeerFailing(s.ID) {
			v.voters = append(v.voters, string(s.ID))
		}
	}
	return v
}

// voterAddr returns the address of voter id in the configuration that
// servers returns, "" when it is not a voter.
func voterAddr(servers func() ([]raft.Server, error), id string) raft.ServerAddress {
	list, err := servers()
	if err != nil {
		return ""
	}
	for _, s := range list {
		if string(s.ID) == id && s.Suffrage == raft.Voter {
			return s.Address
		}
	}
	return ""
}
