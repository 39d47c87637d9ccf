package node

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
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
	// new cluster; 0 or 1 means single-node.
	BootstrapExpect int
	// InitialOnDemandPartitions is the number of partitions a new
	// PAY_PER_REQUEST table starts with (1 to 64).
	InitialOnDemandPartitions int
	// Logger receives the node's logs; nil discards.
	Logger *slog.Logger
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
	switch {
	case c.NodeID != "" && !nodeIDPattern.MatchString(c.NodeID):
		return fmt.Errorf("node: Config.NodeID %q must be 1-64 letters, digits, '.', '_' or '-'", c.NodeID)
	case !regionPattern.MatchString(c.Region):
		return fmt.Errorf("node: Config.Region %q is not a region name like us-east-1", c.Region)
	case c.BootstrapExpect < 0:
		return fmt.Errorf("node: Config.BootstrapExpect %d is negative", c.BootstrapExpect)
	}
	return nil
}

func validateAddr(field, addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return fmt.Errorf("node: Config.%s %q is not a host:port address", field, addr)
	}
	return nil
}
