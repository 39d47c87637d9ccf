package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"
)

// BoltLogFile is the name of a group's raft-boltdb log file in its
// directory, when the group has no shared log store.
const BoltLogFile = "raft.db"

const (
	logFile       = BoltLogFile
	snapshotsKept = 2
	logCacheSize  = 512
)

// Group is one raft group hosted on this node.
type Group struct {
	cfg   Config
	log   *slog.Logger
	raft  *raft.Raft
	store *countingStore
	logs  raft.LogStore // store behind raft's cache of recent entries
	reads *readIndexer
	peers *peerWatch

	wg           sync.WaitGroup // goroutines started by the group
	closed       chan struct{}  // closed when Shutdown starts
	shutdownOnce sync.Once
	shutdownErr  error
}

// Open opens the group's raft state in cfg.Dir (creating it if needed) and
// starts raft. A brand-new group has no configuration until Bootstrap or
// until a leader adds this replica.
func Open(cfg Config) (*Group, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("group", cfg.ID)
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("replication: group %s: %w", cfg.ID, err)
	}
	logs, err := openLogStore(cfg)
	if err != nil {
		return nil, fmt.Errorf("replication: group %s: open log store: %w", cfg.ID, err)
	}
	store := &countingStore{LogStore: logs}
	g := &Group{cfg: cfg, log: logger, store: store, closed: make(chan struct{})}
	if err := g.start(); err != nil {
		store.Close()
		return nil, err
	}
	g.reads = newReadIndexer(g)
	return g, nil
}

// openLogStore opens the group's log store: in cfg.LogStores when set,
// else in a raft-boltdb file in cfg.Dir. A group whose log is in a bolt
// file does not open in a shared store, where its log would be empty.
func openLogStore(cfg Config) (LogStore, error) {
	path := filepath.Join(cfg.Dir, logFile)
	if cfg.LogStores == nil {
		bolt, err := raftboltdb.New(raftboltdb.Options{Path: path, BoltOptions: boltOptions()})
		if err != nil {
			return nil, err
		}
		return bolt, nil
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s holds this group's log; it cannot move to another log store", path)
	}
	return cfg.LogStores.Open(cfg.ID)
}

// boltOptions tunes the log's bbolt file for appends: the free page list
// is not written on every commit (bbolt rebuilds it when the file opens),
// so a commit writes only the new pages and the meta page, and the
// in-memory free list is a hash map. Each commit is still fsynced.
func boltOptions() *bbolt.Options {
	return &bbolt.Options{NoFreelistSync: true, FreelistType: bbolt.FreelistMapType}
}

// start opens the snapshot store and starts raft.
func (g *Group) start() error {
	hl := newHCLog(g.log, "raft")
	snaps, err := raft.NewFileSnapshotStoreWithLogger(g.cfg.Dir, snapshotsKept, hl)
	if err != nil {
		return fmt.Errorf("replication: group %s: open snapshot store: %w", g.cfg.ID, err)
	}
	rc := g.cfg.raftConfig()
	rc.Logger = hl
	if rc.NoSnapshotRestoreOnStart, err = g.fsmCoversSnapshot(snaps); err != nil {
		return err
	}
	logs, err := raft.NewLogCache(logCacheSize, g.store)
	if err != nil {
		return fmt.Errorf("replication: group %s: %w", g.cfg.ID, err)
	}
	g.logs = logs
	g.raft, err = raft.NewRaft(rc, g.cfg.FSM, logs, g.store, snaps, g.cfg.Transport)
	if err != nil {
		return fmt.Errorf("replication: group %s: start raft: %w", g.cfg.ID, err)
	}
	g.watchPeers()
	return nil
}

// fsmCoversSnapshot reports whether the FSM's persisted state is at or past
// the latest snapshot, so that raft need not restore it on start: raft then
// takes the snapshot's index as applied and re-delivers the later entries,
// which the FSM skips up to its own applied index. An FSM behind the
// snapshot (its unsynced tail lost in a machine crash, or a replica whose
// snapshot was installed but not yet flushed) is restored as usual.
func (g *Group) fsmCoversSnapshot(snaps raft.SnapshotStore) (bool, error) {
	list, err := snaps.List()
	if err != nil {
		return false, fmt.Errorf("replication: group %s: list snapshots: %w", g.cfg.ID, err)
	}
	if len(list) == 0 {
		return false, nil
	}
	covered := g.cfg.FSM.AppliedIndex() >= list[0].Index
	g.log.Debug("opening group", "snapshot_index", list[0].Index,
		"fsm_applied", g.cfg.FSM.AppliedIndex(), "restore", !covered)
	return covered, nil
}

