package membership

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

const waitTimeout = 10 * time.Second

// fastConfig is a Config with test-speed timings bound to a free port.
func fastConfig(t *testing.T, id, addr string) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.NodeID = id
	cfg.BindAddr = addr
	cfg.Meta = Meta{GRPCAddr: "127.0.0.1:7" + id, HTTPAddr: "127.0.0.1:8" + id, Zone: "z-" + id}
	cfg.Logger = slog.New(slog.NewTextHandler(newTestWriter(t), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.ProbeInterval = 50 * time.Millisecond
	cfg.ProbeTimeout = 25 * time.Millisecond
	cfg.GossipInterval = 10 * time.Millisecond
	cfg.PushPullInterval = 200 * time.Millisecond
	cfg.SuspicionMult = 1
	cfg.TCPTimeout = 500 * time.Millisecond
	return cfg
}

// testWriter forwards logs to t until the test's cleanup starts, so late
// memberlist goroutines cannot log into a finished test.
type testWriter struct {
	t      *testing.T
	mu     *sync.Mutex
	closed *bool
}

func newTestWriter(t *testing.T) testWriter {
	w := testWriter{t: t, mu: new(sync.Mutex), closed: new(bool)}
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		*w.closed = true
	})
	return w
}

func (w testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !*w.closed {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

// start creates a Membership and shuts it down at the end of the test.
func start(t *testing.T, cfg Config) *Membership {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%s): %v", cfg.NodeID, err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// startCluster starts n nodes named "1".."n" and joins them through the first.
func startCluster(t *testing.T, n int) []*Membership {
	t.Helper()
	var ms []*Membership
	for i := 1; i <= n; i++ {
		ms = append(ms, start(t, fastConfig(t, fmt.Sprint(i), "127.0.0.1:0")))
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for _, m := range ms[1:] {
		if err := m.Join(ctx, []string{ms[0].Addr()}); err != nil {
			t.Fatalf("Join: %v", err)
		}
	}
	return ms
}

// eventually polls cond until it returns nil or the deadline passes.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		<-tick.C
	}
}

func member(m *Membership, id string) (Member, bool) {
	for _, mem := range m.Members() {
		if mem.NodeID == id {
			return mem, true
		}
	}
	return Member{}, false
}

func wantState(m *Membership, id string, want State) func() error {
	return func() error {
		mem, ok := member(m, id)
		if !ok {
			return fmt.Errorf("node %s does not know %s", m.local.NodeID, id)
		}
		if mem.State != want {
			return fmt.Errorf("node %s sees %s as %v, want %v", m.local.NodeID, id, mem.State, want)
		}
		return nil
	}
}

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.NodeID, c.BindAddr = "n1", "127.0.0.1:7946"
		return c
	}
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"valid", func(*Config) {}, ""},
		{"empty node id", func(c *Config) { c.NodeID = "" }, "NodeID is empty"},
		{"meta id differs", func(c *Config) { c.Meta.NodeID = "n2" }, `Meta.NodeID "n2"`},
		{"bind without port", func(c *Config) { c.BindAddr = "127.0.0.1" }, "Config.BindAddr"},
		{"bind without host", func(c *Config) { c.BindAddr = ":7946" }, "has no host"},
		{"bad advertise port", func(c *Config) { c.AdvertiseAddr = "10.0.0.1:x" }, "Config.AdvertiseAddr"},
		{"negative probe interval", func(c *Config) { c.ProbeInterval = -time.Second }, "Config.ProbeInterval -1s"},
		{"negative suspicion", func(c *Config) { c.SuspicionMult = -1 }, "SuspicionMult -1"},
		{"probe timeout over interval", func(c *Config) { c.ProbeTimeout = 2 * c.ProbeInterval }, "exceeds Config.ProbeInterval"},
		{"bad dial map target", func(c *Config) { c.DialMap = map[string]string{"127.0.0.1:1": "nowhere"} }, "Config.DialMap[127.0.0.1:1]"},
		{"bad dial map key", func(c *Config) { c.DialMap = map[string]string{"nowhere": "127.0.0.1:1"} }, "Config.DialMap key"},
		{"meta too large", func(c *Config) { c.Meta.Zone = strings.Repeat("z", 500) }, "over the 512-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewRejectsOversizedMeta(t *testing.T) {
	cfg := fastConfig(t, "big", "127.0.0.1:0")
	cfg.Meta.HTTPAddr = strings.Repeat("h", 600)
	if m, err := New(cfg); err == nil {
		_ = m.Shutdown()
		t.Fatal("New accepted 600-byte meta")
	}
}

