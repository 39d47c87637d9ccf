package membership

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// ErrShutdown is returned by Join and Leave after Shutdown.
var ErrShutdown = errors.New("membership: shut down")

// State is a member's liveness as seen by this node.
type State int

// Member states. memberlist v0.7.0 does not expose suspicion, so
// StateSuspect is never reported today; it is kept so callers treat it
// like alive-but-doubtful should a later version report it.
const (
	StateAlive State = iota
	StateSuspect
	StateDead
	StateLeft
)

// String names the state.
func (s State) String() string {
	switch s {
	case StateAlive:
		return "alive"
	case StateSuspect:
		return "suspect"
	case StateDead:
		return "dead"
	case StateLeft:
		return "left"
	}
	return "unknown"
}

// Member is one node this node has heard of.
type Member struct {
	Meta
	State State
	// Since is when State last changed, on this node's clock.
	Since time.Time
	// leaving records the peer's "about to leave" mark.
	leaving bool
	// gossipAddr is the peer's gossip host:port as memberlist last knew it.
	gossipAddr string
}

// Membership owns this node's memberlist instance and the table of
// members it has seen.
type Membership struct {
	logger *slog.Logger
	ml     *memberlist.Memberlist
	addr   string

	mu      sync.Mutex
	local   wireMeta
	members map[string]*Member
	subs    map[*subscriber]struct{}
	closed  bool

	lifeMu sync.Mutex // orders Leave against Shutdown: memberlist panics on Leave after Shutdown
	wg     sync.WaitGroup
}

// New validates cfg, binds the gossip listener and starts gossiping. The
// node is alone until Join.
func New(cfg Config) (*Membership, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg.Meta.NodeID = cfg.NodeID
	m := &Membership{
		logger:  logger.With("component", "membership", "node", cfg.NodeID),
		local:   wireMeta{Meta: cfg.Meta},
		members: make(map[string]*Member),
		subs:    make(map[*subscriber]struct{}),
	}
	mc := cfg.memberlistConfig()
	mc.Logger = newStdLogger(m.logger.WithGroup("memberlist"))
	mc.Delegate = metaDelegate{m: m}
	mc.Events = eventDelegate{m: m}
	if len(cfg.DialMap) > 0 {
		tr, err := newDialMapTransport(mc, cfg.DialMap, mc.Logger)
		if err != nil {
			return nil, err
		}
		mc.Transport = tr
	}
	ml, err := memberlist.Create(mc)
	if err != nil {
		if mc.Transport != nil {
			_ = mc.Transport.Shutdown()
		}
		return nil, fmt.Errorf("membership: start gossip on %s: %w", cfg.BindAddr, err)
	}
	m.ml = ml
	m.addr = ml.LocalNode().Address()
	return m, nil
}

// Addr is the gossip address peers reach this node on (with the port
// actually bound when Config.BindAddr asked for port 0).
func (m *Membership) Addr() string { return m.addr }

// Join contacts addrs until at least one answers, retrying with backoff
// until ctx is done. Joining only oneself succeeds; no addrs is a no-op.
func (m *Membership) Join(ctx context.Context, addrs []string) error {
	if len(addrs) == 0 {
		return nil
	}
	backoff := 50 * time.Millisecond
	for {
		if m.isClosed() {
			return ErrShutdown
		}
		n, err := m.ml.Join(addrs)
		if n > 0 {
			m.logger.Info("joined cluster", "contacted", n)
			return nil
		}
		m.logger.Debug("join attempt failed", "addrs", addrs, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("membership: join %v: %w (last error: %v)", addrs, ctx.Err(), err)
		case <-t.C:
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// Rejoin contacts, once, the gossip addresses of the members this node
// sees as dead (not those that left) plus extra, and reports how many
// answered. memberlist stops gossiping to a node some time after marking it
// dead, so after a network partition heals the sides would stay apart
// without it; a node that is really gone just does not answer.
func (m *Membership) Rejoin(extra []string) int {
	m.mu.Lock()
	addrs := slices.Clone(extra)
	for _, mem := range m.members {
		if mem.State == StateDead && mem.gossipAddr != "" {
			addrs = append(addrs, mem.gossipAddr)
		}
	}
	m.mu.Unlock()
	if len(addrs) == 0 || m.isClosed() {
		return 0
	}
	n, err := m.ml.Join(addrs)
	m.logger.Debug("rejoin", "addrs", addrs, "answered", n, "err", err)
	return n
}

// HasDead reports whether this node sees any member as dead (failed, not
// left).
func (m *Membership) HasDead() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mem := range m.members {
		if mem.State == StateDead {
			return true
		}
	}
	return false
}

// Members returns every node this node has heard of, itself included,
// sorted by node id.
func (m *Membership) Members() []Member {
	m.mu.Lock()
	out := make([]Member, 0, len(m.members))
	for _, mem := range m.members {
		out = append(out, *mem)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].NodeID < out[j].NodeID })
	return out
}

