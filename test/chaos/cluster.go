package chaos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Timings every node runs with: Raft fails over within about a second and
// a node dead for deadNodeTimeout has its replicas moved elsewhere.
const (
	deadNodeTimeout = 8 * time.Second
	readyTimeout    = 60 * time.Second
)

// nodeArgs are the serve flags every node gets besides its addresses.
var nodeArgs = []string{
	"--fault-injection",
	"--dead-node-timeout", deadNodeTimeout.String(),
	"--raft-heartbeat-timeout", "500ms",
	"--raft-election-timeout", "500ms",
	"--raft-leader-lease-timeout", "250ms",
}

// proxier starts one fault-injecting proxy for the directed link from→to
// in front of target and returns the address to dial instead
// (netfault.Network.Proxy).
type proxier interface {
	Proxy(from, to int, target string, udp bool) (string, error)
}

// slot is one node of the cluster, started or not. Its addresses and data
// directory never change, so a restarted node is the same member.
type slot struct {
	num        int
	id         string // node id, "n<num>"
	dataDir    string
	httpAddr   string
	grpcAddr   string
	gossipAddr string
	dialMap    string // --peer-dial-map: every other node's addresses → proxies of link num→other
	logPath    string

	// Guarded by cluster.mu.
	args   []string // serve command line, fixed at the first start
	member bool     // started at least once: part of the cluster
	proc   *process
	paused bool
}

// process is one running flotilla process; done closes when it exited.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	out  *os.File
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// cluster is the set of node slots of one run and the processes running in
// them. Its methods are safe for concurrent use.
type cluster struct {
	binary    string
	serveArgs []string
	initial   int // --bootstrap-expect: the nodes started first
	log       *slog.Logger
	slots     []*slot
	admin     *http.Client // admin requests: /ready, /admin/status, /admin/fault/disk
	ports     *portPicker  // guarded by mu: the addresses of slots never started

	mu     sync.Mutex
	closed bool
	procs  sync.WaitGroup // one reaper goroutine per process
}

// newCluster allocates nodes+spares slots, with their data directories
// under dataDir, their logs in logDir and their addresses, and, for every
// ordered pair of slots, the proxies of the link between them. No process
// is started.
func newCluster(dataDir, logDir string, nodes, spares int, binary string, serveArgs []string, px proxier, log *slog.Logger) (*cluster, error) {
	c := &cluster{binary: binary, serveArgs: serveArgs, initial: nodes, log: log,
		admin: &http.Client{Timeout: adminTimeout, Transport: &http.Transport{}}}
	c.ports = newPortPicker()
	for i := 1; i <= nodes+spares; i++ {
		s, err := newSlot(dataDir, logDir, i, c.ports)
		if err != nil {
			c.ports.releaseAll()
			return nil, err
		}
		c.slots = append(c.slots, s)
	}
	for _, s := range c.slots {
		if err := c.proxyLinksFrom(s, px); err != nil {
			c.ports.releaseAll()
			return nil, err
		}
	}
	return c, nil
}

// newSlot allocates slot i's addresses and directories.
func newSlot(dataDir, logDir string, i int, ports *portPicker) (*slot, error) {
	s := &slot{num: i, id: "n" + strconv.Itoa(i),
		dataDir: filepath.Join(dataDir, fmt.Sprintf("n%d", i)),
		logPath: filepath.Join(logDir, fmt.Sprintf("n%d.log", i))}
	var err error
	if s.httpAddr, err = ports.addr(false); err != nil {
		return nil, err
	}
	if s.grpcAddr, err = ports.addr(false); err != nil {
		return nil, err
	}
	if s.gossipAddr, err = ports.addr(true); err != nil {
		return nil, err
	}
	for _, d := range []string{s.dataDir, filepath.Dir(s.logPath)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("chaos: slot n%d: %w", i, err)
		}
	}
	return s, nil
}

