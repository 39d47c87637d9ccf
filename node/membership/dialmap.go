package membership

import (
	"fmt"
	"log"
	"net"
	"time"

	"github.com/hashicorp/memberlist"
)

// dialMapTransport sends memberlist's outgoing packets and streams to the
// address a dial map gives for their destination; everything else,
// including what this node advertises and how it receives, is the wrapped
// transport's.
type dialMapTransport struct {
	memberlist.NodeAwareTransport
	dialMap map[string]string // read-only after construction
}

var _ memberlist.NodeAwareTransport = (*dialMapTransport)(nil)

// newDialMapTransport binds memberlist's own network transport on
// mc.BindAddr:mc.BindPort and wraps it; a port of 0 is replaced in mc by
// the port bound, as memberlist does for its default transport.
func newDialMapTransport(mc *memberlist.Config, dialMap map[string]string, logger *log.Logger) (*dialMapTransport, error) {
	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{mc.BindAddr},
		BindPort:  mc.BindPort,
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("membership: gossip transport on %s: %w",
			net.JoinHostPort(mc.BindAddr, fmt.Sprint(mc.BindPort)), err)
	}
	if mc.BindPort == 0 {
		mc.BindPort = nt.GetAutoBindPort()
		mc.AdvertisePort = mc.BindPort
	}
	return &dialMapTransport{NodeAwareTransport: nt, dialMap: dialMap}, nil
}

// dest returns where to send traffic addressed to addr.
func (t *dialMapTransport) dest(addr string) string {
	if to, ok := t.dialMap[addr]; ok {
		return to
	}
	return addr
}

func (t *dialMapTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.NodeAwareTransport.WriteTo(b, t.dest(addr))
}

func (t *dialMapTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	a.Addr = t.dest(a.Addr)
	return t.NodeAwareTransport.WriteToAddress(b, a)
}

func (t *dialMapTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.NodeAwareTransport.DialTimeout(t.dest(addr), timeout)
}

func (t *dialMapTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	a.Addr = t.dest(a.Addr)
	return t.NodeAwareTransport.DialAddressTimeout(a, timeout)
}
