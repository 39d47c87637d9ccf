package node

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"time"

	"github.com/flotilla-db/flotilla/replication"
)

// Config configures a Node.
type Config struct {
	// DataDir holds node.json and the store.
	DataDir string
	// HTTPAddr is the host:port of the DynamoDB API, e.g. "127.0.0.1:8000";
	// port 0 picks a free port (see Node.HTTPAddr).
	HTTPAddr string
	// GRPCAddr is the host:port for traffic between nodes.
	GRPCAddr string
	// GossipAddr is the host:port for membership gossip.
	GossipAddr string
	// NodeID names this node; "" uses the id stored in node.json or
	// generates one on first start.
	NodeID string
	// Zone is the availability zone replicas are spread over ("" for none).
	Zone string
	// Region is reported in ARNs, e.g. "us-east-1".
	Region string
	// Join lists host:port gossip addresses of existing cluster members.
	Join []string
	// BootstrapExpect is the number of nodes to wait for before forming a
	// new cluster; 0 or 1 with no Join means a node that forms a cluster
	// of its own at once.
	BootstrapExpect int
	// InitialOnDemandPartitions is the number of partitions a new
	// PAY_PER_REQUEST table starts with (1 to 64).
	InitialOnDemandPartitions int
	// DeadNodeTimeout is how long a node must stay dead before its
	// replicas are placed on other nodes.
	DeadNodeTimeout time.Duration
	// ReconcileInterval is how often the node moves its replicas toward
	// the catalog's desired state and the catalog leader plans placement,
	// besides after every catalog change.
	ReconcileInterval time.Duration
	// Raft holds the timings of every Raft group on the node.
	Raft RaftConfig
	// NoFollowerReads sends every eventually consistent read to the
	// partition's leader while it is reachable, instead of letting this
	// node's follower replica serve it once caught up (see
	// dataplane.Config.LocalReadWait). Clients that read through other
	// nodes than they wrote through then read their writes too.
	NoFollowerReads bool
	// RaftLogStore is where the node's Raft groups keep their logs:
	// RaftLogPebble or RaftLogBolt. The default, "", keeps the store a
	// data directory was created with and gives a new one RaftLogPebble;
	// a named store that the data directory does not have fails to open.
	RaftLogStore string
	// Logger receives the node's logs; nil discards.
	Logger *slog.Logger

	// The fields below are test facilities, off by default, for
	// flotilla's fault-injection suite.

	// PeerDialMap sends every node-to-node connection and packet (gRPC and
	// gossip, including Join) addressed to a host:port key to the mapped
	// host:port instead, e.g. a fault-injecting proxy; addresses not in
	// the map are dialled as they are. Addresses advertised to peers stay
	// the real ones.
	PeerDialMap map[string]string
	// FaultInjection puts the store's files behind a fault-injecting
	// filesystem (package faultfs) and serves POST and GET
	// /admin/fault/disk to set and read its delay and failure.
	FaultInjection bool
	// UnsafeStaleReads deliberately breaks consistency: every read is
	// served by this node's own replica, when it has one, with no
	// ReadIndex and no leader check (see dataplane.Config).
	UnsafeStaleReads bool
}

// RaftConfig holds the Raft timings of a node's groups (see
// replication.Config). A group whose only replica is this node uses at
// most 50ms election timeouts whatever these say.
type RaftConfig struct {
	// HeartbeatTimeout is how long a follower waits for its leader before
	// starting an election.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes.
	ElectionTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader stays leader without
	// reaching a quorum; it must not exceed HeartbeatTimeout.
	LeaderLeaseTimeout time.Duration
	// CommitTimeout is the longest a leader waits before telling
	// followers the commit index. The leader of every group sends an
	// empty append this often even when idle, so it costs CPU on every
	// node; nothing reads followers while their leader is reachable, so
	// the default is raft's own (50ms), not shorter.
	CommitTimeout time.Duration
	// SnapshotInterval is how often each group checks whether to snapshot
	// (raft waits between one and two intervals).
	SnapshotInterval time.Duration
	// SnapshotThreshold is how many log entries trigger a snapshot.
	SnapshotThreshold uint64
	// TrailingLogs is how many entries a snapshot leaves in the log.
	TrailingLogs uint64
}

// DefaultRaftConfig returns the production timings.
func DefaultRaftConfig() RaftConfig {
	return RaftConfig{
		HeartbeatTimeout:   time.Second,
		ElectionTimeout:    time.Second,
		LeaderLeaseTimeout: 500 * time.Millisecond,
		CommitTimeout:      50 * time.Millisecond,
		SnapshotInterval:   2 * time.Minute,
		SnapshotThreshold:  8192,
		TrailingLogs:       10240,
	}
}

