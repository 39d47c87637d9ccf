package netfault_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/netfault"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := waitNoGoroutines(5 * time.Second); len(leaked) > 0 {
			fmt.Fprintf(os.Stderr, "netfault goroutines leaked:\n%s\n", strings.Join(leaked, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

func TestFaultIsZero(t *testing.T) {
	tests := []struct {
		f    netfault.Fault
		want bool
	}{
		{netfault.Fault{}, true},
		{netfault.Fault{Blocked: true}, false},
		{netfault.Fault{Delay: time.Millisecond}, false},
		{netfault.Fault{Jitter: time.Millisecond}, false},
		{netfault.Fault{Loss: 0.1}, false},
	}
	for _, tt := range tests {
		if got := tt.f.IsZero(); got != tt.want {
			t.Errorf("%+v.IsZero() = %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestTCPPassThrough(t *testing.T) {
	for _, size := range []int{5, 1 << 20} {
		t.Run(fmt.Sprintf("bytes=%d", size), func(t *testing.T) {
			n := newNetwork(t, 1)
			echo := newEcho(t)
			addr, err := n.Proxy(1, 2, echo.addr(), false)
			if err != nil {
				t.Fatalf("proxy: %v", err)
			}
			roundTrip(t, dial(t, addr), pattern(size))
			eventually(t, "stats", func() bool {
				s := n.Stats()[netfault.Link{From: 1, To: 2}]
				return s.Conns == 1 && s.Bytes == int64(2*size)
			})
		})
	}
}

// pattern returns size bytes whose order is checkable.
func pattern(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestTCPDelay(t *testing.T) {
	const delay = 40 * time.Millisecond
	n := newNetwork(t, 1)
	echo := newEcho(t)
	addr, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	c := dial(t, addr)
	roundTrip(t, c, []byte("warm"))
	n.Set(netfault.Link{From: 1, To: 2}, netfault.Fault{Delay: delay})
	start := time.Now()
	roundTrip(t, c, []byte("hello"))
	// The link's delay applies to both directions of the connection.
	if got := time.Since(start); got < 2*delay {
		t.Fatalf("round trip took %v, want at least %v", got, 2*delay)
	}
}

// TestTCPOrderUnderJitterAndLoss streams many small writes while chunks are
// jittered and held back, and while the fault is lifted mid-stream, and
// requires the echo to arrive intact and in order.
func TestTCPOrderUnderJitterAndLoss(t *testing.T) {
	n := newNetwork(t, 3)
	echo := newEcho(t)
	addr, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	l := netfault.Link{From: 1, To: 2}
	n.Set(l, netfault.Fault{Delay: time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.1})
	c := dial(t, addr)
	c.SetDeadline(time.Now().Add(10 * time.Second))

	const writes, size = 400, 500
	sent := pattern(writes * size)
	werr := make(chan error, 1)
	go func() {
		for i := range writes {
			if i == writes*3/4 {
				n.Set(l, netfault.Fault{})
			}
			if _, err := c.Write(sent[i*size : (i+1)*size]); err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	got := make([]byte, len(sent))
	_, rerr := readFull(c, got)
	if err := <-werr; err != nil {
		t.Fatalf("write: %v", err)
	}
	if rerr != nil {
		t.Fatalf("read: %v", rerr)
	}
	if !bytes.Equal(sent, got) {
		t.Fatalf("echoed stream differs from the sent one at byte %d", firstDiff(sent, got))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func readFull(c net.Conn, buf []byte) (int, error) {
	read := 0
	for read < len(buf) {
		n, err := c.Read(buf[read:])
		read += n
		if err != nil {
			return read, err
		}
	}
	return read, nil
}

func TestTCPBlock(t *testing.T) {
	n := newNetwork(t, 1)
	echo := newEcho(t)
	addr, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	live := dial(t, addr)
	roundTrip(t, live, []byte("before"))

	n.Block(1, 2)
	requireClosed(t, live)
	held := dial(t, addr)
	requireSilent(t, held)
	if got := echo.accepted.Load(); got != 1 {
		t.Fatalf("target accepted %d connections, want 1: a blocked link must not dial", got)
	}
	if s := n.Stats()[netfault.Link{From: 1, To: 2}]; s.Cut != 2 || s.Conns != 2 {
		t.Fatalf("stats %+v, want 2 connections, 2 cut", s)
	}

	n.HealAll()
	requireClosed(t, held)
	roundTrip(t, dial(t, addr), []byte("after"))
	if got := echo.accepted.Load(); got != 2 {
		t.Fatalf("target accepted %d connections, want 2", got)
	}
}

func TestOneWayBlock(t *testing.T) {
	n := newNetwork(t, 1)
	echo := newEcho(t)
	ab, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 1→2: %v", err)
	}
	ba, err := n.Proxy(2, 1, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 2→1: %v", err)
	}
	n.Set(netfault.Link{From: 1, To: 2}, netfault.Fault{Delay: 10 * time.Millisecond})
	n.Block(1, 2)

	want := netfault.Fault{Blocked: true, Delay: 10 * time.Millisecond}
	if got := n.Fault(netfault.Link{From: 1, To: 2}); got != want {
		t.Fatalf("fault 1→2 = %+v, want %+v", got, want)
	}
	if got := n.Fault(netfault.Link{From: 2, To: 1}); !got.IsZero() {
		t.Fatalf("fault 2→1 = %+v, want zero", got)
	}
	roundTrip(t, dial(t, ba), []byte("2 to 1"))
	requireSilent(t, dial(t, ab))
}

func TestPartition(t *testing.T) {
	n := newNetwork(t, 1)
	echo := newEcho(t)
	same, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 1→2: %v", err)
	}
	cross, err := n.Proxy(1, 3, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 1→3: %v", err)
	}
	n.Partition([]int{1, 2}, []int{3})

	side := map[int]int{1: 1, 2: 1, 3: 2} // node 4 is on no side
	for i := 1; i <= 4; i++ {
		for j := 1; j <= 4; j++ {
			if i == j {
				continue
			}
			l := netfault.Link{From: i, To: j}
			want := side[i] != 0 && side[j] != 0 && side[i] != side[j]
			if got := n.Fault(l).Blocked; got != want {
				t.Errorf("link %d→%d blocked = %v, want %v", i, j, got, want)
			}
		}
	}
	roundTrip(t, dial(t, same), []byte("same side"))
	requireSilent(t, dial(t, cross))

	n.HealAll()
	for l := range n.Stats() {
		if f := n.Fault(l); !f.IsZero() {
			t.Errorf("after HealAll link %v has fault %+v", l, f)
		}
	}
	roundTrip(t, dial(t, cross), []byte("healed"))
}

func TestUDPPassThrough(t *testing.T) {
	n := newNetwork(t, 1)
	target, _, sink := startGossipLike(t)
	addr, err := n.Proxy(1, 2, target, true)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	want := sendPackets(t, addr, 20)
	eventually(t, "all packets", func() bool { return len(sink.received()) == len(want) })
	if got := payloads(sink.received()); !slices.Equal(got, want) {
		t.Fatalf("received %v, want %v", got, want)
	}
	// The same port proxies TCP too.
	roundTrip(t, dial(t, addr), []byte("tcp on the gossip port"))
}

func TestUDPDelay(t *testing.T) {
	const delay = 30 * time.Millisecond
	n := newNetwork(t, 1)
	sink := newSink(t)
	addr, err := n.Proxy(1, 2, sink.addr(), true)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	n.Set(netfault.Link{From: 1, To: 2}, netfault.Fault{Delay: delay})
	start := time.Now()
	sendPackets(t, addr, 1)
	eventually(t, "the packet", func() bool { return len(sink.received()) == 1 })
	if got := sink.received()[0].at.Sub(start); got < delay {
		t.Fatalf("packet arrived after %v, want at least %v", got, delay)
	}
}

func TestUDPDropAll(t *testing.T) {
	tests := []struct {
		name  string
		fault netfault.Fault
	}{
		{"loss=1", netfault.Fault{Loss: 1}},
		{"blocked", netfault.Fault{Blocked: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNetwork(t, 1)
			sink := newSink(t)
			addr, err := n.Proxy(1, 2, sink.addr(), true)
			if err != nil {
				t.Fatalf("proxy: %v", err)
			}
			l := netfault.Link{From: 1, To: 2}
			n.Set(l, tt.fault)
			const count = 50
			sendPackets(t, addr, count)
			eventually(t, "proxy to read every packet", func() bool { return n.Stats()[l].Packets == count })
			if s := n.Stats()[l]; s.Dropped != count || s.Bytes != 0 {
				t.Fatalf("stats %+v, want all %d dropped and no bytes", s, count)
			}
			if got := len(sink.received()); got != 0 {
				t.Fatalf("target received %d packets, want 0", got)
			}
		})
	}
}

func TestUDPHalfLossIsSeeded(t *testing.T) {
	const count = 200
	first, dropped := deliverWithLoss(t, 42, count)
	if dropped == 0 || dropped == count {
		t.Fatalf("loss 0.5 dropped %d of %d packets, want some but not all", dropped, count)
	}
	second, _ := deliverWithLoss(t, 42, count)
	if !slices.Equal(first, second) {
		t.Fatalf("same seed delivered different packets:\n%v\n%v", first, second)
	}
}

// deliverWithLoss sends count packets through a link with loss 0.5 and
// returns the payloads delivered, sorted, and how many were dropped.
func deliverWithLoss(t *testing.T, seed int64, count int) ([]string, int64) {
	t.Helper()
	n := newNetwork(t, seed)
	sink := newSink(t)
	addr, err := n.Proxy(1, 2, sink.addr(), true)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	l := netfault.Link{From: 1, To: 2}
	n.Set(l, netfault.Fault{Loss: 0.5})
	sendPackets(t, addr, count)
	eventually(t, "every packet read and forwarded", func() bool {
		s := n.Stats()[l]
		return s.Packets == int64(count) && int64(len(sink.received())) == s.Packets-s.Dropped
	})
	got := payloads(sink.received())
	slices.Sort(got)
	return got, n.Stats()[l].Dropped
}

// sendPackets sends count numbered datagrams to addr, one at a time, and
// returns their payloads in order.
func sendPackets(t *testing.T, addr string, count int) []string {
	t.Helper()
	raddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatalf("resolve %s: %v", addr, err)
	}
	c, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		t.Fatalf("dial udp %s: %v", addr, err)
	}
	defer c.Close()
	var sent []string
	for i := range count {
		p := fmt.Sprintf("packet-%04d", i)
		if _, err := c.Write([]byte(p)); err != nil {
			t.Fatalf("send: %v", err)
		}
		sent = append(sent, p)
	}
	return sent
}

func payloads(rs []received) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.data
	}
	return out
}

func TestCloseStopsEverything(t *testing.T) {
	n := netfault.NewNetwork(1, nil)
	echo := newEcho(t)
	target, _, _ := startGossipLike(t)
	slow, err := n.Proxy(1, 2, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 1→2: %v", err)
	}
	blocked, err := n.Proxy(1, 3, echo.addr(), false)
	if err != nil {
		t.Fatalf("proxy 1→3: %v", err)
	}
	gossip, err := n.Proxy(2, 1, target, true)
	if err != nil {
		t.Fatalf("proxy 2→1: %v", err)
	}
	n.Set(netfault.Link{From: 1, To: 2}, netfault.Fault{Delay: time.Hour})
	n.Set(netfault.Link{From: 2, To: 1}, netfault.Fault{Delay: time.Hour})
	n.Block(1, 3)

	inFlight := dial(t, slow)
	if _, err := inFlight.Write([]byte("never delivered")); err != nil {
		t.Fatalf("write: %v", err)
	}
	held := dial(t, blocked)
	requireSilent(t, held)
	sendPackets(t, gossip, 3)
	eventually(t, "delayed packets queued", func() bool {
		return n.Stats()[netfault.Link{From: 2, To: 1}].Packets == 3
	})
	eventually(t, "delayed connection accepted", func() bool {
		return n.Stats()[netfault.Link{From: 1, To: 2}].Conns == 1
	})

	if err := n.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if leaked := waitNoGoroutines(5 * time.Second); len(leaked) > 0 {
		t.Fatalf("goroutines left after Close:\n%s", strings.Join(leaked, "\n\n"))
	}
	requireClosed(t, inFlight)
	requireClosed(t, held)
	if err := n.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := n.Proxy(1, 4, echo.addr(), false); !errors.Is(err, netfault.ErrClosed) {
		t.Fatalf("proxy after close: err %v, want ErrClosed", err)
	}
}

// netfaultGoroutines returns the stacks of goroutines running code of the
// netfault package (not of its tests).
func netfaultGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "flotilla/test/chaos/netfault.") {
			out = append(out, g)
		}
	}
	return out
}

// waitNoGoroutines polls until no netfault goroutine runs, returning the
// stacks of those still running after timeout.
func waitNoGoroutines(timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		leaked := netfaultGoroutines()
		if len(leaked) == 0 || time.Now().After(deadline) {
			return leaked
		}
		<-tick.C
	}
}
