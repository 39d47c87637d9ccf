package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/flotilla-db/flotilla/node"
)

// envPrefix prefixes the environment variable of every flag:
// --data-dir reads FLOTILLA_DATA_DIR.
const envPrefix = "FLOTILLA_"

// envName returns the environment variable of a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envDefaults sets every flag of fs that was not given on the command line
// from its environment variable, so a flag wins over its variable.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = usagef("invalid value %q for %s: %v", v, envName(f.Name), serr)
		}
	})
	return err
}

// serveFlags are the flags of `flotilla serve`.
type serveFlags struct {
	cfg           node.Config
	join          string
	logLevel      string
	followerReads bool
}

func newServeFlags(stderr io.Writer) (*flag.FlagSet, *serveFlags) {
	f := &serveFlags{cfg: node.DefaultConfig(), followerReads: true}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &f.cfg
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory holding the node's data")
	fs.StringVar(&c.HTTPAddr, "http-addr", c.HTTPAddr, "host:port of the DynamoDB API")
	fs.StringVar(&c.GRPCAddr, "grpc-addr", c.GRPCAddr, "host:port for traffic between nodes")
	fs.StringVar(&c.GossipAddr, "gossip-addr", c.GossipAddr, "host:port for membership gossip")
	fs.StringVar(&c.NodeID, "node-id", c.NodeID, "node id (default: generated once and kept in node.json)")
	fs.StringVar(&c.Zone, "zone", c.Zone, "availability zone of this node")
	fs.StringVar(&c.Region, "region", c.Region, "region reported in ARNs")
	fs.StringVar(&f.join, "join", "", "comma-separated host:port gossip addresses of cluster members")
	fs.IntVar(&c.BootstrapExpect, "bootstrap-expect", 0, "nodes to wait for before forming a new cluster")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&c.DeadNodeTimeout, "dead-node-timeout", c.DeadNodeTimeout, "how long a node stays dead before its replicas move to other nodes")
	fs.BoolVar(&f.followerReads, "follower-reads", f.followerReads, "serve eventually consistent reads from this node's follower replicas once they have caught up; false sends them to the partition's leader")
	r := &c.Raft
	fs.DurationVar(&r.HeartbeatTimeout, "raft-heartbeat-timeout", r.HeartbeatTimeout, "advanced: Raft follower timeout before an election")
	fs.DurationVar(&r.ElectionTimeout, "raft-election-timeout", r.ElectionTimeout, "advanced: Raft candidate timeout")
	fs.DurationVar(&r.LeaderLeaseTimeout, "raft-leader-lease-timeout", r.LeaderLeaseTimeout, "advanced: Raft leader step-down timeout (at most the heartbeat timeout)")
	fs.DurationVar(&r.SnapshotInterval, "raft-snapshot-interval", r.SnapshotInterval, "advanced: how often each Raft group checks whether to snapshot")
	fs.Uint64Var(&r.SnapshotThreshold, "raft-snapshot-threshold", r.SnapshotThreshold, "advanced: Raft log entries that trigger a snapshot")
	fs.Uint64Var(&r.TrailingLogs, "raft-trailing-logs", r.TrailingLogs, "advanced: Raft log entries kept after a snapshot")
	fs.StringVar(&c.RaftLogStore, "raft-log-store", c.RaftLogStore, "advanced: where Raft logs live: pebble (one store per node, shared fsyncs) or bolt (a raft-boltdb file per group); by default a data directory keeps its own and a new one gets pebble")
	addPprofFlag(fs)
	addTestFacilityFlags(fs, c)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: flotilla serve [flags]\n\nEvery flag also reads %s<FLAG> (e.g. FLOTILLA_DATA_DIR); a flag wins.\n", envPrefix)
		fmt.Fprint(stderr, "The --raft-* flags (FLOTILLA_RAFT_HEARTBEAT_TIMEOUT, FLOTILLA_RAFT_ELECTION_TIMEOUT,\n"+
			"FLOTILLA_RAFT_LEADER_LEASE_TIMEOUT, FLOTILLA_RAFT_SNAPSHOT_INTERVAL, FLOTILLA_RAFT_SNAPSHOT_THRESHOLD,\n"+
			"FLOTILLA_RAFT_TRAILING_LOGS) are for tests and tuning; the defaults suit production.\n\n")
		fs.PrintDefaults()
	}
	return fs, f
}

// serveConfig parses the serve command line and environment.
func serveConfig(args []string, getenv func(string) string, stderr io.Writer) (node.Config, slog.Level, error) {
	fs, f := newServeFlags(stderr)
	if err := parse(fs, args); err != nil {
		return node.Config{}, 0, err
	}
	if err := envDefaults(fs, getenv); err != nil {
		return node.Config{}, 0, err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return node.Config{}, 0, usagef("invalid --log-level %q: want debug, info, warn or error", f.logLevel)
	}
	if f.join != "" {
		for _, a := range strings.Split(f.join, ",") {
			if a = strings.TrimSpace(a); a != "" {
				f.cfg.Join = append(f.cfg.Join, a)
			}
		}
	}
	f.cfg.NoFollowerReads = !f.followerReads
	// A lowered heartbeat timeout lowers the lease with it unless both are given.
	f.cfg.Raft.LeaderLeaseTimeout = min(f.cfg.Raft.LeaderLeaseTimeout, f.cfg.Raft.HeartbeatTimeout)
	if err := f.cfg.Validate(); err != nil {
		return node.Config{}, 0, usageError{err.Error()}
	}
	return f.cfg, level, nil
}

// runServe runs a node until SIGTERM or SIGINT, then shuts it down
// gracefully.
func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	cfg, level, err := serveConfig(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg.Logger = log
	stopPprof, err := servePprof(args, os.Getenv, log)
	if err != nil {
		return err
	}
	defer stopPprof()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	n, err := node.New(cfg)
	if err != nil {
		return err
	}
	log.Info("flotilla started", slog.String("httpAddr", n.HTTPAddr()), slog.String("pid", strconv.Itoa(os.Getpid())))
	return n.Run(ctx)
}
