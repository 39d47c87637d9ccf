package netfault

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"
)

const (
	maxPacket   = 64 << 10 // largest UDP datagram
	udpQueueLen = 1024     // delayed packets per proxy; more are dropped
)

// udpSockets are a proxy's UDP sockets: in listens on the proxy's port, out
// sends the forwarded packets to dst.
type udpSockets struct {
	in, out *net.UDPConn
	dst     *net.UDPAddr
}

func openUDPSockets(port int, dst *net.UDPAddr) (*udpSockets, error) {
	loopback := net.IPv4(127, 0, 0, 1)
	in, err := net.ListenUDP("udp", &net.UDPAddr{IP: loopback, Port: port})
	if err != nil {
		return nil, fmt.Errorf("listen udp port %d: %w", port, err)
	}
	out, err := net.ListenUDP("udp", &net.UDPAddr{IP: loopback})
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("open udp sending socket: %w", err)
	}
	return &udpSockets{in: in, out: out, dst: dst}, nil
}

// Close closes both sockets.
func (s *udpSockets) Close() error {
	return errors.Join(s.in.Close(), s.out.Close())
}

// packet is a UDP datagram waiting for its release time.
type packet struct {
	data    []byte
	release time.Time
}

// udpReadLoop reads the proxy's packets until its socket closes: it drops
// them, sends them at once, or queues them for udpSendLoop when delayed.
// Delayed packets keep their order.
func (n *Network) udpReadLoop(s *udpSockets, l *link, q chan<- packet) {
	buf := make([]byte, maxPacket)
	var last time.Time
	for {
		nr, _, err := s.in.ReadFromUDP(buf)
		if err != nil {
			if n.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			n.log.LogAttrs(n.ctx, slog.LevelWarn, "udp read failed", slog.Any("err", err))
			continue
		}
		l.stats.packets.Add(1)
		f := l.current()
		if f.Blocked || n.rng.chance(f.Loss) {
			l.stats.dropped.Add(1)
			continue
		}
		if f.Delay <= 0 && f.Jitter <= 0 {
			n.sendPacket(s, l, buf[:nr])
			continue
		}
		release := time.Now().Add(n.latency(f))
		if release.Before(last) {
			release = last
		}
		last = release
		select {
		case q <- packet{data: bytes.Clone(buf[:nr]), release: release}:
		default:
			l.stats.dropped.Add(1)
		}
	}
}

// udpSendLoop sends delayed packets, in order, each no earlier than its
// release time, until the Network closes.
func (n *Network) udpSendLoop(s *udpSockets, l *link, q <-chan packet) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		var p packet
		select {
		case p = <-q:
		case <-n.ctx.Done():
			return
		}
		if !waitUntil(n.ctx, timer, p.release) {
			return
		}
		n.sendPacket(s, l, p.data)
	}
}

// sendPacket forwards one datagram to the proxy's target. A failed send is
// a lost packet, as on a real network.
func (n *Network) sendPacket(s *udpSockets, l *link, data []byte) {
	if _, err := s.out.WriteToUDP(data, s.dst); err != nil {
		l.stats.dropped.Add(1)
		return
	}
	l.stats.bytes.Add(int64(len(data)))
}
