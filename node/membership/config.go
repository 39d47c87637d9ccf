package membership

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
)

// Config configures a Membership. Zero durations mean "memberlist's LAN
// default" (see DefaultConfig).
type Config struct {
	// NodeID is this node's unique name in the cluster; it must equal
	// Meta.NodeID (an empty Meta.NodeID is filled in from it).
	NodeID string
	// BindAddr is the host:port gossip address to listen on (TCP and UDP).
	// Port 0 picks a free port; Addr reports the one chosen.
	BindAddr string
	// AdvertiseAddr is the host:port peers should use to reach this node;
	// empty means BindAddr.
	AdvertiseAddr string
	// Meta is gossiped to every peer.
	Meta Meta
	// Logger receives this package's and memberlist's logs; nil discards.
	Logger *slog.Logger

	// ProbeInterval is the time between failure-detector probes.
	ProbeInterval time.Duration
	// ProbeTimeout is how long to wait for a probe's ack; it must not
	// exceed ProbeInterval.
	ProbeTimeout time.Duration
	// GossipInterval is the time between gossip rounds.
	GossipInterval time.Duration
	// PushPullInterval is the time between full state exchanges.
	PushPullInterval time.Duration
	// SuspicionMult scales how long a suspect node has to refute before it
	// is declared dead (SuspicionMult * log(N+1) * ProbeInterval).
	SuspicionMult int
	// TCPTimeout bounds each stream connection, including each Join attempt.
	TCPTimeout time.Duration
	// DeadNodeReclaimTime is how long after its death a node's name may be
	// taken by a process at a different address (a restarted node whose
	// address changed).
	DeadNodeReclaimTime time.Duration
	// DialMap is a test facility: every gossip packet and stream this node
	// sends to a host:port key (as peers advertise it, or as given to
	// Join) goes to the mapped host:port instead, e.g. a fault-injecting
	// proxy. Addresses advertised and gossiped stay the real ones; nil
	// sends everything where it is addressed.
	DialMap map[string]string
}

// DefaultConfig returns memberlist's LAN timings with a 30s dead-node
// reclaim time; NodeID, BindAddr and Meta are left for the caller.
func DefaultConfig() Config {
	lan := memberlist.DefaultLANConfig()
	return Config{
		ProbeInterval:       lan.ProbeInterval,
		ProbeTimeout:        lan.ProbeTimeout,
		GossipInterval:      lan.GossipInterval,
		PushPullInterval:    lan.PushPullInterval,
		SuspicionMult:       lan.SuspicionMult,
		TCPTimeout:          lan.TCPTimeout,
		DeadNodeReclaimTime: 30 * time.Second,
	}
}

// Validate reports the first invalid field, naming it and its value.
func (c Config) Validate() error {
	if c.NodeID == "" {
		return errors.New("membership: Config.NodeID is empty")
	}
	if c.Meta.NodeID != "" && c.Meta.NodeID != c.NodeID {
		return fmt.Errorf("membership: Config.Meta.NodeID %q differs from Config.NodeID %q", c.Meta.NodeID, c.NodeID)
	}
	if _, _, err := splitHostPort("BindAddr", c.BindAddr); err != nil {
		return err
	}
	if c.AdvertiseAddr != "" {
		if _, _, err := splitHostPort("AdvertiseAddr", c.AdvertiseAddr); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{
		{"ProbeInterval", c.ProbeInterval}, {"ProbeTimeout", c.ProbeTimeout},
		{"GossipInterval", c.GossipInterval}, {"PushPullInterval", c.PushPullInterval},
		{"TCPTimeout", c.TCPTimeout}, {"DeadNodeReclaimTime", c.DeadNodeReclaimTime},
	} {
		if d.v < 0 {
			return fmt.Errorf("membership: Config.%s %v is negative", d.field, d.v)
		}
	}
	for from, to := range c.DialMap {
		if _, _, err := splitHostPort("DialMap key", from); err != nil {
			return err
		}
		if _, _, err := splitHostPort("DialMap["+from+"]", to); err != nil {
			return err
		}
	}
	if c.SuspicionMult < 0 {
		return fmt.Errorf("membership: Config.SuspicionMult %d is negative", c.SuspicionMult)
	}
	if c.ProbeInterval > 0 && c.ProbeTimeout > c.ProbeInterval {
		return fmt.Errorf("membership: Config.ProbeTimeout %v exceeds Config.ProbeInterval %v", c.ProbeTimeout, c.ProbeInterval)
	}
	meta := c.Meta
	meta.NodeID = c.NodeID
	if _, err := encodeMeta(wireMeta{Meta: meta, Leaving: true}); err != nil {
		return err
	}
	return nil
}

// memberlistConfig translates c (already validated) into memberlist's
// configuration; zero fields keep the LAN defaults.
func (c Config) memberlistConfig() *memberlist.Config {
	mc := memberlist.DefaultLANConfig()
	mc.Name = c.NodeID
	host, port, _ := splitHostPort("BindAddr", c.BindAddr)
	mc.BindAddr, mc.BindPort = host, port
	mc.AdvertiseAddr, mc.AdvertisePort = "", port
	if c.AdvertiseAddr != "" {
		mc.AdvertiseAddr, mc.AdvertisePort, _ = splitHostPort("AdvertiseAddr", c.AdvertiseAddr)
	}
	setDuration(&mc.ProbeInterval, c.ProbeInterval)
	setDuration(&mc.ProbeTimeout, c.ProbeTimeout)
	setDuration(&mc.GossipInterval, c.GossipInterval)
	setDuration(&mc.PushPullInterval, c.PushPullInterval)
	setDuration(&mc.TCPTimeout, c.TCPTimeout)
	setDuration(&mc.DeadNodeReclaimTime, c.DeadNodeReclaimTime)
	if c.SuspicionMult > 0 {
		mc.SuspicionMult = c.SuspicionMult
	}
	if mc.ProbeTimeout > mc.ProbeInterval {
		mc.ProbeTimeout = mc.ProbeInterval
	}
	// Dead nodes are gossiped for about as long as a full state sync takes.
	mc.GossipToTheDeadTime = mc.PushPullInterval
	return mc
}

func setDuration(dst *time.Duration, v time.Duration) {
	if v > 0 {
		*dst = v
	}
}

func splitHostPort(field, addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("membership: Config.%s %q: %w", field, addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("membership: Config.%s %q has an invalid port", field, addr)
	}
	if host == "" {
		return "", 0, fmt.Errorf("membership: Config.%s %q has no host", field, addr)
	}
	return host, port, nil
}