func TestThreeNodesSeeEachOther(t *testing.T) {
	ms := startCluster(t, 3)
	for _, m := range ms {
		eventually(t, "all alive", func() error {
			alive := m.Alive()
			if len(alive) != 3 {
				return fmt.Errorf("node %s sees %d alive: %v", m.local.NodeID, len(alive), alive)
			}
			for i, meta := range alive {
				id := fmt.Sprint(i + 1)
				want := Meta{NodeID: id, GRPCAddr: "127.0.0.1:7" + id, HTTPAddr: "127.0.0.1:8" + id, Zone: "z-" + id}
				if meta != want {
					return fmt.Errorf("node %s sees meta %+v, want %+v", m.local.NodeID, meta, want)
				}
			}
			return nil
		})
	}
	if _, dead := ms[0].DeadSince("2"); dead {
		t.Error("DeadSince reports alive node 2 as dead")
	}
	if _, dead := ms[0].DeadSince("nobody"); dead {
		t.Error("DeadSince reports unknown node as dead")
	}
}

func TestFailureDetectedAndRejoin(t *testing.T) {
	ms := startCluster(t, 3)
	for _, m := range ms {
		eventually(t, "3 alive", func() error { return wantCount(m, 3) })
	}
	addr3 := ms[2].Addr()
	before := time.Now()
	if err := ms[2].Shutdown(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, m := range ms[:2] {
		eventually(t, "node 3 dead", wantState(m, "3", StateDead))
		since, ok := m.DeadSince("3")
		if !ok || since.Before(before) {
			t.Fatalf("DeadSince(3) = %v, %v; want a time after %v", since, ok, before)
		}
	}

	cfg := fastConfig(t, "3", addr3)
	cfg.Meta.HTTPAddr = "127.0.0.1:9999"
	restarted := start(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := restarted.Join(ctx, []string{ms[0].Addr()}); err != nil {
		t.Fatalf("rejoin: %v", err)
	}
	for _, m := range ms[:2] {
		eventually(t, "node 3 back with new meta", func() error {
			if err := wantState(m, "3", StateAlive)(); err != nil {
				return err
			}
			if mem, _ := member(m, "3"); mem.HTTPAddr != "127.0.0.1:9999" {
				return fmt.Errorf("node 3 HTTPAddr = %q", mem.HTTPAddr)
			}
			return nil
		})
		if _, dead := m.DeadSince("3"); dead {
			t.Error("DeadSince(3) still reports the rejoined node")
		}
	}
}

func wantCount(m *Membership, n int) error {
	if got := len(m.Alive()); got != n {
		return fmt.Errorf("node %s sees %d alive, want %d", m.local.NodeID, got, n)
	}
	return nil
}

func TestLeaveReportsLeft(t *testing.T) {
	ms := startCluster(t, 2)
	eventually(t, "2 alive", func() error { return wantCount(ms[0], 2) })
	if err := ms[1].Leave(2 * time.Second); err != nil {
		t.Fatalf("Leave: %v", err)
	}
	eventually(t, "node 2 left", wantState(ms[0], "2", StateLeft))
	if _, ok := ms[0].DeadSince("2"); !ok {
		t.Error("DeadSince(2) = false after Leave")
	}
}

func TestSubscribeReceivesJoinAndLeave(t *testing.T) {
	a := start(t, fastConfig(t, "a", "127.0.0.1:0"))
	events, cancel := a.Subscribe()
	defer cancel()
	stalled, cancelStalled := a.Subscribe() // never read until the end
	defer cancelStalled()

	b := start(t, fastConfig(t, "b", "127.0.0.1:0"))
	ctx, cancelCtx := context.WithTimeout(context.Background(), waitTimeout)
	defer cancelCtx()
	if err := b.Join(ctx, []string{a.Addr()}); err != nil {
		t.Fatalf("Join: %v", err)
	}
	expectEvent(t, events, EventJoin, "b", StateAlive)
	if err := b.Shutdown(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	expectEvent(t, events, EventLeave, "b", StateDead)
	if ev := <-stalled; ev.Kind != EventJoin || ev.Member.NodeID != "b" {
		t.Errorf("stalled subscriber first event = %v %s, want join b", ev.Kind, ev.Member.NodeID)
	}
	cancel()
	for range events {
	}
}

// expectEvent reads events until one about id arrives and checks it.
func expectEvent(t *testing.T, ch <-chan Event, kind EventKind, id string, state State) {
	t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed waiting for %v of %s", kind, id)
			}
			if ev.Member.NodeID != id {
				continue
			}
			if ev.Kind != kind || ev.Member.State != state {
				t.Fatalf("event = %v %s %v, want %v %s %v", ev.Kind, id, ev.Member.State, kind, id, state)
			}
			return
		case <-timeout.C:
			t.Fatalf("no %v event for %s", kind, id)
		}
	}
}

