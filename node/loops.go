package node

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/flotilla-db/flotilla/node/host"
	"github.com/flotilla-db/flotilla/node/placement"
)

// Loop timings.
const (
	bootstrapPoll = 50 * time.Millisecond
	readyPoll     = 50 * time.Millisecond
	readyTimeout  = 2 * time.Second
)

// startLoops starts the node's background work: bootstrapping the
// catalog group, hosting replicas, the catalog leader's duties, balancing
// partition leaders and the readiness check.
func (n *Node) startLoops() {
	n.goFunc(n.bootstrapLoop)
	n.goFunc(n.hostLoop)
	n.goFunc(n.leaderLoop)
	n.goFunc(n.balanceLoop)
	n.goFunc(n.readyLoop)
}

// every calls fn now and then every d until ctx ends; fn returning true
// ends the loop.
func every(ctx context.Context, d time.Duration, fn func() bool) {
	t := time.NewTicker(d)
	defer t.Stop()
	for !fn() {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (n *Node) bootstrapLoop(ctx context.Context) {
	every(ctx, bootstrapPoll, n.tryBootstrap)
}

// hostLoop reconciles the hosted replicas after every catalog change and
// every ReconcileInterval.
func (n *Node) hostLoop(ctx context.Context) {
	changed := n.state.Subscribe()
	t := time.NewTicker(n.cfg.ReconcileInterval)
	defer t.Stop()
	for {
		n.host.Reconcile(ctx, host.Desired{Tables: n.state.Tables(), NextPartitionID: n.state.NextPartitionID()})
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// leaderLoop runs the catalog leader's duties every ReconcileInterval:
// the catalog group's members and the placement of replicas.
func (n *Node) leaderLoop(ctx context.Context) {
	started := time.Now()
	every(ctx, n.cfg.ReconcileInterval, func() bool {
		g, err := n.cgroup.group()
		if err != nil || !g.IsLeader() {
			return false
		}
		cctx, cancel := context.WithTimeout(ctx, 10*n.cfg.Raft.HeartbeatTimeout)
		defer cancel()
		if err := n.reconcileCatalogMembers(cctx); err != nil {
			n.log.Warn("reconciling catalog members", "err", err)
		}
		n.planPlacement(cctx, started)
		return false
	})
}

// balanceLoop hands over the leadership of at most one partition group
// every balanceEvery ReconcileIntervals while this node leads more than
// its share.
func (n *Node) balanceLoop(ctx context.Context) {
	every(ctx, balanceEvery*n.cfg.ReconcileInterval, func() bool {
		n.balanceLeaders(ctx)
		return false
	})
}

// planPlacement proposes the replica changes placement asks for.
func (n *Node) planPlacement(ctx context.Context, started time.Time) {
	tables := n.state.Tables()
	var named []string
	for _, t := range tables {
		for _, p := range t.Partitions {
			named = append(named, p.Replicas...)
		}
	}
	c, err := n.placementCluster(named, started)
	if err != nil {
		n.log.Warn("reading the catalog group's members", "err", err)
		return
	}
	changes := placement.Plan(tables, c, time.Now(), n.cfg.DeadNodeTimeout, replicationFactor)
	for _, ch := range changes {
		n.log.Info("moving partition replicas", "table", ch.Table, "partition", ch.PartitionID,
			"replicas", ch.Replicas, "epoch", ch.Epoch, "reason", ch.Reason)
		if err := n.catalog.SetReplicas(ctx, ch.PartitionID, ch.Replicas, ch.Epoch); err != nil {
			n.log.Warn("storing partition replicas", "partition", ch.PartitionID, "err", err)
			return
		}
	}
}

// readyLoop keeps catalogOK current: the catalog has a leader and this
// node's replica has caught up with it. It checks every readyPoll until
// ready, then every ReconcileInterval.
func (n *Node) readyLoop(ctx context.Context) {
	for {
		sctx, cancel := context.WithTimeout(ctx, readyTimeout)
		err := n.catalog.Sync(sctx)
		cancel()
		n.catalogOK.Store(err == nil)
		wait := readyPoll
		if err == nil {
			wait = n.cfg.ReconcileInterval
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// placementCluster is the cluster placement may place replicas in: the
// alive nodes that are members of the catalog group (voters or
// non-voters). An alive node outside it, such as a node back after its
// removal and not yet added again, may hold a stale catalog that never
// catches up, so it would not open the replicas placed on it: it is left
// out, neither alive nor dead, so none of its replicas are replaced and
// nothing is moved to it until it is a member again.
// errNoCatalogConfiguration: the catalog group has no configuration yet
// (it is not bootstrapped), so catalog membership says nothing.
var errNoCatalogConfiguration = errors.New("node: the catalog group has no configuration yet")

func (n *Node) placementCluster(named []string, started time.Time) (placement.Cluster, error) {
	members, err := n.catalogMembers()
	if err != nil {
		return placement.Cluster{}, err
	}
	if len(members) == 0 {
		return placement.Cluster{}, errNoCatalogConfiguration
	}
	c := n.cluster(named, started)
	c.Alive = slices.DeleteFunc(c.Alive, func(m placement.Node) bool { return !members[m.ID] })
	return c, nil
}
