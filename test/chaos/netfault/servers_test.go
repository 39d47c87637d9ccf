package netfault_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/netfault"
)

// newNetwork returns a Network closed when the test ends.
func newNetwork(t *testing.T, seed int64) *netfault.Network {
	t.Helper()
	n := netfault.NewNetwork(seed, nil)
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close network: %v", err)
		}
	})
	return n
}

// echoServer echoes every TCP connection back to its sender.
type echoServer struct {
	ln       net.Listener
	accepted atomic.Int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// startEcho serves ln until the test ends.
func startEcho(t *testing.T, ln net.Listener) *echoServer {
	t.Helper()
	s := &echoServer{ln: ln}
	s.wg.Go(s.serve)
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func newEcho(t *testing.T) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return startEcho(t, ln)
}

func (s *echoServer) addr() string { return s.ln.Addr().String() }

func (s *echoServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Go(func() {
			defer c.Close()
			io.Copy(c, c)
		})
	}
}

// udpSink records every datagram it receives.
type udpSink struct {
	conn *net.UDPConn
	wg   sync.WaitGroup
	mu   sync.Mutex
	got  []received
}

type received struct {
	data string
	at   time.Time
}

// startSink serves conn until the test ends.
func startSink(t *testing.T, conn *net.UDPConn) *udpSink {
	t.Helper()
	s := &udpSink{conn: conn}
	s.wg.Go(s.serve)
	t.Cleanup(func() {
		conn.Close()
		s.wg.Wait()
	})
	return s
}

func newSink(t *testing.T) *udpSink {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen udp: %v", err)
	}
	return startSink(t, conn)
}

func (s *udpSink) addr() string { return s.conn.LocalAddr().String() }

func (s *udpSink) serve() {
	buf := make([]byte, 64<<10)
	for {
		n, _, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.got = append(s.got, received{data: string(buf[:n]), at: time.Now()})
		s.mu.Unlock()
	}
}

func (s *udpSink) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// startGossipLike starts an echo server and a sink on one port, as a
// flotilla gossip address listens for TCP and UDP on one port.
func startGossipLike(t *testing.T) (string, *echoServer, *udpSink) {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		if err != nil {
			ln.Close()
			continue
		}
		return ln.Addr().String(), startEcho(t, ln), startSink(t, conn)
	}
	t.Fatal("no port free for both tcp and udp")
	return "", nil, nil
}

// dial connects to addr; the connection is closed when the test ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip sends msg on c and requires it echoed back within 5s.
func roundTrip(t *testing.T, c net.Conn, msg []byte) {
	t.Helper()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(msg)
		werr <- err
	}()
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read echo: %v", err)
	}
	if err := <-werr; err != nil {
		t.Fatalf("write: %v", err)
	}
	if string(got) != string(msg) {
		t.Fatalf("echo differs from what was sent (%d bytes)", len(msg))
	}
}

// requireSilent sends on c and requires that nothing comes back for a
// while and the connection stays open.
func requireSilent(t *testing.T, c net.Conn) {
	t.Helper()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatalf("write to held connection: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	n, err := c.Read(make([]byte, 16))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("held connection: read %d bytes, err %v; want a timeout", n, err)
	}
}

// requireClosed requires that c is closed by its peer within 5s.
func requireClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("connection still open after 5s")
		}
		return
	}
}

// eventually polls cond until it holds or 5s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