// Bootstrap makes a brand-new group with the given voters. It fails with
// ErrExistingState when the group already has raft state (it was
// bootstrapped before, or a leader has contacted it).
func (g *Group) Bootstrap(servers []raft.Server) error {
	has, err := raft.HasExistingState(g.store, g.store, g.snapshots())
	if err != nil {
		return fmt.Errorf("replication: group %s: bootstrap: %w", g.cfg.ID, err)
	}
	if has {
		return fmt.Errorf("replication: group %s: bootstrap: %w", g.cfg.ID, ErrExistingState)
	}
	f := g.raft.BootstrapCluster(raft.Configuration{Servers: servers})
	if err := f.Error(); err != nil {
		if errors.Is(err, raft.ErrCantBootstrap) {
			return fmt.Errorf("replication: group %s: bootstrap: %w (%w)", g.cfg.ID, ErrExistingState, err)
		}
		return g.mapErr("bootstrap", err)
	}
	return nil
}

// snapshots opens a read-only view of the snapshot directory.
func (g *Group) snapshots() raft.SnapshotStore {
	s, err := raft.NewFileSnapshotStoreWithLogger(g.cfg.Dir, snapshotsKept, newHCLog(g.log, "snapshots"))
	if err != nil {
		return emptySnapshots{}
	}
	return s
}

// emptySnapshots is a SnapshotStore with no snapshots.
type emptySnapshots struct{ raft.SnapshotStore }

func (emptySnapshots) List() ([]*raft.SnapshotMeta, error) { return nil, nil }

// Apply proposes data (an encoded command) and returns the FSM's response
// for it once it is committed and applied here. On a follower it returns a
// *NotLeaderError. When ctx ends first, the outcome is unknown.
func (g *Group) Apply(ctx context.Context, data []byte) (any, error) {
	f := g.raft.Apply(data, enqueueTimeout(ctx))
	if err := g.wait(ctx, f); err != nil {
		return nil, g.mapErr("apply", err)
	}
	resp := f.Response()
	if err, ok := resp.(error); ok {
		return nil, fmt.Errorf("replication: group %s: apply: %w", g.cfg.ID, err)
	}
	return resp, nil
}

// enqueueTimeout is how long raft may take to accept a proposal: until the
// context's deadline, or forever.
func enqueueTimeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d), time.Millisecond)
	}
	return 0
}

// wait waits for a raft future, the context or Shutdown. (Raft may accept
// a proposal into its buffer during shutdown and never resolve it.)
func (g *Group) wait(ctx context.Context, f raft.Future) error {
	select {
	case <-g.closed:
		return raft.ErrRaftShutdown
	default:
	}
	done := make(chan error, 1)
	go func() { done <- f.Error() }() // raft resolves every future, at the latest on shutdown
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-g.closed:
		return raft.ErrRaftShutdown
	}
}

// Leader returns the leader this replica knows of (empty if none).
func (g *Group) Leader() (raft.ServerID, raft.ServerAddress) {
	addr, id := g.raft.LeaderWithID()
	return id, addr
}

// IsLeader reports whether this replica believes it is the leader.
func (g *Group) IsLeader() bool { return g.raft.State() == raft.Leader }

// Configuration returns the group's latest membership.
func (g *Group) Configuration() ([]raft.Server, error) {
	f := g.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, g.mapErr("configuration", err)
	}
	return f.Configuration().Servers, nil
}

// AddVoter adds (or promotes) a voter; it returns once the change commits.
func (g *Group) AddVoter(ctx context.Context, id raft.ServerID, addr raft.ServerAddress) error {
	f := g.raft.AddVoter(id, addr, 0, enqueueTimeout(ctx))
	return g.mapErr("add voter "+string(id), g.wait(ctx, f))
}

// AddNonvoter adds a non-voting member that receives the log but does not
// vote (a voter stays a voter); it returns once the change commits.
func (g *Group) AddNonvoter(ctx context.Context, id raft.ServerID, addr raft.ServerAddress) error {
	f := g.raft.AddNonvoter(id, addr, 0, enqueueTimeout(ctx))
	return g.mapErr("add non-voter "+string(id), g.wait(ctx, f))
}