// proxyLinksFrom starts the proxies of every link from s to another slot
// and records s's dial map.
func (c *cluster) proxyLinksFrom(s *slot, px proxier) error {
	var pairs []string
	for _, t := range c.slots {
		if t == s {
			continue
		}
		g, err := px.Proxy(s.num, t.num, t.grpcAddr, false)
		if err != nil {
			return fmt.Errorf("chaos: proxy grpc n%d→n%d: %w", s.num, t.num, err)
		}
		m, err := px.Proxy(s.num, t.num, t.gossipAddr, true)
		if err != nil {
			return fmt.Errorf("chaos: proxy gossip n%d→n%d: %w", s.num, t.num, err)
		}
		pairs = append(pairs, t.grpcAddr+"="+g, t.gossipAddr+"="+m)
	}
	s.dialMap = strings.Join(pairs, ",")
	return nil
}

// slot returns slot i (1-based).
func (c *cluster) slot(i int) *slot {
	if i < 1 || i > len(c.slots) {
		panic(fmt.Sprintf("chaos: node %d of %d slots", i, len(c.slots)))
	}
	return c.slots[i-1]
}

// Size is the number of slots, spares included.
func (c *cluster) Size() int { return len(c.slots) }

// HTTPAddr is node i's DynamoDB API address.
func (c *cluster) HTTPAddr(i int) string { return c.slot(i).httpAddr }

// startInitial starts the first nodes and waits until each is ready.
func (c *cluster) startInitial(ctx context.Context) error {
	for i := 1; i <= c.initial; i++ {
		if err := c.Launch(i); err != nil {
			return err
		}
	}
	for i := 1; i <= c.initial; i++ {
		if err := c.WaitReady(ctx, i, readyTimeout); err != nil {
			return err
		}
	}
	return nil
}

// Start launches node i (again) and waits until it is ready.
func (c *cluster) Start(ctx context.Context, i int) error {
	if err := c.Launch(i); err != nil {
		return err
	}
	return c.WaitReady(ctx, i, readyTimeout)
}

// Launch starts node i's process without waiting for it to be ready. A
// restart reuses the node's first command line and data directory.
func (c *cluster) Launch(i int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slot(i)
	if c.closed {
		return fmt.Errorf("chaos: start n%d: cluster closed", i)
	}
	if s.proc != nil && !s.proc.exited() {
		return fmt.Errorf("chaos: start n%d: already running", i)
	}
	first := s.args == nil
	if first {
		s.args = c.firstArgs(s)
		c.ports.release(s.httpAddr, s.grpcAddr, s.gossipAddr)
	}
	p, err := c.spawn(s, first)
	if err != nil {
		return err
	}
	s.proc, s.member, s.paused = p, true, false
	c.log.Info("node started", slog.String("node", s.id), slog.Int("pid", p.cmd.Process.Pid))
	return nil
}

// firstArgs is slot s's serve command line: an initial node joins every
// initial node, a spare the members running when it first starts. Called
// with c.mu held.
func (c *cluster) firstArgs(s *slot) []string {
	var join []string
	for _, t := range c.slots {
		running := t.member && t.proc != nil && !t.proc.exited()
		if (s.num <= c.initial && t.num <= c.initial) || (s.num > c.initial && running) {
			join = append(join, t.gossipAddr)
		}
	}
	args := []string{"serve", "--node-id", s.id, "--data-dir", s.dataDir,
		"--http-addr", s.httpAddr, "--grpc-addr", s.grpcAddr, "--gossip-addr", s.gossipAddr,
		"--join", strings.Join(join, ","), "--bootstrap-expect", strconv.Itoa(c.initial),
		"--peer-dial-map", s.dialMap}
	args = append(args, nodeArgs...)
	return append(args, c.serveArgs...)
}

