package dataplane

import (
	"slices"

	"github.com/flotilla-db/flotilla/partition/schema"
)

// target is one node to send an attempt to.
type target struct {
	nodeID string
	addr   string // gRPC address; empty for this node
	local  bool
}

// route chooses the nodes to try for one request, one round at a time: a
// round tries the leader this node's replica knows of first, then this
// node's replica, then the partition's listed replicas, each node at most
// once. An eventually consistent read takes a route only when this node's
// replica could not serve it (see onLocalReplica): the leader has what
// this node's replica lacks. Leader hints from NotLeader answers go to the
// front of the round. A route is used by one request only.
type route struct {
	d     *Data
	p     *schema.Partition
	queue []string          // node ids still to try this round, front first
	tried map[string]bool   // node ids tried this round
	addrs map[string]string // addresses learnt from leader hints
}

func newRoute(d *Data, p *schema.Partition) *route {
	rt := &route{d: d, p: p, addrs: map[string]string{}}
	rt.restart()
	return rt
}

// restart begins a new round.
func (rt *route) restart() {
	rt.tried = map[string]bool{}
	rt.queue = rt.queue[:0]
	if r, ok := rt.d.cfg.Groups.Replica(rt.p.ID); ok {
		if id, addr := r.Leader(); id != "" {
			rt.learn(string(id), string(addr))
			rt.queue = append(rt.queue, string(id))
		}
		rt.queue = append(rt.queue, rt.d.cfg.NodeID)
	}
	rt.queue = append(rt.queue, rt.p.Replicas...)
}

// learn records a node's address from a leader hint.
func (rt *route) learn(id, addr string) {
	if addr != "" {
		rt.addrs[id] = addr
	}
}

// hint puts the named leader at the front of the round unless it was
// tried in it already.
func (rt *route) hint(id, addr string) {
	if id == "" {
		return
	}
	rt.learn(id, addr)
	if !rt.tried[id] {
		rt.queue = slices.Insert(rt.queue, 0, id)
	}
}

// next returns the next node to try this round; false when the round is
// over.
func (rt *route) next() (target, bool) {
	for len(rt.queue) > 0 {
		id := rt.queue[0]
		rt.queue = rt.queue[1:]
		if rt.tried[id] {
			continue
		}
		rt.tried[id] = true
		if id == rt.d.cfg.NodeID {
			return target{nodeID: id, local: true}, true
		}
		if addr, ok := rt.address(id); ok {
			return target{nodeID: id, addr: addr}, true
		}
	}
	return target{}, false
}

// address resolves a node id: the directory first (it tracks address
// changes), then what hints said.
func (rt *route) address(id string) (string, bool) {
	if addr, ok := rt.d.cfg.Directory.GRPCAddr(id); ok {
		return addr, true
	}
	addr, ok := rt.addrs[id]
	return addr, ok
}