// RemoveServer removes a member; it returns once the change commits.
func (g *Group) RemoveServer(ctx context.Context, id raft.ServerID) error {
	f := g.raft.RemoveServer(id, 0, enqueueTimeout(ctx))
	return g.mapErr("remove server "+string(id), g.wait(ctx, f))
}

// TransferLeadership hands leadership to the voter id at addr and returns
// once it has taken over (or the transfer failed). Proposals made on this
// replica meanwhile fail with ErrTimeout without being proposed. On a
// follower it returns a *NotLeaderError.
func (g *Group) TransferLeadership(ctx context.Context, id raft.ServerID, addr raft.ServerAddress) error {
	f := g.raft.LeadershipTransferToServer(id, addr)
	return g.mapErr("transfer leadership to "+string(id), g.wait(ctx, f))
}

// Stats is a group's state at one moment.
type Stats struct {
	State        raft.RaftState
	Term         uint64
	LastIndex    uint64 // last index in the log
	CommitIndex  uint64
	AppliedIndex uint64 // the FSM's
	// LogAppends counts the log store's writes since the group opened:
	// each is one transaction and one fsync in raft-boltdb, one synced
	// batch in a shared store (Config.LogStores), where batches of
	// several groups may share an fsync. LogEntries counts the entries
	// they stored; LogEntries/LogAppends is how many entries shared a
	// write on average.
	LogAppends uint64
	LogEntries uint64
}

// Stats returns the group's current state.
func (g *Group) Stats() Stats {
	return Stats{
		State:        g.raft.State(),
		Term:         g.raft.CurrentTerm(),
		LastIndex:    g.raft.LastIndex(),
		CommitIndex:  g.raft.CommitIndex(),
		AppliedIndex: g.cfg.FSM.AppliedIndex(),
		LogAppends:   g.store.appends.Load(),
		LogEntries:   g.store.entries.Load(),
	}
}

// FirstIndex is the first index still in the log: above 1 once a snapshot
// has compacted it.
func (g *Group) FirstIndex() (uint64, error) {
	i, err := g.store.FirstIndex()
	if err != nil {
		return 0, fmt.Errorf("replication: group %s: first index: %w", g.cfg.ID, err)
	}
	return i, nil
}

// SnapshotIndex is the last log index covered by the group's latest
// snapshot (taken here or installed from the leader); 0 before the first.
func (g *Group) SnapshotIndex() uint64 {
	i, err := strconv.ParseUint(g.raft.Stats()["last_snapshot_index"], 10, 64)
	if err != nil {
		return 0
	}
	return i
}

// Snapshot asks raft to take a snapshot now and compact its log.
func (g *Group) Snapshot() error {
	return g.mapErr("snapshot", g.raft.Snapshot().Error())
}

// Shutdown stops raft, waits for the group's goroutines and closes the log
// store. It is idempotent and returns the first call's result.
func (g *Group) Shutdown() error {
	g.shutdownOnce.Do(func() {
		close(g.closed)
		err := g.raft.Shutdown().Error()
		g.wg.Wait()
		g.shutdownErr = errors.Join(err, g.store.Close())
		if g.shutdownErr != nil {
			g.shutdownErr = fmt.Errorf("replication: group %s: shutdown: %w", g.cfg.ID, g.shutdownErr)
		}
	})
	return g.shutdownErr
}

// Remove shuts the group down and deletes its directory and, in a shared
// log store, its log, for a replica moved to another node. The FSM's data
// are the caller's to drop.
func (g *Group) Remove() error {
	err := g.Shutdown()
	if g.cfg.LogStores != nil {
		if dropErr := g.cfg.LogStores.Drop(g.cfg.ID); dropErr != nil {
			err = errors.Join(err, fmt.Errorf("replication: group %s: remove log: %w", g.cfg.ID, dropErr))
		}
	}
	if rmErr := os.RemoveAll(g.cfg.Dir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("replication: group %s: remove: %w", g.cfg.ID, rmErr))
	}
	return err
}

// goFunc runs f on a goroutine that Shutdown waits for.
func (g *Group) goFunc(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}