// spawn starts s's process with its output appended to its log, which the
// first start of the slot truncates. Called with c.mu held.
func (c *cluster) spawn(s *slot, first bool) (*process, error) {
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if first {
		flags |= os.O_TRUNC
	}
	out, err := os.OpenFile(s.logPath, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("chaos: start %s: %w", s.id, err)
	}
	cmd := exec.Command(c.binary, s.args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("chaos: start %s: %w", s.id, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), out: out}
	c.procs.Add(1)
	go func() {
		defer c.procs.Done()
		_ = cmd.Wait()
		out.Close()
		close(p.done)
	}()
	return p, nil
}

// WaitReady polls node i's GET /ready until it answers 200, the process
// exits, or timeout passes.
func (c *cluster) WaitReady(ctx context.Context, i int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		c.mu.Lock()
		p := c.slot(i).proc
		c.mu.Unlock()
		if p == nil || p.exited() {
			return fmt.Errorf("chaos: n%d exited before it was ready (see its log)", i)
		}
		if last = c.ready(ctx, i); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: n%d not ready within %v: %w", i, timeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Kill sends node i SIGKILL and waits until it has exited. A paused node
// dies too. Killing a node that is not running does nothing.
func (c *cluster) Kill(i int) {
	c.mu.Lock()
	s := c.slot(i)
	p := s.proc
	s.paused = false
	c.mu.Unlock()
	if p == nil || p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	c.log.Info("node killed", slog.String("node", s.id))
}

// Pause stops node i with SIGSTOP.
func (c *cluster) Pause(i int) error { return c.signal(i, syscall.SIGSTOP, true) }

// Resume continues node i with SIGCONT.
func (c *cluster) Resume(i int) error { return c.signal(i, syscall.SIGCONT, false) }

func (c *cluster) signal(i int, sig syscall.Signal, paused bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slot(i)
	if s.proc == nil || s.proc.exited() {
		return fmt.Errorf("chaos: %v n%d: not running", sig, i)
	}
	if err := s.proc.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("chaos: %v n%d: %w", sig, i, err)
	}
	s.paused = paused
	c.log.Info("node signalled", slog.String("node", s.id), slog.String("signal", sig.String()))
	return nil
}

// Running reports whether node i's process is running (paused or not).
func (c *cluster) Running(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.slot(i).proc
	return p != nil && !p.exited()
}

// Alive reports whether node i is running and not paused.
func (c *cluster) Alive(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slot(i)
	return s.proc != nil && !s.proc.exited() && !s.paused
}

// Paused reports whether node i is stopped by SIGSTOP.
func (c *cluster) Paused(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slot(i).paused
}

// Members lists the nodes started at least once, running or not.
func (c *cluster) Members() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for _, s := range c.slots {
		if s.member {
			out = append(out, s.num)
		}
	}
	return out
}

// Spare returns a slot never started, or 0 if every slot was used.
func (c *cluster) Spare() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.slots {
		if !s.member {
			return s.num
		}
	}
	return 0
}

// Close kills every process (resuming paused ones first) and waits for
// them to be reaped. It is idempotent; no node can start afterwards.
func (c *cluster) Close() error {
	c.mu.Lock()
	c.closed = true
	c.ports.releaseAll()
	var procs []*process
	for _, s := range c.slots {
		if s.proc != nil && !s.proc.exited() {
			if s.paused {
				_ = s.proc.cmd.Process.Signal(syscall.SIGCONT)
				s.paused = false
			}
			_ = s.proc.cmd.Process.Signal(syscall.SIGKILL)
			procs = append(procs, s.proc)
		}
	}
	c.mu.Unlock()
	c.procs.Wait()
	c.admin.CloseIdleConnections()
	var errs []error
	for _, p := range procs {
		if !p.exited() {
			errs = append(errs, fmt.Errorf("chaos: pid %d did not exit", p.cmd.Process.Pid))
		}
	}
	return errors.Join(errs...)
}

// nodeNum maps a node id "n<i>" to i, or 0 for anything else.
func nodeNum(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "n"))
	if err != nil || !strings.HasPrefix(id, "n") {
		return 0
	}
	return n
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