// replication returns the group config template for these timings.
func (r RaftConfig) replication() replication.Config {
	c := replication.DefaultConfig()
	c.HeartbeatTimeout, c.ElectionTimeout = r.HeartbeatTimeout, r.ElectionTimeout
	c.LeaderLeaseTimeout, c.CommitTimeout = r.LeaderLeaseTimeout, r.CommitTimeout
	c.SnapshotInterval, c.SnapshotThreshold, c.TrailingLogs = r.SnapshotInterval, r.SnapshotThreshold, r.TrailingLogs
	// A follower that heard nothing for half the time after which it
	// would call an election stops serving follower reads.
	c.FollowerReadLag = r.HeartbeatTimeout / 2
	return c
}

// Validate reports the first invalid timing.
func (r RaftConfig) Validate() error {
	switch {
	case r.HeartbeatTimeout < 5*time.Millisecond:
		return fmt.Errorf("node: Config.Raft.HeartbeatTimeout %v is below 5ms", r.HeartbeatTimeout)
	case r.ElectionTimeout < 5*time.Millisecond:
		return fmt.Errorf("node: Config.Raft.ElectionTimeout %v is below 5ms", r.ElectionTimeout)
	case r.LeaderLeaseTimeout < 5*time.Millisecond || r.LeaderLeaseTimeout > r.HeartbeatTimeout:
		return fmt.Errorf("node: Config.Raft.LeaderLeaseTimeout %v is not between 5ms and HeartbeatTimeout %v", r.LeaderLeaseTimeout, r.HeartbeatTimeout)
	case r.CommitTimeout <= 0:
		return fmt.Errorf("node: Config.Raft.CommitTimeout %v is not positive", r.CommitTimeout)
	case r.SnapshotInterval < 5*time.Millisecond:
		return fmt.Errorf("node: Config.Raft.SnapshotInterval %v is below 5ms", r.SnapshotInterval)
	case r.SnapshotThreshold < 1 || r.TrailingLogs < 1:
		return fmt.Errorf("node: Config.Raft.SnapshotThreshold %d and TrailingLogs %d must be positive", r.SnapshotThreshold, r.TrailingLogs)
	}
	return nil
}

// DefaultConfig returns a single-node configuration with data in ./data,
// serving on 127.0.0.1:8000.
func DefaultConfig() Config {
	return Config{
		DataDir:    "./data",
		HTTPAddr:   "127.0.0.1:8000",
		GRPCAddr:   "127.0.0.1:7000",
		GossipAddr: "127.0.0.1:7946",
		Region:     "us-east-1",

		InitialOnDemandPartitions: 2,
		DeadNodeTimeout:           60 * time.Second,
		ReconcileInterval:         time.Second,
		Raft:                      DefaultRaftConfig(),
	}
}

var (
	nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Validate reports the first invalid field, naming it and its value.
func (c Config) Validate() error {
	if c.DataDir == "" {
		return errors.New("node: Config.DataDir is empty")
	}
	for _, a := range []struct{ field, addr string }{
		{"HTTPAddr", c.HTTPAddr}, {"GRPCAddr", c.GRPCAddr}, {"GossipAddr", c.GossipAddr},
	} {
		if err := validateAddr(a.field, a.addr); err != nil {
			return err
		}
	}
	for i, j := range c.Join {
		if err := validateAddr(fmt.Sprintf("Join[%d]", i), j); err != nil {
			return err
		}
	}
	for from, to := range c.PeerDialMap {
		if err := validateAddr("PeerDialMap key", from); err != nil {
			return err
		}
		if err := validateAddr("PeerDialMap["+from+"]", to); err != nil {
			return err
		}
	}
	switch {
	case c.NodeID != "" && !nodeIDPattern.MatchString(c.NodeID):
		return fmt.Errorf("node: Config.NodeID %q must be 1-64 letters, digits, '.', '_' or '-'", c.NodeID)
	case !regionPattern.MatchString(c.Region):
		return fmt.Errorf("node: Config.Region %q is not a region name like us-east-1", c.Region)
	case c.BootstrapExpect < 0:
		return fmt.Errorf("node: Config.BootstrapExpect %d is negative", c.BootstrapExpect)
	case c.DeadNodeTimeout <= 0:
		return fmt.Errorf("node: Config.DeadNodeTimeout %v is not positive", c.DeadNodeTimeout)
	case c.ReconcileInterval <= 0:
		return fmt.Errorf("node: Config.ReconcileInterval %v is not positive", c.ReconcileInterval)
	}
	if err := validRaftLogStore(c.RaftLogStore); err != nil {
		return err
	}
	return c.Raft.Validate()
}

func validateAddr(field, addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return fmt.Errorf("node: Config.%s %q is not a host:port address", field, addr)
	}
	return nil
}
