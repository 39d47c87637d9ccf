package chaos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/chaos/netfault"
)

// The shape of the schedule: each fault is held for a random time in
// [minHold, maxHold), then healed, then the cluster is left alone for a
// random time in [minQuiet, maxQuiet).
const (
	minHold  = 4 * time.Second
	maxHold  = 12 * time.Second
	minQuiet = 2 * time.Second
	maxQuiet = 6 * time.Second
	// replaceHold is how long "replace" keeps its victim dead: long enough
	// for the cluster to move its replicas to the other nodes.
	replaceHold = deadNodeTimeout + 10*time.Second
	// replaceMargin is the least time left in the schedule for "replace"
	// to be chosen.
	replaceMargin = 40 * time.Second
	// healTimeout bounds healing one fault (restarting a node included).
	healTimeout = 90 * time.Second
)

// faultNetwork is what the nemesis changes of the proxied network
// (netfault.Network).
type faultNetwork interface {
	Set(l netfault.Link, f netfault.Fault)
	Fault(l netfault.Link) netfault.Fault
	Block(from, to int)
	Partition(sides ...[]int)
	HealAll()
}

// clock is the history's monotonic clock (history.Recorder).
type clock interface {
	Since() time.Duration
}

// fault is one fault as injected: its window name (starting with its
// kind), how long to hold it (0: a random hold) and how to heal it.
type fault struct {
	name string
	hold time.Duration
	heal func(ctx context.Context) error
}

// nemesis injects a seeded schedule of faults into a cluster, one at a
// time, and records each as a history.Window. Run is called once, by one
// goroutine; Windows is safe to call concurrently with it.
type nemesis struct {
	c      *cluster
	net    faultNetwork
	clock  clock
	rng    *rand.Rand
	kinds  []string
	spares int // replacements left
	log    *slog.Logger

	mu      sync.Mutex
	windows []history.Window
}

func newNemesis(c *cluster, net faultNetwork, clk clock, seed int64, kinds []string, spares int, log *slog.Logger) *nemesis {
	return &nemesis{c: c, net: net, clock: clk, rng: rand.New(rand.NewPCG(uint64(seed), 0x6e656d65736973)),
		kinds: kinds, spares: spares, log: log.With(slog.String("component", "nemesis"))}
}

// Windows returns the fault windows recorded so far.
func (n *nemesis) Windows() []history.Window {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.windows)
}

// Run injects faults until d has passed or ctx ends; the fault in effect
// then is healed before Run returns. The schedule opens with a quiet
// period, as it does between faults, and no fault starts less than
// minHold before the end.
func (n *nemesis) Run(ctx context.Context, d time.Duration) {
	end := time.Now().Add(d)
	n.pause(ctx, min(n.between(minQuiet, maxQuiet), d))
	for ctx.Err() == nil {
		left := time.Until(end)
		if left < minHold {
			n.pause(ctx, left)
			return
		}
		n.step(ctx, left)
		n.pause(ctx, min(n.between(minQuiet, maxQuiet), time.Until(end)))
	}
}

// step injects one fault, holds it (at most left, except "replace", which
// needs its full hold), heals it and records its window.
func (n *nemesis) step(ctx context.Context, left time.Duration) {
	kind := n.pick(left)
	start := n.clock.Since()
	f, err := n.inject(ctx, kind)
	if err != nil {
		n.log.Warn("fault not injected", slog.String("kind", kind), slog.Any("err", err))
		return
	}
	majority := n.majority()
	n.log.Info("fault injected", slog.String("fault", f.name), slog.Bool("majority", majority))
	hold := f.hold
	if hold == 0 {
		hold = min(n.between(minHold, maxHold), left)
	}
	n.pause(ctx, hold)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), healTimeout)
	defer cancel()
	if err := f.heal(hctx); err != nil {
		n.log.Warn("fault not healed", slog.String("fault", f.name), slog.Any("err", err))
	}
	n.log.Info("fault healed", slog.String("fault", f.name))
	n.mu.Lock()
	n.windows = append(n.windows, history.Window{Name: f.name, Start: start, End: n.clock.Since(), Majority: majority})
	n.mu.Unlock()
}

// pick chooses the next fault kind among those allowed now: "replace"
// only while a spare is left and at least replaceMargin remains.
func (n *nemesis) pick(left time.Duration) string {
	var kinds []string
	for _, k := range n.kinds {
		if k != "replace" || (n.spares > 0 && n.c.Spare() != 0 && left >= replaceMargin) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return "latency"
	}
	return kinds[n.rng.IntN(len(kinds))]
}

// between returns a random duration in [lo, hi).
func (n *nemesis) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(n.rng.Int64N(int64(hi-lo)))
}

