package netfault

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

const (
	chunkSize     = 32 << 10        // largest chunk a pump reads at once
	tcpQueueLen   = 64              // chunks in flight per direction before the reader waits
	dialTimeout   = 5 * time.Second // to reach a proxy's target
	acceptBackoff = 10 * time.Millisecond
)

// acceptLoop accepts the connections of one proxy until its listener closes.
func (n *Network) acceptLoop(ln *net.TCPListener, l *link, target string) {
	for {
		conn, err := ln.AcceptTCP()
		if err != nil {
			if n.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			n.log.LogAttrs(n.ctx, slog.LevelWarn, "accept failed", slog.String("target", target), slog.Any("err", err))
			n.pause(acceptBackoff)
			continue
		}
		l.stats.conns.Add(1)
		n.goFunc(func() { n.serveConn(conn, l, target) })
	}
}

// pause waits d or until the Network closes.
func (n *Network) pause(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-n.ctx.Done():
	}
}

// serveConn forwards one accepted connection to target, or holds it silent
// while the link is blocked.
func (n *Network) serveConn(client *net.TCPConn, l *link, target string) {
	if held := l.heldUntil(); held != nil {
		n.hold(client, l, held)
		return
	}
	d := net.Dialer{Timeout: dialTimeout}
	server, err := d.DialContext(n.ctx, "tcp", target)
	if err != nil {
		n.log.LogAttrs(n.ctx, slog.LevelDebug, "dial target failed", slog.String("target", target), slog.Any("err", err))
		client.Close()
		return
	}
	c := newTCPConn(n.ctx, client, server.(*net.TCPConn))
	if !l.register(c) {
		l.stats.cut.Add(1)
		c.close()
		return
	}
	defer l.unregister(c)
	c.run(n, l)
}

// hold keeps a connection accepted during a block open and unread until
// the block is lifted or the Network closes, then closes it.
func (n *Network) hold(client *net.TCPConn, l *link, healed <-chan struct{}) {
	l.stats.cut.Add(1)
	select {
	case <-healed:
	case <-n.ctx.Done():
	}
	client.Close()
}

// tcpConn is one proxied connection: the accepted client side and the
// dialled server side. close may be called from any goroutine, any number of
// times.
type tcpConn struct {
	client, server *net.TCPConn
	ctx            context.Context // cancelled by close
	cancel         context.CancelFunc
}

func newTCPConn(parent context.Context, client, server *net.TCPConn) *tcpConn {
	ctx, cancel := context.WithCancel(parent)
	return &tcpConn{client: client, server: server, ctx: ctx, cancel: cancel}
}

// close cuts the connection both ways; its pumps then exit.
func (c *tcpConn) close() {
	c.cancel()
	c.client.Close()
	c.server.Close()
}

// run pumps both directions until both are done or the connection is cut,
// and returns after every pump goroutine has exited.
func (c *tcpConn) run(n *Network, l *link) {
	// Whoever cancels the connection (a cut, Close, a failed pump) also
	// unblocks pumps waiting in Read or Write by closing the sockets.
	stop := context.AfterFunc(c.ctx, c.close)
	var wg sync.WaitGroup
	for _, p := range []*pump{newPump(c.client, c.server), newPump(c.server, c.client)} {
		wg.Go(func() { p.read(c, n, l) })
		wg.Go(func() { p.write(c, l) })
	}
	wg.Wait()
	stop()
	c.close()
}

// chunk is data read from one side, to be written to the other no earlier
// than release; eof marks the end of the source's data.
type chunk struct {
	data    []byte
	release time.Time
	eof     bool
}

// pump carries one direction of a connection: its reader stamps chunks with
// release times that never go backwards, its writer releases them in order.
// Without a fault and with nothing queued, the reader writes directly.
type pump struct {
	src, dst *net.TCPConn
	queue    chan chunk
	pending  atomic.Int64 // chunks queued and not yet written
	last     time.Time    // release time of the last queued chunk; reader only
}

func newPump(src, dst *net.TCPConn) *pump {
	return &pump{src: src, dst: dst, queue: make(chan chunk, tcpQueueLen)}
}

// read reads src until EOF, an error or a cut.
func (p *pump) read(c *tcpConn, n *Network, l *link) {
	buf := make([]byte, chunkSize)
	for {
		nr, err := p.src.Read(buf)
		if nr > 0 && !p.forward(c, n, l, buf[:nr]) {
			return
		}
		if errors.Is(err, io.EOF) {
			p.enqueue(c, chunk{eof: true})
			return
		}
		if err != nil {
			c.close()
			return
		}
	}
}

// forward writes data at once if the link adds nothing and nothing is
// queued, and queues it with its release time otherwise. It reports false
// once the connection is done.
func (p *pump) forward(c *tcpConn, n *Network, l *link, data []byte) bool {
	f := l.current()
	if f.passThrough() && p.pending.Load() == 0 {
		if _, err := p.dst.Write(data); err != nil {
			c.close()
			return false
		}
		l.stats.bytes.Add(int64(len(data)))
		return true
	}
	release := time.Now().Add(n.latency(f))
	if n.rng.chance(f.Loss) {
		release = release.Add(tcpLossPenalty)
	}
	if release.Before(p.last) {
		release = p.last
	}
	p.last = release
	p.pending.Add(1)
	return p.enqueue(c, chunk{data: bytes.Clone(data), release: release})
}

func (p *pump) enqueue(c *tcpConn, ch chunk) bool {
	select {
	case p.queue <- ch:
		return true
	case <-c.ctx.Done():
		return false
	}
}

// write releases queued chunks to dst in order, each no earlier than its
// release time; at EOF it half-closes dst.
func (p *pump) write(c *tcpConn, l *link) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		var ch chunk
		select {
		case ch = <-p.queue:
		case <-c.ctx.Done():
			return
		}
		if ch.eof {
			p.dst.CloseWrite()
			return
		}
		if !waitUntil(c.ctx, timer, ch.release) {
			return
		}
		if _, err := p.dst.Write(ch.data); err != nil {
			c.close()
			return
		}
		l.stats.bytes.Add(int64(len(ch.data)))
		p.pending.Add(-1)
	}
}

// waitUntil waits until t using timer, reporting false if ctx ends first.
func waitUntil(ctx context.Context, timer *time.Timer, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(d)
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		timer.Stop()
		return false
	}
}
