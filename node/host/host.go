package host

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/replication/fsm"
	"github.com/hashicorp/raft"
)

// Directory resolves node ids to gRPC addresses.
type Directory interface {
	GRPCAddr(nodeID string) (string, bool)
}

// Transports hands out one raft.Transport per group;
// *transport.Transport implements it.
type Transports interface {
	Group(groupID string) raft.Transport
}

// Config configures a Host.
type Config struct {
	// NodeID and Addr are this node's id and gRPC address.
	NodeID string
	Addr   raft.ServerAddress
	// RaftDir holds one directory per group.
	RaftDir string
	// DB is the node's Pebble store.
	DB         *pebble.DB
	Transports Transports
	Directory  Directory
	// Raft carries the timings of every group; the group fields are set
	// per group.
	Raft replication.Config
	// ReleaseAfter is how long a replica no longer listed in the catalog
	// waits without a group leader before it removes itself.
	ReleaseAfter time.Duration
	// ChangeTimeout bounds one configuration change.
	ChangeTimeout time.Duration
	Logger        *slog.Logger
}

// Validate reports the first missing field.
func (c Config) Validate() error {
	switch {
	case c.NodeID == "" || c.Addr == "":
		return errors.New("host: Config.NodeID and Config.Addr are required")
	case c.RaftDir == "":
		return errors.New("host: Config.RaftDir is required")
	case c.DB == nil || c.Transports == nil || c.Directory == nil:
		return errors.New("host: Config.DB, Config.Transports and Config.Directory are required")
	case c.ReleaseAfter <= 0 || c.ChangeTimeout <= 0:
		return fmt.Errorf("host: Config.ReleaseAfter %v and Config.ChangeTimeout %v must be positive", c.ReleaseAfter, c.ChangeTimeout)
	}
	return nil
}

// Host holds this node's partition replicas.
type Host struct {
	cfg Config
	log *slog.Logger

	mu       sync.RWMutex
	replicas map[uint64]*Replica // guarded by mu
	closed   bool                // guarded by mu
}

// New returns a Host with no replicas open.
func New(cfg Config) (*Host, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Host{cfg: cfg, log: log.With("component", "host"), replicas: map[uint64]*Replica{}}, nil
}

// Replica returns this node's open replica of a partition.
func (h *Host) Replica(id uint64) (*Replica, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	r, ok := h.replicas[id]
	return r, ok
}

// Replicas returns every open replica, ordered by partition id.
func (h *Host) Replicas() []*Replica {
	h.mu.RLock()
	out := make([]*Replica, 0, len(h.replicas))
	for _, r := range h.replicas {
		out = append(out, r)
	}
	h.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Replica) int { return cmpUint(a.id, b.id) })
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Close shuts every replica's group down. It is idempotent.
func (h *Host) Close() error {
	h.mu.Lock()
	rs := h.replicas
	h.replicas, h.closed = map[uint64]*Replica{}, true
	h.mu.Unlock()
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.group.Shutdown())
	}
	return errors.Join(errs...)
}

// GroupConfig returns the replication config of group id, over fsm,
// with short timeouts when single is set.
func (h *Host) GroupConfig(id string, f replication.FSM, single bool) replication.Config {
	c := h.cfg.Raft
	c.ID, c.Dir = id, filepath.Join(h.cfg.RaftDir, id)
	c.LocalID, c.LocalAddr = raft.ServerID(h.cfg.NodeID), h.cfg.Addr
	c.Transport, c.FSM = h.cfg.Transports.Group(id), f
	if single {
		c.HeartbeatTimeout = min(c.HeartbeatTimeout, SingleVoterTimeout)
		c.ElectionTimeout = min(c.ElectionTimeout, SingleVoterTimeout)
		c.LeaderLeaseTimeout = min(c.LeaderLeaseTimeout, SingleVoterTimeout)
	}
	return c
}

// SingleVoterTimeout is the heartbeat, election and lease timeout of a
// group whose only desired voter is this node.
const SingleVoterTimeout = 50 * time.Millisecond

// Servers returns the raft servers of node ids, false when an address is
// not known yet.
func (h *Host) Servers(ids []string) ([]raft.Server, bool) {
	out := make([]raft.Server, 0, len(ids))
	for _, id := range ids {
		addr, ok := h.addr(id)
		if !ok {
			return nil, false
		}
		out = append(out, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(id), Address: addr})
	}
	return out, true
}

func (h *Host) addr(id string) (raft.ServerAddress, bool) {
	if id == h.cfg.NodeID {
		return h.cfg.Addr, true
	}
	a, ok := h.cfg.Directory.GRPCAddr(id)
	return raft.ServerAddress(a), ok && a != ""
}

// open opens this node's replica of p of t.
func (h *Host) open(t *schema.Table, p *schema.Partition) (*Replica, error) {
	part, err := partition.Open(h.cfg.DB, p.ID, t.Key)
	if err != nil {
		return nil, fmt.Errorf("host: open partition %d of %s: %w", p.ID, t.Name, err)
	}
	f := fsm.New(part)
	single := len(p.Replicas) == 1
	g, err := replication.Open(h.GroupConfig(strconv.FormatUint(p.ID, 10), f, single))
	if err != nil {
		return nil, fmt.Errorf("host: open group of partition %d of %s: %w", p.ID, t.Name, err)
	}
	return &Replica{id: p.ID, table: t.Name, key: t.Key, group: g, fsm: f, single: single, leaderSeen: time.Now()}, nil
}

// drop deletes what this node holds of partition id: its raft directory,
// its log in a shared log store and its items. The replica's group must be shut down.
func (h *Host) drop(id uint64, part *partition.Partition) error {
	if part == nil {
		var err error
		if part, err = partition.Open(h.cfg.DB, id, schema.KeySchema{}); err != nil {
			return fmt.Errorf("host: open partition %d to drop it: %w", id, err)
		}
	}
	if err := part.Drop(); err != nil {
		return fmt.Errorf("host: drop partition %d: %w", id, err)
	}
	if ls := h.cfg.Raft.LogStores; ls != nil {
		if err := ls.Drop(strconv.FormatUint(id, 10)); err != nil {
			return fmt.Errorf("host: drop Raft log of partition %d: %w", id, err)
		}
	}
	dir := filepath.Join(h.cfg.RaftDir, strconv.FormatUint(id, 10))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("host: remove %s: %w", dir, err)
	}
	h.log.Info("dropped partition replica", "partition", id)
	return nil
}

// onDisk returns the partition ids that have a raft directory.
func (h *Host) onDisk() ([]uint64, error) {
	ents, err := os.ReadDir(h.cfg.RaftDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("host: list %s: %w", h.cfg.RaftDir, err)
	}
	var ids []uint64
	for _, e := range ents {
		if id, err := strconv.ParseUint(e.Name(), 10, 64); err == nil && e.IsDir() {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