// pause waits d as part of the schedule, or until ctx ends.
func (n *nemesis) pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// inject applies one fault of kind.
func (n *nemesis) inject(ctx context.Context, kind string) (fault, error) {
	switch kind {
	case "kill", "kill-leader":
		return n.kill(ctx, kind)
	case "pause", "pause-leader":
		return n.pauseNode(ctx, kind)
	case "partition":
		return n.partition(), nil
	case "partition-leader":
		return n.partitionLeader(ctx)
	case "bridge":
		return n.bridge(), nil
	case "oneway":
		return n.oneway(), nil
	case "latency", "loss":
		return n.slowLinks(kind), nil
	case "disk-slow", "disk-fail":
		return n.disk(ctx, kind)
	case "replace":
		return n.replace(ctx)
	}
	return fault{}, fmt.Errorf("chaos: unknown fault kind %q", kind)
}

// victim picks the node a fault hits: for a "-leader" kind the node
// leading the most groups or (half the time) the catalog leader, else a
// random alive member.
func (n *nemesis) victim(ctx context.Context, kind string) (int, error) {
	if strings.HasSuffix(kind, "-leader") {
		leaders := n.c.Leaders(ctx)
		v := busiestLeader(leaders)
		if cat := leaders[catalogGroup]; cat != 0 && n.rng.IntN(2) == 0 {
			v = cat
		}
		if v != 0 {
			return v, nil
		}
	}
	var alive []int
	for _, i := range n.c.Members() {
		if n.c.Alive(i) {
			alive = append(alive, i)
		}
	}
	if len(alive) == 0 {
		return 0, fmt.Errorf("chaos: %s: no alive node", kind)
	}
	return alive[n.rng.IntN(len(alive))], nil
}

// kill kills a node with SIGKILL; healing restarts it.
func (n *nemesis) kill(ctx context.Context, kind string) (fault, error) {
	v, err := n.victim(ctx, kind)
	if err != nil {
		return fault{}, err
	}
	n.c.Kill(v)
	return fault{name: fmt.Sprintf("%s n%d", kind, v), heal: func(ctx context.Context) error {
		return n.c.Start(ctx, v)
	}}, nil
}

// pauseNode stops a node with SIGSTOP; healing continues it.
func (n *nemesis) pauseNode(ctx context.Context, kind string) (fault, error) {
	v, err := n.victim(ctx, kind)
	if err != nil {
		return fault{}, err
	}
	if err := n.c.Pause(v); err != nil {
		return fault{}, err
	}
	return fault{name: fmt.Sprintf("%s n%d", kind, v), heal: func(context.Context) error {
		return n.c.Resume(v)
	}}, nil
}

// healNetwork heals every link.
func (n *nemesis) healNetwork(context.Context) error {
	n.net.HealAll()
	return nil
}

// shuffled returns the members in a random order.
func (n *nemesis) shuffled() []int {
	m := n.c.Members()
	n.rng.Shuffle(len(m), func(i, j int) { m[i], m[j] = m[j], m[i] })
	return m
}

// partition cuts a random minority off from the majority.
func (n *nemesis) partition() fault {
	m := n.shuffled()
	k := 1 + n.rng.IntN((len(m)-1)/2)
	minority, majority := sorted(m[:k]), sorted(m[k:])
	n.net.Partition(minority, majority)
	return fault{name: fmt.Sprintf("partition %v | %v", minority, majority), heal: n.healNetwork}
}

// partitionLeader isolates the node leading the most groups.
func (n *nemesis) partitionLeader(ctx context.Context) (fault, error) {
	v, err := n.victim(ctx, "partition-leader")
	if err != nil {
		return fault{}, err
	}
	rest := slices.DeleteFunc(n.c.Members(), func(i int) bool { return i == v })
	n.net.Partition([]int{v}, rest)
	return fault{name: fmt.Sprintf("partition-leader [%d] | %v", v, rest), heal: n.healNetwork}, nil
}

// bridge splits the members into two halves that cannot talk to each
// other and one node that talks to both.
func (n *nemesis) bridge() fault {
	m := n.shuffled()
	via, rest := m[0], m[1:]
	a, b := sorted(rest[:len(rest)/2]), sorted(rest[len(rest)/2:])
	n.net.Partition(a, b)
	return fault{name: fmt.Sprintf("bridge %v | %v via n%d", a, b, via), heal: n.healNetwork}
}

// oneway blocks every outgoing link of one node; it still hears the
// others.
func (n *nemesis) oneway() fault {
	m := n.shuffled()
	v := m[0]
	for _, to := range m[1:] {
		n.net.Block(v, to)
	}
	return fault{name: fmt.Sprintf("oneway n%d →", v), heal: n.healNetwork}
}

