package netfault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// ErrClosed is returned by Network.Proxy once the Network is closed.
var ErrClosed = errors.New("netfault: network closed")

// udpPortAttempts bounds the search for a port free for both TCP and UDP.
const udpPortAttempts = 20

// Network is a set of fault-injecting proxies and the faults of their links.
// It is safe for concurrent use.
type Network struct {
	log    *slog.Logger
	rng    *lockedRand
	ctx    context.Context // cancelled by Close; every goroutine watches it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	links   map[Link]*link
	closers []io.Closer // listeners and sockets of every proxy
}

// NewNetwork returns an empty Network. seed drives the loss and jitter
// draws; log may be nil.
func NewNetwork(seed int64, log *slog.Logger) *Network {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Network{
		log:    log.With(slog.String("component", "netfault")),
		rng:    newLockedRand(seed),
		ctx:    ctx,
		cancel: cancel,
		links:  make(map[Link]*link),
	}
}

// goFunc runs f on a goroutine that Close waits for.
func (n *Network) goFunc(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// link returns the state of l, creating it healthy on first use.
func (n *Network) link(l Link) *link {
	n.mu.Lock()
	defer n.mu.Unlock()
	s, ok := n.links[l]
	if !ok {
		s = newLink()
		n.links[l] = s
	}
	return s
}

// Proxy starts a proxy for link from→to in front of target (host:port) on a
// fresh 127.0.0.1 port and returns the address to dial. With udp, the proxy
// listens for TCP and UDP on the same port number and forwards both; UDP
// packets are forwarded one way, to target, from a socket of the proxy.
func (n *Network) Proxy(from, to int, target string, udp bool) (string, error) {
	if from < 1 || to < 1 {
		return "", fmt.Errorf("netfault: proxy %d→%d: node numbers start at 1", from, to)
	}
	var (
		ln    *net.TCPListener
		socks *udpSockets
		err   error
	)
	if udp {
		ln, socks, err = listenTCPAndUDP(target)
	} else {
		ln, err = listenTCP()
	}
	if err != nil {
		return "", fmt.Errorf("netfault: proxy %d→%d for %s: %w", from, to, target, err)
	}
	l := n.link(Link{from, to})
	start := func() {
		n.goFunc(func() { n.acceptLoop(ln, l, target) })
		if socks != nil {
			q := make(chan packet, udpQueueLen)
			n.goFunc(func() { n.udpReadLoop(socks, l, q) })
			n.goFunc(func() { n.udpSendLoop(socks, l, q) })
		}
	}
	if err := n.track(ln, socks, start); err != nil {
		return "", fmt.Errorf("netfault: proxy %d→%d for %s: %w", from, to, target, err)
	}
	n.log.LogAttrs(n.ctx, slog.LevelDebug, "proxy started",
		slog.Int("from", from), slog.Int("to", to),
		slog.String("target", target), slog.String("addr", ln.Addr().String()))
	return ln.Addr().String(), nil
}

// track records a new proxy's sockets for Close and starts its goroutines,
// or closes the sockets if the Network is already closed. Holding the lock
// while starting keeps Close from missing the new goroutines.
func (n *Network) track(ln *net.TCPListener, socks *udpSockets, start func()) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		ln.Close()
		if socks != nil {
			socks.Close()
		}
		return ErrClosed
	}
	n.closers = append(n.closers, ln)
	if socks != nil {
		n.closers = append(n.closers, socks)
	}
	start()
	return nil
}

func listenTCP() (*net.TCPListener, error) {
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, fmt.Errorf("listen tcp: %w", err)
	}
	return ln, nil
}

// listenTCPAndUDP finds a 127.0.0.1 port free for both TCP and UDP and
// listens on it, and opens the socket UDP packets are forwarded from.
func listenTCPAndUDP(target string) (*net.TCPListener, *udpSockets, error) {
	dst, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve udp target: %w", err)
	}
	var lastErr error
	for range udpPortAttempts {
		ln, err := listenTCP()
		if err != nil {
			return nil, nil, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		socks, err := openUDPSockets(port, dst)
		if err == nil {
			return ln, socks, nil
		}
		ln.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("no port free for tcp and udp after %d attempts: %w", udpPortAttempts, lastErr)
}

// Set replaces the fault of l on every proxy of l, at once.
func (n *Network) Set(l Link, f Fault) {
	n.link(l).update(func(cur *Fault) { *cur = f })
	n.log.LogAttrs(n.ctx, slog.LevelDebug, "fault set",
		slog.Int("from", l.From), slog.Int("to", l.To), slog.Any("fault", f))
}

// Fault returns the current fault of l.
func (n *Network) Fault(l Link) Fault { return n.link(l).current() }

// Block blocks the one-way link from→to, keeping its other fault fields.
func (n *Network) Block(from, to int) {
	n.link(Link{from, to}).update(func(cur *Fault) { cur.Blocked = true })
}

// Partition blocks both directions of every link between nodes on different
// sides. Links among nodes of one side, and of nodes on no side, are left as
// they are.
func (n *Network) Partition(sides ...[]int) {
	for a, side := range sides {
		for _, other := range sides[a+1:] {
			for _, i := range side {
				for _, j := range other {
					n.Block(i, j)
					n.Block(j, i)
				}
			}
		}
	}
}

// HealAll sets every link back to the zero Fault.
func (n *Network) HealAll() {
	n.mu.Lock()
	links := make([]*link, 0, len(n.links))
	for _, l := range n.links {
		links = append(links, l)
	}
	n.mu.Unlock()
	for _, l := range links {
		l.update(func(cur *Fault) { *cur = Fault{} })
	}
}

// Stats returns the counters of every link that has a proxy or a fault.
func (n *Network) Stats() map[Link]LinkStats {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[Link]LinkStats, len(n.links))
	for id, l := range n.links {
		out[id] = l.stats.snapshot()
	}
	return out
}

// Close stops every proxy, closes every connection and waits for every
// goroutine of the Network to exit. It is idempotent.
func (n *Network) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	n.cancel()
	closers, links := n.closers, n.links
	n.closers = nil
	n.mu.Unlock()

	var errs []error
	for _, c := range closers {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for _, l := range links {
		l.closeAll()
	}
	n.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("netfault: close: %w", err)
	}
	return nil
}

// lockedRand is a seeded random source shared by every proxy.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	return &lockedRand{r: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
}

// chance reports true with probability p.
func (r *lockedRand) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.Float64() < p
}

// upTo returns a uniform duration in [0, d), or 0 if d <= 0.
func (r *lockedRand) upTo(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Duration(r.r.Int64N(int64(d)))
}

// latency is the delay f adds to one chunk or packet, loss aside.
func (n *Network) latency(f Fault) time.Duration {
	d := n.rng.upTo(f.Jitter)
	if f.Delay > 0 {
		d += f.Delay
	}
	return d
}
