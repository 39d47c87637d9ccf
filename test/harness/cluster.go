package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// ClusterRequestTimeout bounds one HTTP request of a cluster client: long
// enough for a request that waits out a Raft election, short enough that a
// request to a node that vanished mid-request fails instead of hanging.
const ClusterRequestTimeout = 30 * time.Second

// clusterLogTail is how many lines of each node's log a failed test prints.
const clusterLogTail = 80

// ClusterOption tunes StartCluster.
type ClusterOption func(*clusterConfig)

type clusterConfig struct {
	serveArgs    []string
	nodeArgs     func(i int, all []NodeAddrs) []string
	readyTimeout time.Duration
}

// NodeAddrs are the addresses a cluster node listens on.
type NodeAddrs struct{ HTTP, GRPC, Gossip string }

// WithNodeArgs appends args(i, all) to node i's `flotilla serve` command
// line, where all[j] holds the addresses of node j+1 (every node of the
// cluster, and for AddNode the new node too), e.g. to point node i's
// --peer-dial-map at proxies in front of the others.
func WithNodeArgs(args func(i int, all []NodeAddrs) []string) ClusterOption {
	return func(c *clusterConfig) { c.nodeArgs = args }
}

// WithServeArgs appends args to every node's `flotilla serve` command line.
func WithServeArgs(args ...string) ClusterOption {
	return func(c *clusterConfig) { c.serveArgs = append(c.serveArgs, args...) }
}

// WithReadyTimeout bounds how long a node may take to answer /ready after
// it starts or restarts (default 60s).
func WithReadyTimeout(d time.Duration) ClusterOption {
	return func(c *clusterConfig) { c.readyTimeout = d }
}

// Cluster is a set of flotilla processes on 127.0.0.1 that form one
// cluster. Nodes are numbered from 1, like their node ids n1..nN. A Cluster
// is owned by one test goroutine, except that Node, Client, Clients and
// Endpoint may be called from any goroutine: they read only addresses,
// which never change.
type Cluster struct {
	t      testing.TB
	nodes  []*Server
	logs   []string
	cfg    clusterConfig
	ports  *portPicker
	logDir string
	expect int // --bootstrap-expect of every node: the initial size
}

// StartCluster starts n nodes with ids n1..nN, each with its own data
// directory and fixed ports, every one joining all the others' gossip
// addresses with --bootstrap-expect n, and waits until all are ready. All
// processes are killed when the test ends; if the test failed, the tail of
// each node's log is printed.
func StartCluster(t testing.TB, n int, opts ...ClusterOption) *Cluster {
	t.Helper()
	cfg := clusterConfig{readyTimeout: 60 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	addrs := newPortPicker(t)
	c := &Cluster{t: t, cfg: cfg, ports: addrs, logDir: t.TempDir(), expect: n}
	gossip := make([]string, n)
	for i := range n {
		s := &Server{t: t, DataDir: t.TempDir(), fixedAddrs: true, readyTimeout: cfg.readyTimeout,
			Addr: addrs.tcp(), GRPCAddr: addrs.tcp(), GossipAddr: addrs.tcpUDP()}
		gossip[i] = s.GossipAddr
		c.nodes = append(c.nodes, s)
	}
	for i, s := range c.nodes {
		c.configure(s, i+1, gossip)
	}
	t.Cleanup(c.cleanup)
	for _, s := range c.nodes {
		s.launch()
	}
	for _, s := range c.nodes {
		s.WaitReady(cfg.readyTimeout)
	}
	return c
}

// configure sets the command line and log file of s, node i, which joins
// the gossip addresses join.
func (c *Cluster) configure(s *Server, i int, join []string) {
	c.t.Helper()
	s.args = append([]string{"--node-id", "n" + strconv.Itoa(i), "--join", strings.Join(join, ","),
		"--bootstrap-expect", strconv.Itoa(c.expect)}, c.cfg.serveArgs...)
	if c.cfg.nodeArgs != nil {
		all := make([]NodeAddrs, len(c.nodes))
		for j, n := range c.nodes {
			all[j] = NodeAddrs{HTTP: n.Addr, GRPC: n.GRPCAddr, Gossip: n.GossipAddr}
		}
		s.args = append(s.args, c.cfg.nodeArgs(i, all)...)
	}
	path := filepath.Join(c.logDir, fmt.Sprintf("n%d.log", i))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		c.t.Fatalf("open node log: %v", err)
	}
	c.t.Cleanup(func() { f.Close() })
	s.output = f
	c.logs = append(c.logs, path)
}