func TestSlowSubscriberCoalesces(t *testing.T) {
	s := newSubscriber()
	done := make(chan struct{})
	go func() { defer close(done); s.pump() }()
	const n = 1000
	for i := range n {
		s.publish(Event{Kind: EventUpdate, Member: Member{Meta: Meta{NodeID: fmt.Sprint(i)}}})
	}
	var got []Event
	for len(got) == 0 || got[len(got)-1].Kind != EventChanged && len(got) < n {
		select {
		case ev := <-s.ch:
			got = append(got, ev)
		case <-time.After(waitTimeout):
			t.Fatalf("pump stalled after %d events", len(got))
		}
	}
	if len(got) > 2*maxQueued+1 {
		t.Errorf("slow subscriber received %d events, want at most %d", len(got), 2*maxQueued+1)
	}
	if last := got[len(got)-1]; last.Kind != EventChanged {
		t.Errorf("last event = %v, want changed", last.Kind)
	}
	s.stop()
	<-done
	if _, ok := <-s.ch; ok {
		t.Error("channel open after stop")
	}
}

func TestLifecycle(t *testing.T) {
	m, err := New(fastConfig(t, "solo", "127.0.0.1:0"))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := m.Join(ctx, []string{m.Addr()}); err != nil {
		t.Errorf("joining oneself: %v", err)
	}
	if err := m.Join(ctx, nil); err != nil {
		t.Errorf("joining nobody: %v", err)
	}
	events, _ := m.Subscribe()
	for _, step := range []struct {
		name string
		err  error
	}{
		{"first shutdown", m.Shutdown()},
		{"second shutdown", m.Shutdown()},
	} {
		if step.err != nil {
			t.Errorf("%s: %v", step.name, step.err)
		}
	}
	if _, ok := <-events; ok {
		t.Error("subscription open after Shutdown")
	}
	if err := m.Leave(time.Second); !errors.Is(err, ErrShutdown) {
		t.Errorf("Leave after Shutdown = %v, want ErrShutdown", err)
	}
	if err := m.Join(ctx, []string{"127.0.0.1:1"}); !errors.Is(err, ErrShutdown) {
		t.Errorf("Join after Shutdown = %v, want ErrShutdown", err)
	}
	if ch, _ := m.Subscribe(); ch != nil {
		if _, ok := <-ch; ok {
			t.Error("Subscribe after Shutdown returned an open channel")
		}
	}
}

func TestJoinGivesUpWhenContextEnds(t *testing.T) {
	m := start(t, fastConfig(t, "lonely", "127.0.0.1:0"))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := m.Join(ctx, []string{"127.0.0.1:1"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Join = %v, want DeadlineExceeded", err)
	}
}

func TestParseLogLine(t *testing.T) {
	tests := []struct {
		line      string
		wantMsg   string
		wantLevel slog.Level
	}{
		{"[DEBUG] memberlist: Stream connection from=1.2.3.4\n", "Stream connection from=1.2.3.4", slog.LevelDebug},
		{"[WARN] memberlist: Was able to connect", "Was able to connect", slog.LevelWarn},
		{"[ERR] memberlist: Failed to send", "Failed to send", slog.LevelError},
		{"[INFO] memberlist: Marking 3 as failed", "Marking 3 as failed", slog.LevelInfo},
		{"no tag at all", "no tag at all", slog.LevelInfo},
	}
	for _, tt := range tests {
		t.Run(tt.wantMsg, func(t *testing.T) {
			msg, level := parseLogLine([]byte(tt.line))
			if msg != tt.wantMsg || level != tt.wantLevel {
				t.Errorf("parseLogLine(%q) = %q, %v; want %q, %v", tt.line, msg, level, tt.wantMsg, tt.wantLevel)
			}
		})
	}
}
