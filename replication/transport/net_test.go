package transport

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"
)

// testNet is an in-memory network of nodes, each a Transport served by its
// own grpc.Server on a bufconn listener named after the node's address.
type testNet struct {
	t  testing.TB
	mu sync.Mutex
	ls map[string]*bufconn.Listener
}

func newTestNet(t testing.TB) *testNet {
	return &testNet{t: t, ls: make(map[string]*bufconn.Listener)}
}

func (n *testNet) dial(ctx context.Context, addr string) (net.Conn, error) {
	n.mu.Lock()
	l, ok := n.ls[addr]
	n.mu.Unlock()
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: "bufconn", Err: net.UnknownNetworkError(addr)}
	}
	return l.DialContext(ctx)
}

// testConfig returns a Config for addr dialling over n with short timeouts.
func (n *testNet) testConfig(addr string) Config {
	cfg := DefaultConfig(raft.ServerAddress(addr))
	cfg.Timeout = 2 * time.Second
	cfg.DialOptions = []grpc.DialOption{grpc.WithContextDialer(n.dial)}
	return cfg
}

// node starts a node at addr with cfg and registers its cleanup.
func (n *testNet) nodeWith(addr string, cfg Config) *Transport {
	n.t.Helper()
	tr, err := New(cfg)
	if err != nil {
		n.t.Fatalf("New(%s): %v", addr, err)
	}
	srv := grpc.NewServer(tr.ServerOptions()...)
	tr.Register(srv)
	l := bufconn.Listen(1 << 20)
	n.mu.Lock()
	n.ls[addr] = l
	n.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	n.t.Cleanup(func() {
		_ = tr.Close()
		srv.Stop()
		<-done
	})
	return tr
}

func (n *testNet) node(addr string) *Transport {
	return n.nodeWith(addr, n.testConfig(addr))
}

// serve answers every RPC arriving on g's consumer with answer until the
// test ends.
func serve(t testing.TB, g raft.Transport, answer func(raft.RPC)) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case rpc := <-g.Consumer():
				answer(rpc)
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}
