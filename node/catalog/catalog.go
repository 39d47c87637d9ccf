package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/router"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
)

// MaxInitialPartitions caps the partitions a new table starts with.
const MaxInitialPartitions = 64

// Group is what the Catalog needs of this node's catalog replica;
// *replication.Group implements it.
type Group interface {
	Apply(ctx context.Context, data []byte) (any, error)
	ReadIndex(ctx context.Context) error
	Leader() (raft.ServerID, raft.ServerAddress)
}

// Dialer returns a shared client connection to a node's gRPC address.
type Dialer interface {
	Conn(addr raft.ServerAddress) (*grpc.ClientConn, error)
}

// PlaceFunc chooses the replicas (node ids, the first one bootstraps the
// group) of n new partitions.
type PlaceFunc func(n int) [][]string

// Config configures a Catalog.
type Config struct {
	State  *State
	Group  Group
	Dialer Dialer
	// Place chooses new partitions' replicas; nil leaves them empty.
	Place PlaceFunc
	// InitialOnDemandPartitions is the number of partitions a new
	// PAY_PER_REQUEST table starts with (1 to MaxInitialPartitions).
	InitialOnDemandPartitions int
	// DefaultTimeout bounds calls whose context has no deadline.
	DefaultTimeout time.Duration
	// Logger receives the catalog's logs; nil discards.
	Logger *slog.Logger
}

// DefaultConfig returns two initial on-demand partitions and a 10s
// default timeout; State, Group and Dialer are the caller's.
func DefaultConfig() Config {
	return Config{InitialOnDemandPartitions: 2, DefaultTimeout: 10 * time.Second}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.State == nil:
		return errors.New("catalog: Config.State is required")
	case c.Group == nil:
		return errors.New("catalog: Config.Group is required")
	case c.Dialer == nil:
		return errors.New("catalog: Config.Dialer is required")
	case c.InitialOnDemandPartitions < 1 || c.InitialOnDemandPartitions > MaxInitialPartitions:
		return fmt.Errorf("catalog: Config.InitialOnDemandPartitions %d is not between 1 and %d", c.InitialOnDemandPartitions, MaxInitialPartitions)
	case c.DefaultTimeout <= 0:
		return fmt.Errorf("catalog: Config.DefaultTimeout %v is not positive", c.DefaultTimeout)
	}
	return nil
}

// Catalog is the router's view of the replicated catalog: reads from this
// node's replica, writes through the catalog leader.
type Catalog struct {
	cfg Config
	s   *State
	log *slog.Logger
}

var (
	_ router.Catalog        = (*Catalog)(nil)
	_ router.TableRefresher = (*Catalog)(nil)
)

// New returns a Catalog over cfg's replica.
func New(cfg Config) (*Catalog, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Catalog{cfg: cfg, s: cfg.State, log: log.With("component", "catalog")}, nil
}

// State is the local replica's state.
func (c *Catalog) State() *State { return c.s }

// partitionCount is the number of partitions a new table starts with, as
// DynamoDB sizes them: one per 3000 RCU plus one per 1000 WCU when
// provisioned, a configured number when on demand.
func (c *Catalog) partitionCount(t *schema.Table) int {
	n := c.cfg.InitialOnDemandPartitions
	if t.BillingMode != schema.BillingPayPerRequest {
		tp := t.Throughput
		units := tp.ReadCapacityUnits + 3*tp.WriteCapacityUnits // in RCU/3000 terms
		n = int(min((units+2999)/3000, MaxInitialPartitions))
	}
	return max(1, min(n, MaxInitialPartitions))
}

// CreateTable stores t with new partitions, which it sets in t: their
// number follows t's billing mode and throughput, their ids are fresh and
// consecutive, their ranges split the hash space evenly and their
// replicas are placed on live nodes.
func (c *Catalog) CreateTable(ctx context.Context, t *schema.Table) error {
	n := c.partitionCount(t)
	t.Partitions = schema.EvenPartitions(0, n)
	if c.cfg.Place != nil {
		for i, rs := range c.cfg.Place(n) {
			t.Partitions[i].Replicas = rs
		}
	}
	res, err := c.propose(ctx, &Command{Op: OpCreate, Table: t})
	if err != nil {
		return err
	}
	t.Partitions = res.Table.Partitions
	return nil
}

// Table returns the named table from this node's replica; a table not
// found there is looked up again after catching up with the leader, so
// that a table just created through another node is found.
func (c *Catalog) Table(ctx context.Context, name string) (*schema.Table, error) {
	if t, _, ok := c.s.Table(name); ok {
		return t, nil
	}
	if err := c.Sync(ctx); err != nil {
		return nil, err
	}
	if t, _, ok := c.s.Table(name); ok {
		return t, nil
	}
	return nil, notFound(name)
}

// SharedTable is Table without the copy, for request paths that only read
// the table: the result is shared and must not be modified.
func (c *Catalog) SharedTable(ctx context.Context, name string) (*schema.Table, error) {
	if t, _, ok := c.s.SharedTable(name); ok {
		return t, nil
	}
	if err := c.Sync(ctx); err != nil {
		return nil, err
	}
	if t, _, ok := c.s.SharedTable(name); ok {
		return t, nil
	}
	return nil, notFound(name)
}

// RefreshTable returns the named table as of the catalog leader's latest
// commit: it first brings this node's replica up to date. Routers call it
// when a partition map from Table turned out stale.
func (c *Catalog) RefreshTable(ctx context.Context, name string) (*schema.Table, error) {
	if err := c.Sync(ctx); err != nil {
		return nil, err
	}
	if t, _, ok := c.s.Table(name); ok {
		return t, nil
	}
	return nil, notFound(name)
}

