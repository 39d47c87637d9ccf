package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// readyTimeout bounds the wait for a target to answer.
const readyTimeout = 90 * time.Second

// binaries are the programs the targets run.
type binaries struct {
	flotilla   string
	nullserver string
	dynalite   string
}

// server is one running target: its processes and how to reach it.
type server struct {
	procs     []*proc
	endpoints []string // http://host:port, one per node
	flotilla  bool     // GET /admin/status reports Raft log counters
}

// targetNames are the targets, in the order of odd rounds.
var targetNames = []string{"null", "single", "cluster", "dynalite"}

// launch starts target name with data under dir and waits until it
// answers.
// launch starts target name and waits until it is ready. A server that
// lost its port to another process between freeAddr and its own listen
// (the clients' ephemeral ports come from the same range) is started
// again on fresh ports, up to three times.
func launch(ctx context.Context, name string, bins binaries, f *fleet, dir string) (*server, error) {
	for attempt := 1; ; attempt++ {
		s, err := launchOnce(ctx, name, bins, f, dir)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			return s, err
		}
		f.stopAll(10 * time.Second)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
}

func launchOnce(ctx context.Context, name string, bins binaries, f *fleet, dir string) (*server, error) {
	var (
		s   *server
		err error
	)
	switch name {
	case "null":
		s, err = launchNull(bins, f)
	case "single":
		s, err = launchFlotilla(bins, f, dir, 1)
	case "cluster":
		s, err = launchFlotilla(bins, f, dir, 3)
	case "dynalite":
		s, err = launchDynalite(bins, f, dir)
	default:
		return nil, fmt.Errorf("unknown target %q (want %s)", name, strings.Join(targetNames, ", "))
	}
	if err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func launchNull(bins binaries, f *fleet) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := f.start("null", bins.nullserver, "--addr", addr)
	if err != nil {
		return nil, err
	}
	return &server{procs: []*proc{p}, endpoints: []string{"http://" + addr}}, nil
}

// launchFlotilla starts n nodes as test/cluster/run-local.sh does (a
// single node without --join), each with its default settings. The nodes
// of a cluster share this machine's cores, so each runs with GOMAXPROCS=1
// (unless GOMAXPROCS is set here), as a node given one CPU (a Kubernetes
// CPU limit, which Go reads) would: three Go schedulers sized for every
// core would spin against one another.
func launchFlotilla(bins binaries, f *fleet, dir string, n int) (*server, error) {
	type node struct{ http, grpc, gossip string }
	nodes := make([]node, n)
	var gossip []string
	for i := range nodes {
		var err error
		if nodes[i].http, err = freeAddr(); err == nil {
			if nodes[i].grpc, err = freeAddr(); err == nil {
				nodes[i].gossip, err = freeAddr()
			}
		}
		if err != nil {
			return nil, err
		}
		gossip = append(gossip, nodes[i].gossip)
	}
	s := &server{flotilla: true}
	for i, nd := range nodes {
		name := "n" + strconv.Itoa(i+1)
		args := []string{bins.flotilla, "serve", "--node-id", name, "--data-dir", filepath.Join(dir, name),
			"--http-addr", nd.http, "--grpc-addr", nd.grpc, "--gossip-addr", nd.gossip, "--log-level", "warn"}
		if n > 1 {
			args = append(args, "--join", strings.Join(gossip, ","), "--bootstrap-expect", strconv.Itoa(n))
		}
		var env []string
		if n > 1 && os.Getenv("GOMAXPROCS") == "" {
			env = []string{"GOMAXPROCS=1"}
		}
		p, err := f.startEnv(fmt.Sprintf("flotilla-%d-%s", n, name), env, args...)
		if err != nil {
			return nil, err
		}
		s.procs = append(s.procs, p)
		s.endpoints = append(s.endpoints, "http://"+nd.http)
	}
	return s, nil
}

func launchDynalite(bins binaries, f *fleet, dir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	db := filepath.Join(dir, "dynalite")
	if err := os.MkdirAll(db, 0o755); err != nil {
		return nil, fmt.Errorf("dynalite data dir: %w", err)
	}
	p, err := f.start("dynalite", bins.dynalite, "--host", host, "--port", port, "--path", db)
	if err != nil {
		return nil, err
	}
	return &server{procs: []*proc{p}, endpoints: []string{"http://" + addr}}, nil
}

// waitReady polls every endpoint with ListTables until all answer.
func (s *server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for _, e := range s.endpoints {
		c, err := ycsb.NewClient(e, 1)
		if err != nil {
			return err
		}
		for {
			probe, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := c.ListTables(probe, &dynamodb.ListTablesInput{})
			cancel()
			if err == nil && s.nodeReady(ctx, e) {
				break
			}
			if err := s.checkAlive(); err != nil {
				return err
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s not ready after %v: %v", e, readyTimeout, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
	return nil
}

// nodeReady reports whether a flotilla node answers GET /ready with 200;
// other targets are ready once they answer ListTables.
func (s *server) nodeReady(ctx context.Context, endpoint string) bool {
	if !s.flotilla {
		return true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/ready", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// checkAlive fails if any process of the target has exited.
func (s *server) checkAlive() error {
	for _, p := range s.procs {
		if p.exited() {
			return fmt.Errorf("%s exited; its log ends:\n%s", p.name, p.tail())
		}
	}
	return nil
}

// freeAddr returns a 127.0.0.1 address whose port was free for TCP and
// UDP a moment ago (gossip uses both).
func freeAddr() (string, error) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", fmt.Errorf("free port: %w", err)
		}
		addr := ln.Addr().String()
		udp, err := net.ListenPacket("udp", addr)
		ln.Close()
		if err == nil {
			udp.Close()
			return addr, nil
		}
	}
	return "", fmt.Errorf("free port: no port free for both TCP and UDP")
}