// Alive returns the Meta of every alive member, sorted by node id.
func (m *Membership) Alive() []Meta {
	var out []Meta
	for _, mem := range m.Members() {
		if mem.State == StateAlive {
			out = append(out, mem.Meta)
		}
	}
	return out
}

// DeadSince reports since when nodeID has been dead or gone; false when
// the node is alive or unknown.
func (m *Membership) DeadSince(nodeID string) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mem, ok := m.members[nodeID]
	if !ok || (mem.State != StateDead && mem.State != StateLeft) {
		return time.Time{}, false
	}
	return mem.Since, true
}

// Subscribe returns a channel of membership events and a function that
// cancels the subscription and closes the channel. Events arrive in the
// order this node observed them; a subscriber that falls more than 64
// events behind gets one EventChanged in place of the missed ones. The
// channel is closed by cancel or Shutdown.
func (m *Membership) Subscribe() (<-chan Event, func()) {
	s := newSubscriber()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	m.subs[s] = struct{}{}
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		s.pump()
	}()
	cancel := func() {
		m.mu.Lock()
		delete(m.subs, s)
		m.mu.Unlock()
		s.stop()
	}
	return s.ch, cancel
}

// Leave tells peers this node is departing and waits up to timeout for
// the news to spread. It does not stop gossip; call Shutdown next.
func (m *Membership) Leave(timeout time.Duration) error {
	m.lifeMu.Lock()
	defer m.lifeMu.Unlock()
	if m.isClosed() {
		return ErrShutdown
	}
	m.mu.Lock()
	m.local.Leaving = true
	m.mu.Unlock()
	start := time.Now()
	if err := m.ml.UpdateNode(timeout / 2); err != nil {
		m.logger.Warn("leaving mark not acknowledged", "err", err)
	}
	if err := m.ml.Leave(max(timeout-time.Since(start), time.Millisecond)); err != nil {
		return fmt.Errorf("membership: leave: %w", err)
	}
	return nil
}

// Shutdown stops gossip without telling peers (they will declare this
// node dead) and closes every subscriber channel. It is idempotent.
func (m *Membership) Shutdown() error {
	m.lifeMu.Lock()
	defer m.lifeMu.Unlock()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	subs := m.subs
	m.subs = nil
	m.mu.Unlock()

	err := m.ml.Shutdown()
	for s := range subs {
		s.stop()
	}
	m.wg.Wait()
	if err != nil {
		return fmt.Errorf("membership: shutdown: %w", err)
	}
	return nil
}

func (m *Membership) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// observe applies one memberlist notification to the member table and
// fans the resulting event out. Called on memberlist's goroutines, never
// concurrently; it must not block.
func (m *Membership) observe(kind EventKind, n *memberlist.Node) {
	w, err := decodeMeta(n.Name, n.Meta)
	if err != nil {
		m.logger.Warn("undecodable peer meta", "peer", n.Name, "err", err)
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	mem, ok := m.members[n.Name]
	if !ok {
		mem = &Member{State: StateDead}
		m.members[n.Name] = mem
	}
	wasLeaving := mem.leaving
	mem.Meta, mem.leaving = w.Meta, w.Leaving
	mem.gossipAddr = net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port)))
	next := StateAlive
	if kind == EventLeave {
		next = StateDead
		if wasLeaving || w.Leaving {
			next = StateLeft
		}
	}
	if next != mem.State || !ok {
		mem.State, mem.Since = next, now
	}
	ev := Event{Kind: kind, Member: *mem}
	for s := range m.subs {
		s.publish(ev)
	}
	m.logger.Debug("member changed", "event", kind, "peer", n.Name, "state", mem.State)
}

// metaDelegate serves this node's metadata to memberlist; user messages
// and state exchange are unused.
type metaDelegate struct{ m *Membership }

var _ memberlist.Delegate = metaDelegate{}

// NodeMeta returns the encoded local Meta; Config.Validate guarantees it
// fits in limit.
func (d metaDelegate) NodeMeta(limit int) []byte {
	d.m.mu.Lock()
	w := d.m.local
	d.m.mu.Unlock()
	b, err := encodeMeta(w)
	if err != nil || len(b) > limit {
		panic(fmt.Sprintf("membership: local meta exceeds %d bytes despite validation: %v", limit, err))
	}
	return b
}

func (metaDelegate) NotifyMsg([]byte)                           {}
func (metaDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (metaDelegate) LocalState(join bool) []byte                { return nil }
func (metaDelegate) MergeRemoteState(buf []byte, join bool)     {}

// eventDelegate forwards memberlist's notifications to observe.
type eventDelegate struct{ m *Membership }

var _ memberlist.EventDelegate = eventDelegate{}

func (d eventDelegate) NotifyJoin(n *memberlist.Node)   { d.m.observe(EventJoin, n) }
func (d eventDelegate) NotifyLeave(n *memberlist.Node)  { d.m.observe(EventLeave, n) }
func (d eventDelegate) NotifyUpdate(n *memberlist.Node) { d.m.observe(EventUpdate, n) }