// AddNode starts a new node n<Size()+1> on a fresh data directory that
// joins the gossip addresses of every existing node, with the same
// --bootstrap-expect and serve arguments as they have, and waits until it
// is ready. It returns the new node's number.
func (c *Cluster) AddNode() int {
	c.t.Helper()
	join := make([]string, len(c.nodes))
	for i, s := range c.nodes {
		join[i] = s.GossipAddr
	}
	s := &Server{t: c.t, DataDir: c.t.TempDir(), fixedAddrs: true, readyTimeout: c.cfg.readyTimeout,
		Addr: c.ports.tcp(), GRPCAddr: c.ports.tcp(), GossipAddr: c.ports.tcpUDP()}
	c.nodes = append(c.nodes, s)
	c.configure(s, len(c.nodes), join)
	s.launch()
	s.WaitReady(c.cfg.readyTimeout)
	return len(c.nodes)
}

// cleanup kills every node and, if the test failed, prints their logs.
func (c *Cluster) cleanup() {
	for _, s := range c.nodes {
		s.Kill()
	}
	if c.t.Failed() {
		for i, path := range c.logs {
			c.t.Logf("---- last %d lines of n%d's log ----\n%s", clusterLogTail, i+1, tail(path, clusterLogTail))
		}
	}
}

// Size is the number of nodes.
func (c *Cluster) Size() int { return len(c.nodes) }

// Node returns node i (1-based).
func (c *Cluster) Node(i int) *Server {
	if i < 1 || i > len(c.nodes) {
		panic(fmt.Sprintf("harness: node %d of a %d-node cluster", i, len(c.nodes)))
	}
	return c.nodes[i-1]
}

// NodeID is node i's id, "n<i>".
func (c *Cluster) NodeID(i int) string { return "n" + strconv.Itoa(i) }

// Endpoint is node i's DynamoDB API URL.
func (c *Cluster) Endpoint(i int) string { return c.Node(i).Endpoint() }

// Kill sends node i SIGKILL and waits for it to exit.
func (c *Cluster) Kill(i int) { c.Node(i).Kill() }

// Stop shuts node i down gracefully (SIGTERM).
func (c *Cluster) Stop(i int) error { return c.Node(i).Stop() }

// Restart starts node i again after Kill or Stop, on its old data
// directory and ports, and waits until it is ready.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	c.Node(i).Restart()
}

// Relaunch starts node i again after Kill or Stop, on its old data
// directory and ports, without waiting for it to be ready: tests can send
// requests while it catches up. Call Node(i).WaitReady to wait.
func (c *Cluster) Relaunch(i int) {
	c.t.Helper()
	c.Node(i).launch()
}

// Client returns a DynamoDB client for node i (see NewClusterClient).
func (c *Cluster) Client(i int) *dynamodb.Client { return NewClusterClient(c.Endpoint(i)) }

// Clients returns one client per node; Clients()[0] talks to node 1.
func (c *Cluster) Clients() []*dynamodb.Client {
	out := make([]*dynamodb.Client, len(c.nodes))
	for i := range c.nodes {
		out[i] = c.Client(i + 1)
	}
	return out
}

// AdminStatus runs `flotilla admin status` against node i and returns its
// combined output; the error is non-nil when the command fails.
func (c *Cluster) AdminStatus(i int) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(c.t), "admin", "status", "--addr", c.Node(i).Addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("flotilla admin status --addr %s: %w", c.Node(i).Addr, err)
	}
	return string(out), nil
}

// NewClusterClient returns a DynamoDB client for a cluster node's endpoint.
// Like NewClient it retries connection errors only (so tests see every
// error the server returns), but more often and with longer backoff, since
// a node may be restarting; each request may take up to
// ClusterRequestTimeout, since it may wait for a Raft election.
func NewClusterClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   &http.Client{Timeout: ClusterRequestTimeout},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 8
			o.MaxBackoff = time.Second
			o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
			o.RateLimiter = ratelimit.None
		}),
	})
}

// portPicker hands out distinct free 127.0.0.1 ports.
type portPicker struct {
	t    testing.TB
	used map[string]bool
}

func newPortPicker(t testing.TB) *portPicker {
	return &portPicker{t: t, used: map[string]bool{}}
}

// tcp returns an address whose TCP port was free a moment ago.
func (p *portPicker) tcp() string {
	p.t.Helper()
	for range 100 {
		if a := FreeAddr(p.t); !p.used[a] {
			p.used[a] = true
			return a
		}
	}
	p.t.Fatalf("no distinct free port after 100 tries")
	return ""
}

// tcpUDP returns an address free for both TCP and UDP, as gossip uses both.
func (p *portPicker) tcpUDP() string {
	p.t.Helper()
	for range 100 {
		a := p.tcp()
		if l, err := net.ListenPacket("udp", a); err == nil {
			l.Close()
			return a
		}
	}
	p.t.Fatalf("no port free for both TCP and UDP after 100 tries")
	return ""
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(read %s: %v)", path, err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ModuleRoot is the directory of flotilla's go.mod, for tests that run
// `go` subcommands on the checkout.
func ModuleRoot() string { return moduleRoot() }
