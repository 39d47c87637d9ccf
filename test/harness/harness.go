package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// BinaryEnv names an environment variable that, when set, is the path of a
// prebuilt flotilla binary to use instead of building one.
const BinaryEnv = "FLOTILLA_TEST_BINARY"

// Binary returns the path of a flotilla binary built from this checkout (or
// the one $FLOTILLA_TEST_BINARY names).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv(BinaryEnv); p != "" {
			binPath = p
			return
		}
		dir, err := os.MkdirTemp("", "flotilla-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "flotilla")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/flotilla")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/flotilla: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Server is one running flotilla process.
type Server struct {
	t          testing.TB
	DataDir    string
	Addr       string // host:port of the DynamoDB API
	GRPCAddr   string // host:port for traffic between nodes
	GossipAddr string // host:port for membership gossip
	cmd        *exec.Cmd
	done       chan struct{}
	args       []string
	// fixedAddrs keeps Addr, GRPCAddr and GossipAddr across restarts
	// instead of picking new free ports.
	fixedAddrs bool
	// output receives the process's stdout and stderr; nil means os.Stderr.
	output io.Writer
	// readyTimeout bounds WaitReady after a (re)start; 0 means 30s.
	readyTimeout time.Duration
}

// Start runs `flotilla serve` on a free 127.0.0.1 port with data in dataDir
// ("" means a fresh temporary directory) and waits until it is ready. The
// process is killed when the test ends.
func Start(t testing.TB, dataDir string, extraArgs ...string) *Server {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	s := &Server{t: t, DataDir: dataDir, args: extraArgs}
	s.start()
	t.Cleanup(s.Kill)
	return s
}

func (s *Server) start() {
	s.t.Helper()
	timeout := s.readyTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	// Ports picked free can be taken by another process before the server
	// binds them; a server that exits before it is ready is started again
	// on new ports, a few times.
	for attempt := 1; ; attempt++ {
		s.launch()
		err := s.waitReady(timeout)
		if err == nil {
			return
		}
		if !errors.Is(err, errExited) || s.fixedAddrs || attempt == 3 {
			s.t.Fatalf("%v", err)
		}
		s.t.Logf("flotilla exited before it was ready (attempt %d); starting it again on new ports", attempt)
	}
}

// errExited reports a server process that exited before it was ready.
var errExited = errors.New("flotilla exited before it was ready")

// launch starts the process without waiting for it to be ready. Unless the
// server's addresses are fixed, it first picks new free ports.
func (s *Server) launch() {
	s.t.Helper()
	if !s.fixedAddrs {
		s.Addr, s.GRPCAddr, s.GossipAddr = FreeAddr(s.t), FreeAddr(s.t), FreeAddr(s.t)
	}
	args := append([]string{"serve", "--data-dir", s.DataDir, "--http-addr", s.Addr,
		"--grpc-addr", s.GRPCAddr, "--gossip-addr", s.GossipAddr}, s.args...)
	s.cmd = exec.Command(Binary(s.t), args...)
	out := s.output
	if out == nil {
		out = os.Stderr
	}
	s.cmd.Stdout = out
	s.cmd.Stderr = out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start flotilla: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.cmd, s.done)
}

// Running reports whether the process has been started and not yet exited.
func (s *Server) Running() bool {
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// WaitReady polls GET /ready until it answers 200 or the deadline passes.
func (s *Server) WaitReady(timeout time.Duration) {
	s.t.Helper()
	if err := s.waitReady(timeout); err != nil {
		s.t.Fatalf("%v", err)
	}
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + s.Addr + "/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return errExited
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("flotilla on %s not ready after %v (last error: %v)", s.Addr, timeout, err)
		}
	}
}

// Kill sends SIGKILL and waits for the process to exit. It is idempotent.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Stop sends SIGTERM and waits for a graceful exit.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return fmt.Errorf("flotilla was never started")
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.Kill()
		return fmt.Errorf("flotilla did not exit within 30s of SIGTERM")
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		return fmt.Errorf("flotilla exited with code %d", code)
	}
	return nil
}

// Restart starts the server again on the same data directory (after Kill or
// Stop) and waits until it is ready: on new ports, or on the same ports for
// a cluster node (see StartCluster), whose addresses the cluster remembers.
func (s *Server) Restart() {
	s.t.Helper()
	s.start()
}

// Endpoint is the server's base URL.
func (s *Server) Endpoint() string { return "http://" + s.Addr }

// Client returns an AWS SDK for Go v2 DynamoDB client for the server, with
// dummy credentials and retries off (tests see every error as it is).
func (s *Server) Client() *dynamodb.Client {
	return NewClient(s.Endpoint())
}

// NewClient returns a DynamoDB client for endpoint with dummy credentials.
//
// The client retries connection errors only, so tests see every error the
// server returns as it is. Connection errors must be retried: the Go SDK
// closes a request body as soon as the response arrives, which can race the
// transport's write loop into closing a keep-alive connection while the
// response body is being read ("use of closed network connection"); against
// a server on loopback that answers within microseconds the race is common.
func NewClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
			o.RateLimiter = ratelimit.None
		}),
	})
}

// FreeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	// A port the kernel hands out for :0 comes from the ephemeral range,
	// where any outgoing connection (another test's client, say) may take
	// it before the server binds it. A free port below that range is
	// never given to an outgoing connection.
	if low := ephemeralLow(); low > minPickedPort+1000 {
		for range 100 {
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(minPickedPort+rand.IntN(low-minPickedPort)))
			if l, err := net.Listen("tcp", addr); err == nil {
				l.Close()
				return addr
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// minPickedPort is the lowest port FreeAddr picks.
const minPickedPort = 10000

// ephemeralLow returns the first port of the kernel's ephemeral range, or
// 0 when it cannot be read.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	low, _ := strconv.Atoi(f[0])
	return low
}

// Context returns a context that ends with the test or after timeout.
func Context(t testing.TB, timeout time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}