// slowLinks puts latency or loss on every link.
func (n *nemesis) slowLinks(kind string) fault {
	f := netfault.Fault{Delay: n.between(50*time.Millisecond, 200*time.Millisecond), Jitter: 50 * time.Millisecond}
	name := fmt.Sprintf("latency %v", f.Delay.Round(time.Millisecond))
	if kind == "loss" {
		f = netfault.Fault{Loss: 0.1 + 0.2*n.rng.Float64()}
		name = fmt.Sprintf("loss %.2f", f.Loss)
	}
	for from := 1; from <= n.c.Size(); from++ {
		for to := 1; to <= n.c.Size(); to++ {
			if from != to {
				n.net.Set(netfault.Link{From: from, To: to}, f)
			}
		}
	}
	return fault{name: name, heal: n.healNetwork}
}

// disk slows down or fails the store of an alive node. Healing clears the
// fault, or restarts the node if it died of it.
func (n *nemesis) disk(ctx context.Context, kind string) (fault, error) {
	v, err := n.victim(ctx, kind)
	if err != nil {
		return fault{}, err
	}
	delay, fail := n.between(20*time.Millisecond, 100*time.Millisecond), kind == "disk-fail"
	name := fmt.Sprintf("%s n%d %v", kind, v, delay.Round(time.Millisecond))
	if fail {
		delay, name = 0, fmt.Sprintf("%s n%d", kind, v)
	}
	if err := n.c.DiskFault(ctx, v, delay, fail); err != nil {
		return fault{}, err
	}
	return fault{name: name, heal: func(ctx context.Context) error { return n.clearDisk(ctx, v) }}, nil
}

// clearDisk clears node v's disk fault, or restarts v if it is down.
func (n *nemesis) clearDisk(ctx context.Context, v int) error {
	if !n.c.Running(v) {
		return n.c.Start(ctx, v)
	}
	return n.c.DiskFault(ctx, v, 0, false)
}

// replace kills a node, starts a spare slot in its place and keeps the
// victim dead until the cluster has moved its replicas; healing restarts
// the victim, which rejoins on its old data.
func (n *nemesis) replace(ctx context.Context) (fault, error) {
	spare := n.c.Spare()
	if spare == 0 {
		return fault{}, fmt.Errorf("chaos: replace: no spare slot")
	}
	v, err := n.victim(ctx, "replace")
	if err != nil {
		return fault{}, err
	}
	n.c.Kill(v)
	n.spares--
	if err := n.c.Start(ctx, spare); err != nil {
		return fault{}, fmt.Errorf("chaos: replace n%d: %w", v, errors.Join(err, n.c.Start(ctx, v)))
	}
	return fault{name: fmt.Sprintf("replace n%d by n%d", v, spare), hold: replaceHold,
		heal: func(ctx context.Context) error { return n.c.Start(ctx, v) }}, nil
}

// majority reports whether more than half of the members are running,
// not paused and all connected to each other both ways.
func (n *nemesis) majority() bool {
	linked := func(a, b int) bool {
		return !n.net.Fault(netfault.Link{From: a, To: b}).Blocked && !n.net.Fault(netfault.Link{From: b, To: a}).Blocked
	}
	return connectedMajority(n.c.Members(), n.c.Alive, linked)
}

// connectedMajority reports whether more than half of members are up and
// pairwise linked.
func connectedMajority(members []int, up func(int) bool, linked func(a, b int) bool) bool {
	var live []int
	for _, m := range members {
		if up(m) {
			live = append(live, m)
		}
	}
	best := 0
	for set := 1; set < 1<<len(live); set++ {
		if size := clique(live, set, linked); size > best {
			best = size
		}
	}
	return best > len(members)/2
}

// clique returns how many nodes of live the bit set selects if they are
// pairwise linked, else 0.
func clique(live []int, set int, linked func(a, b int) bool) int {
	size := 0
	for i := range live {
		if set&(1<<i) == 0 {
			continue
		}
		size++
		for j := i + 1; j < len(live); j++ {
			if set&(1<<j) != 0 && !linked(live[i], live[j]) {
				return 0
			}
		}
	}
	return size
}

// healAll undoes every fault: links healed, paused nodes continued, dead
// members restarted, disk faults cleared; it waits until every member is
// ready.
func (n *nemesis) healAll(ctx context.Context) error {
	n.net.HealAll()
	var errs []error
	for _, i := range n.c.Members() {
		switch {
		case n.c.Paused(i):
			errs = append(errs, n.c.Resume(i))
		case !n.c.Running(i):
			errs = append(errs, n.c.Launch(i))
		}
	}
	for _, i := range n.c.Members() {
		errs = append(errs, n.c.WaitReady(ctx, i, readyTimeout))
		errs = append(errs, n.c.DiskFault(ctx, i, 0, false))
	}
	return errors.Join(errs...)
}

// sorted returns a sorted copy of s.
func sorted(s []int) []int {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
