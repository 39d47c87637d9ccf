package chaos

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// Node ports are picked below the kernel's ephemeral port range, so that
// neither the proxies (which listen on port 0) nor the outgoing connections
// of any process can take a port of a node that is down for a while and
// must come back on the same address.
const (
	lowestNodePort   = 20000
	defaultEphemeral = 32768
)

// portPicker hands out distinct 127.0.0.1 addresses and keeps each one's
// port bound until release, so that no other run in this or another
// process can take it before the node it is meant for starts. It is owned
// by one goroutine.
type portPicker struct {
	held map[string][]io.Closer
	used map[int]bool
	max  int // exclusive
}

func newPortPicker() *portPicker {
	return &portPicker{held: map[string][]io.Closer{}, used: map[int]bool{}, max: ephemeralLow()}
}

// ephemeralLow is the first port of the kernel's ephemeral range.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return defaultEphemeral
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return defaultEphemeral
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil || low <= lowestNodePort+1000 {
		return defaultEphemeral
	}
	return low
}

// addr returns a fresh address bound for TCP, and for UDP too when udp is
// set (gossip uses both on one port), until release.
func (p *portPicker) addr(udp bool) (string, error) {
	for range 1000 {
		port := lowestNodePort + rand.IntN(p.max-lowestNodePort)
		if p.used[port] {
			continue
		}
		a := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		held, ok := hold(a, udp)
		if !ok {
			continue
		}
		p.used[port] = true
		p.held[a] = held
		return a, nil
	}
	return "", fmt.Errorf("chaos: no free port in [%d, %d) after 1000 tries", lowestNodePort, p.max)
}

// release unbinds the addresses, for their node to bind them.
func (p *portPicker) release(addrs ...string) {
	for _, a := range addrs {
		for _, c := range p.held[a] {
			c.Close()
		}
		delete(p.held, a)
	}
}

// releaseAll unbinds every address still held.
func (p *portPicker) releaseAll() {
	for a := range p.held {
		p.release(a)
	}
}

// hold binds a (TCP, and UDP when udp) and returns the sockets, or false
// if a is taken.
func hold(a string, udp bool) ([]io.Closer, bool) {
	l, err := net.Listen("tcp", a)
	if err != nil {
		return nil, false
	}
	if !udp {
		return []io.Closer{l}, true
	}
	c, err := net.ListenPacket("udp", a)
	if err != nil {
		l.Close()
		return nil, false
	}
	return []io.Closer{l, c}, true
}
