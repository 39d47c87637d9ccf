package membership

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// forwarder relays TCP streams and UDP packets arriving on one 127.0.0.1
// port to target, counting both.
type forwarder struct {
	addr    string
	target  string
	tcp     net.Listener
	udp     net.PacketConn
	conns   atomic.Int64
	packets atomic.Int64

	mu      sync.Mutex
	open    map[net.Conn]struct{}
	stopped bool
	wg      sync.WaitGroup
	close   sync.Once
}

// startForwarder relays to target until the test ends.
func startForwarder(t *testing.T, target string) *forwarder {
	t.Helper()
	ln, pc := listenTCPUDP(t)
	return runForwarder(t, target, ln, pc)
}

// restartForwarder relays to target again from the address of the
// stopped forwarder old.
func restartForwarder(t *testing.T, old *forwarder) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", old.addr)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", old.addr)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	return runForwarder(t, old.target, ln, pc)
}

func runForwarder(t *testing.T, target string, ln net.Listener, pc net.PacketConn) *forwarder {
	f := &forwarder{target: target, open: map[net.Conn]struct{}{}, tcp: ln, udp: pc}
	f.addr = f.tcp.Addr().String()
	f.wg.Add(2)
	go f.acceptLoop()
	go f.packetLoop()
	t.Cleanup(f.stop)
	return f
}

// listenTCPUDP binds TCP and UDP on one free 127.0.0.1 port.
func listenTCPUDP(t *testing.T) (net.Listener, net.PacketConn) {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		pc, err := net.ListenPacket("udp", ln.Addr().String())
		if err == nil {
			return ln, pc
		}
		ln.Close()
	}
	t.Fatal("no port free for both TCP and UDP")
	return nil, nil
}

// freeGossipAddr returns a 127.0.0.1 address whose TCP and UDP port was
// free a moment ago.
func freeGossipAddr(t *testing.T) string {
	t.Helper()
	ln, pc := listenTCPUDP(t)
	addr := ln.Addr().String()
	ln.Close()
	pc.Close()
	return addr
}

func (f *forwarder) stop() {
	f.close.Do(func() {
		f.tcp.Close()
		f.udp.Close()
		f.mu.Lock()
		f.stopped = true
		for c := range f.open {
			c.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
}

// track records c as open; false (and c closed) when the forwarder is
// stopping.
func (f *forwarder) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		c.Close()
		return false
	}
	f.open[c] = struct{}{}
	return true
}

func (f *forwarder) acceptLoop() {
	defer f.wg.Done()
	for {
		in, err := f.tcp.Accept()
		if err != nil {
			return
		}
		f.conns.Add(1)
		out, err := net.Dial("tcp", f.target)
		if err != nil {
			in.Close()
			continue
		}
		if !f.track(in) || !f.track(out) {
			in.Close()
			out.Close()
			continue
		}
		f.wg.Add(2)
		go f.pipe(in, out)
		go f.pipe(out, in)
	}
}

// pipe copies src to dst, then closes both.
func (f *forwarder) pipe(dst, src net.Conn) {
	defer f.wg.Done()
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// packetLoop sends every packet on to the target from the forwarder's own
// socket.
func (f *forwarder) packetLoop() {
	defer f.wg.Done()
	to, err := net.ResolveUDPAddr("udp", f.target)
	if err != nil {
		return
	}
	buf := make([]byte, 65536)
	for {
		n, _, err := f.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		f.packets.Add(1)
		_, _ = f.udp.WriteTo(buf[:n], to)
	}
}

// TestDialMapSendsThroughForwarders has two nodes reach each other only
// through forwarders named in their dial maps: they join and stay alive,
// and both forwarders carry packets (probes) and streams (join and state
// exchange).
func TestDialMapSendsThroughForwarders(t *testing.T) {
	addr1, addr2 := freeGossipAddr(t), freeGossipAddr(t)
	to1, to2 := startForwarder(t, addr1), startForwarder(t, addr2)
	cfg1, cfg2 := fastConfig(t, "1", addr1), fastConfig(t, "2", addr2)
	cfg1.DialMap = map[string]string{addr2: to2.addr}
	cfg2.DialMap = map[string]string{addr1: to1.addr}
	m1, m2 := start(t, cfg1), start(t, cfg2)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := m1.Join(ctx, []string{addr2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both alive", func() error { return errors.Join(wantCount(m1, 2), wantCount(m2, 2)) })
	eventually(t, "traffic through both forwarders", func() error {
		for _, f := range []*forwarder{to1, to2} {
			if f.conns.Load() == 0 || f.packets.Load() == 0 {
				return errors.New("forwarder to " + f.target + " saw " + strconv.FormatInt(f.conns.Load(), 10) +
					" streams and " + strconv.FormatInt(f.packets.Load(), 10) + " packets")
			}
		}
		return nil
	})
	if m1.Addr() != addr1 || m2.Addr() != addr2 {
		t.Errorf("advertised %s and %s, want the real addresses %s and %s", m1.Addr(), m2.Addr(), addr1, addr2)
	}
}

// TestDialMapToDeadPortIsolates maps the peer to a port nobody listens
// on: the join fails and neither node learns of the other.
func TestDialMapToDeadPortIsolates(t *testing.T) {
	addr2 := freeGossipAddr(t)
	m2 := start(t, fastConfig(t, "2", addr2))
	cfg1 := fastConfig(t, "1", "127.0.0.1:0")
	cfg1.DialMap = map[string]string{addr2: freeGossipAddr(t)}
	m1 := start(t, cfg1)
	if _, port, _ := net.SplitHostPort(m1.Addr()); port == "0" {
		t.Fatalf("advertised %s: the bound port was not picked up", m1.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := m1.Join(ctx, []string{addr2}); err == nil {
		t.Fatal("Join through a dead port succeeded")
	}
	if err := errors.Join(wantCount(m1, 1), wantCount(m2, 1)); err != nil {
		t.Fatal(err)
	}
}

// TestRejoinMergesAfterPartition cuts two nodes apart until each has
// marked the other dead and stopped gossiping to it, restores the links,
// and checks that Rejoin brings them back together.
func TestRejoinMergesAfterPartition(t *testing.T) {
	addr1, addr2 := freeGossipAddr(t), freeGossipAddr(t)
	to1, to2 := startForwarder(t, addr1), startForwarder(t, addr2)
	cfg1, cfg2 := fastConfig(t, "1", addr1), fastConfig(t, "2", addr2)
	cfg1.DialMap = map[string]string{addr2: to2.addr}
	cfg2.DialMap = map[string]string{addr1: to1.addr}
	m1, m2 := start(t, cfg1), start(t, cfg2)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := m1.Join(ctx, []string{addr2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both alive", func() error { return errors.Join(wantCount(m1, 2), wantCount(m2, 2)) })
	to1.stop()
	to2.stop()
	eventually(t, "both see the other dead", func() error {
		return errors.Join(wantState(m1, "2", StateDead)(), wantState(m2, "1", StateDead)())
	})
	if !m1.HasDead() {
		t.Fatal("HasDead is false with a dead member")
	}
	restartForwarder(t, to1)
	restartForwarder(t, to2)
	eventually(t, "merged after Rejoin", func() error {
		m1.Rejoin(nil)
		return errors.Join(wantCount(m1, 2), wantCount(m2, 2))
	})
	if m1.HasDead() || m2.HasDead() {
		t.Fatal("a member is still dead after the merge")
	}
}
