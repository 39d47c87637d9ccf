package host

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
)

// Desired is the catalog's view as Reconcile needs it.
type Desired struct {
	// Tables is every table in the catalog.
	Tables []*schema.Table
	// NextPartitionID is the catalog's partition id counter: every id
	// below it has been handed out, so a partition below it that no table
	// lists was deleted.
	NextPartitionID uint64
}

// assigned is one partition this node is listed in.
type assigned struct {
	t *schema.Table
	p *schema.Partition
}

// Reconcile moves this node's replicas one step toward d. Errors are
// logged; the next pass retries.
func (h *Host) Reconcile(ctx context.Context, d Desired) {
	mine := map[uint64]assigned{}
	for _, t := range d.Tables {
		for i := range t.Partitions {
			if p := &t.Partitions[i]; slices.Contains(p.Replicas, h.cfg.NodeID) {
				mine[p.ID] = assigned{t: t, p: p}
			}
		}
	}
	for id, a := range mine {
		if err := h.keep(ctx, a); err != nil {
			h.log.Warn("reconciling partition replica", "partition", id, "table", a.t.Name, "err", err)
		}
	}
	h.release(d, mine)
}

// keep makes sure this node runs a's replica and, as leader, moves its
// configuration toward a's replica list.
func (h *Host) keep(ctx context.Context, a assigned) error {
	r, ok := h.Replica(a.p.ID)
	if ok && r.single && len(a.p.Replicas) > 1 {
		if err := h.reopen(r); err != nil {
			return err
		}
		ok = false
	}
	if !ok {
		var err error
		if r, err = h.open(a.t, a.p); err != nil {
			return err
		}
		if !h.add(r) {
			return r.group.Shutdown()
		}
	}
	if err := h.bootstrap(r, a.p); err != nil {
		return err
	}
	if id, _ := r.group.Leader(); id != "" {
		r.leaderSeen = time.Now()
	}
	if !r.group.IsLeader() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.ChangeTimeout)
	defer cancel()
	return h.reconfigure(ctx, r, a.p.Replicas)
}

// add registers r unless the Host is closed.
func (h *Host) add(r *Replica) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.replicas[r.id] = r
	return true
}

// reopen shuts a single-voter group down so that it is opened again with
// the configured timings.
func (h *Host) reopen(r *Replica) error {
	h.forget(r.id)
	if err := r.group.Shutdown(); err != nil {
		return fmt.Errorf("host: reopen partition %d: %w", r.id, err)
	}
	return nil
}

func (h *Host) forget(id uint64) {
	h.mu.Lock()
	delete(h.replicas, id)
	h.mu.Unlock()
}

// bootstrap forms a brand-new group when this node is its first replica.
func (h *Host) bootstrap(r *Replica, p *schema.Partition) error {
	if r.bootstrapped {
		return nil
	}
	if p.Epoch != 1 || p.Replicas[0] != h.cfg.NodeID {
		r.bootstrapped = true // formed elsewhere; the leader adds us
		return nil
	}
	servers, ok := h.Servers(p.Replicas)
	if !ok {
		return fmt.Errorf("host: bootstrap partition %d: addresses of %v not known yet", p.ID, p.Replicas)
	}
	err := r.group.Bootstrap(servers)
	if err != nil && !errors.Is(err, replication.ErrExistingState) {
		return err
	}
	r.bootstrapped = true
	if err == nil {
		h.log.Debug("bootstrapped partition group", "partition", p.ID, "voters", p.Replicas)
	}
	return nil
}

// reconfigure makes one membership change toward want: first add a
// missing voter, then remove an extra server.
func (h *Host) reconfigure(ctx context.Context, r *Replica, want []string) error {
	servers, err := r.group.Configuration()
	if err != nil {
		return err
	}
	change, err := ReconfigureStep(ctx, r.group, servers, want, h.addr)
	if change != "" {
		h.log.Info("changed partition group", "partition", r.id, "change", change, "err", err)
	}
	return err
}

// Reconfigurer is what ReconfigureStep changes; *replication.Group
// implements it.
type Reconfigurer interface {
	AddVoter(ctx context.Context, id raft.ServerID, addr raft.ServerAddress) error
	RemoveServer(ctx context.Context, id raft.ServerID) error
}

// ReconfigureStep makes at most one change moving the voters in servers
// toward want (node ids) and describes it: adding a missing voter whose
// address is known comes first, then removing a server not wanted.
func ReconfigureStep(ctx context.Context, g Reconfigurer, servers []raft.Server, want []string,
	addr func(string) (raft.ServerAddress, bool)) (string, error) {
	have := map[string]raft.Server{}
	for _, s := range servers {
		have[string(s.ID)] = s
	}
	for _, id := range want {
		if s, ok := have[id]; ok && s.Suffrage == raft.Voter {
			continue
		}
		if a, ok := addr(id); ok {
			return "add " + id, g.AddVoter(ctx, raft.ServerID(id), a)
		}
	}
	for _, s := range servers {
		if !slices.Contains(want, string(s.ID)) {
			return "remove " + string(s.ID), g.RemoveServer(ctx, s.ID)
		}
	}
	return "", nil
}