// ListTables returns all table names in ascending order, as of the
// leader's latest commit.
func (c *Catalog) ListTables(ctx context.Context) ([]string, error) {
	if err := c.Sync(ctx); err != nil {
		return nil, err
	}
	return c.s.Names(), nil
}

// Tables returns every table in this node's replica.
func (c *Catalog) Tables() []*schema.Table { return c.s.Tables() }

// UpdateTable applies fn to a copy of the named table and stores the
// result if the table did not change meanwhile (else it retries). The
// table's name and partitions cannot change.
func (c *Catalog) UpdateTable(ctx context.Context, name string, fn func(*schema.Table) error) (*schema.Table, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	for {
		if err := c.Sync(ctx); err != nil {
			return nil, err
		}
		cur, version, ok := c.s.Table(name)
		if !ok {
			return nil, notFound(name)
		}
		next := cloneTable(cur)
		if err := fn(next); err != nil {
			return nil, err
		}
		next.Name, next.Partitions = cur.Name, cur.Partitions
		res, err := c.propose(ctx, &Command{Op: OpUpdate, Table: next, Version: version})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return res.Table, nil
	}
}

// DeleteTable removes the table and returns its last definition. Its
// partitions' replicas drop their items once they see the change.
func (c *Catalog) DeleteTable(ctx context.Context, name string) (*schema.Table, error) {
	res, err := c.propose(ctx, &Command{Op: OpDelete, Name: name})
	if err != nil {
		return nil, err
	}
	return res.Table, nil
}

// SetReplicas stores a partition's new replica list and epoch.
func (c *Catalog) SetReplicas(ctx context.Context, partitionID uint64, replicas []string, epoch uint64) error {
	_, err := c.propose(ctx, &Command{Op: OpSetReplicas, PartitionID: partitionID, Replicas: replicas, Epoch: epoch})
	return err
}

func (c *Catalog) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.cfg.DefaultTimeout)
}

// unavailable is the client-visible error when the catalog leader cannot
// be reached in time.
func unavailable(err error) error {
	return fmt.Errorf("%w (%w)", dberr.New(dberr.Unavailable, "The catalog is not available; try again later"), err)
}

// Retry backoff while the catalog has no reachable leader.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = 200 * time.Millisecond
)

// propose applies cmd through the catalog leader, retrying while there is
// none or it moves, and returns its result once this node's replica has
// applied it too (so that reads here see it).
func (c *Catalog) propose(ctx context.Context, cmd *Command) (*Result, error) {
	data, err := EncodeCommand(cmd)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	var res *Result
	err = c.retry(ctx, retryable, func(leader raft.ServerAddress) (raft.ServerAddress, error) {
		var hint raft.ServerAddress
		res, hint, err = c.proposeOnce(ctx, leader, data)
		return hint, err
	})
	if err != nil {
		return nil, err
	}
	return res, res.Err()
}

// proposeOnce proposes locally (leader == "") or on the given leader and
// returns a leader hint with ErrNotLeader.
func (c *Catalog) proposeOnce(ctx context.Context, leader raft.ServerAddress, data []byte) (*Result, raft.ServerAddress, error) {
	if leader == "" {
		resp, err := c.cfg.Group.Apply(ctx, data)
		if err != nil {
			return nil, hintOf(err), err
		}
		res, ok := resp.(*Result)
		if !ok {
			return nil, "", fmt.Errorf("catalog: apply returned %T", resp)
		}
		return res, "", nil
	}
	res, index, hint, err := c.remotePropose(ctx, leader, data)
	if err != nil {
		return nil, hint, err
	}
	c.catchUp(ctx, index)
	return res, "", nil
}

// catchUp waits briefly for this node's replica to reach index; a lagging
// replica only delays local reads, so a timeout is not an error.
func (c *Catalog) catchUp(ctx context.Context, index uint64) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := c.s.WaitApplied(ctx, index); err != nil {
		c.log.Debug("replica lags the catalog leader", "index", index, "err", err)
	}
}

func hintOf(err error) raft.ServerAddress {
	var nl *replication.NotLeaderError
	if errors.As(err, &nl) {
		return nl.LeaderAddr
	}
	return ""
}

// Sync waits until this node's replica reflects every catalog change
// committed before the call.
func (c *Catalog) Sync(ctx context.Context) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.retry(ctx, readRetryable, func(leader raft.ServerAddress) (raft.ServerAddress, error) {
		if leader == "" {
			err := c.cfg.Group.ReadIndex(ctx)
			return hintOf(err), err
		}
		index, hint, err := c.remoteReadIndex(ctx, leader)
		if err != nil {
			return hint, err
		}
		return "", c.s.WaitApplied(ctx, index)
	})
}

// retry runs op, first locally (leader ""), then on the leader each
// not-leader answer names, with backoff while no leader is known, until
// op succeeds, fails with an error again does not accept, or ctx ends.
func (c *Catalog) retry(ctx context.Context, again func(error) bool, op func(leader raft.ServerAddress) (raft.ServerAddress, error)) error {
	backoff := minBackoff
	var leader raft.ServerAddress
	for {
		hint, err := op(leader)
		switch {
		case err == nil:
			return nil
		case !again(err):
			return err
		}
		if hint != "" && hint != leader {
			leader = hint
			continue
		}
		leader = ""
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return unavailable(err)
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// retryable reports errors after which the call may be repeated safely:
// the command was certainly not applied.
func retryable(err error) bool {
	return errors.Is(err, replication.ErrNotLeader) || errors.Is(err, errUnreachable)
}

// readRetryable reports errors after which a read may be repeated: a read
// changes nothing, so a leader lost during its check or a busy replica
// only means asking again.
func readRetryable(err error) bool {
	return retryable(err) || errors.Is(err, replication.ErrLeadershipLost) ||
		errors.Is(err, replication.ErrTimeout)
}