// release shuts down and drops the replicas this node should no longer
// hold: those of deleted tables at once, those moved to other nodes once
// their group has let them go.
func (h *Host) release(d Desired, mine map[uint64]assigned) {
	live := map[uint64]bool{}
	for _, t := range d.Tables {
		for _, p := range t.Partitions {
			live[p.ID] = true
		}
	}
	for _, r := range h.Replicas() {
		if _, ok := mine[r.id]; ok || r.id >= d.NextPartitionID {
			continue
		}
		if live[r.id] && !h.letGo(r) {
			continue
		}
		h.forget(r.id)
		err := errors.Join(r.group.Shutdown(), h.drop(r.id, r.Partition()))
		if err != nil {
			h.log.Warn("releasing partition replica", "partition", r.id, "err", err)
		}
	}
	h.dropStale(d, mine)
}

// letGo reports whether a replica moved to other nodes may go: its group
// no longer lists it, or it has heard from no leader for ReleaseAfter.
func (h *Host) letGo(r *Replica) bool {
	if id, _ := r.group.Leader(); id != "" {
		r.leaderSeen = time.Now()
	}
	servers, err := r.group.Configuration()
	if err == nil && !slices.ContainsFunc(servers, func(s raft.Server) bool { return string(s.ID) == h.cfg.NodeID }) {
		return true
	}
	return time.Since(r.leaderSeen) > h.cfg.ReleaseAfter
}

// dropStale drops partitions left on disk, not open, whose ids the
// catalog handed out and no longer assigns to this node (a drop
// interrupted by a stop).
func (h *Host) dropStale(d Desired, mine map[uint64]assigned) {
	ids, err := h.onDisk()
	if err != nil {
		h.log.Warn("listing partition groups on disk", "err", err)
		return
	}
	for _, id := range ids {
		if _, ok := mine[id]; ok || id >= d.NextPartitionID {
			continue
		}
		if _, open := h.Replica(id); open {
			continue
		}
		if err := h.drop(id, nil); err != nil {
			h.log.Warn("dropping stale partition replica", "partition", id, "err", err)
		}
	}
}

// Status describes one hosted group.
type Status struct {
	ID      string `json:"id"`
	Table   string `json:"table,omitempty"`
	State   string `json:"state"`
	Leader  string `json:"leader"`
	Term    uint64 `json:"term"`
	Last    uint64 `json:"lastIndex"`
	Commit  uint64 `json:"commitIndex"`
	Applied uint64 `json:"appliedIndex"`
	// First is the first index still in the log: past 1 once a snapshot
	// compacted it. Snapshot is the index the latest snapshot covers.
	First    uint64   `json:"firstIndex"`
	Snapshot uint64   `json:"snapshotIndex"`
	Voters   []string `json:"voters"`
	Problems string   `json:"error,omitempty"`
	// LogAppends is how many times the group's Raft log store wrote
	// since the group opened on this node (one fsync each); LogEntries is
	// how many entries those writes stored.
	LogAppends uint64 `json:"logAppends"`
	LogEntries uint64 `json:"logEntries"`
}

// EntriesPerAppend is how many log entries shared one log store write
// (one fsync) on average; 0 before the first write.
func (s Status) EntriesPerAppend() float64 {
	if s.LogAppends == 0 {
		return 0
	}
	return float64(s.LogEntries) / float64(s.LogAppends)
}

// GroupStatus describes g.
func GroupStatus(id, table string, g *replication.Group) Status {
	st := g.Stats()
	leader, _ := g.Leader()
	s := Status{ID: id, Table: table, State: stateName(st.State), Leader: string(leader), Term: st.Term,
		Last: st.LastIndex, Commit: st.CommitIndex, Applied: st.AppliedIndex, Snapshot: g.SnapshotIndex(), Voters: []string{},
		LogAppends: st.LogAppends, LogEntries: st.LogEntries}
	first, ferr := g.FirstIndex()
	s.First = first
	servers, err := g.Configuration()
	if err = errors.Join(ferr, err); err != nil {
		s.Problems = err.Error()
	}
	for _, sv := range servers {
		if sv.Suffrage == raft.Voter {
			s.Voters = append(s.Voters, string(sv.ID))
		}
	}
	return s
}

func stateName(s raft.RaftState) string {
	switch s {
	case raft.Leader:
		return "leader"
	case raft.Follower:
		return "follower"
	case raft.Candidate:
		return "candidate"
	}
	return "shutdown"
}

// Status describes every hosted partition group.
func (h *Host) Status() []Status {
	var out []Status
	for _, r := range h.Replicas() {
		out = append(out, GroupStatus(fmt.Sprint(r.id), r.table, r.group))
	}
	return out
}
