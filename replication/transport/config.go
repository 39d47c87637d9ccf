package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
)

// Config configures a Transport.
type Config struct {
	// LocalAddr is this node's gRPC address as its peers dial it; it is the
	// raft.ServerAddress of every group on the node.
	LocalAddr raft.ServerAddress
	// Logger receives the transport's logs.
	Logger *slog.Logger
	// DialOptions are appended to the transport's own options (insecure
	// credentials, keepalive, message sizes) when dialling a peer.
	DialOptions []grpc.DialOption
	// Timeout bounds each outgoing unary RPC and each pipelined
	// AppendEntries response; InstallSnapshot gets Timeout per
	// SnapshotTimeoutScale bytes of snapshot, and at least Timeout.
	Timeout time.Duration
	// MaxInFlight bounds the AppendEntries requests a pipeline has sent
	// without a response; a further send blocks (back-pressure). At least 2.
	MaxInFlight int
	// SnapshotChunkSize is the size in bytes of each data message of an
	// InstallSnapshot stream.
	SnapshotChunkSize int
	// MaxMessageSize is the largest gRPC message in bytes the transport
	// sends or accepts; it must hold Raft's largest AppendEntries batch.
	MaxMessageSize int
	// KeepaliveTime is the idle time after which a client connection pings
	// its peer to detect a dead connection.
	KeepaliveTime time.Duration
}

// SnapshotTimeoutScale is the number of snapshot bytes that each Timeout of
// an InstallSnapshot deadline covers, as in raft.NetworkTransport.
const SnapshotTimeoutScale = 256 * 1024

// DefaultConfig returns a Config with production defaults for a node that
// listens on localAddr.
func DefaultConfig(localAddr raft.ServerAddress) Config {
	return Config{
		LocalAddr:         localAddr,
		Logger:            slog.New(slog.DiscardHandler),
		Timeout:           10 * time.Second,
		MaxInFlight:       128,
		SnapshotChunkSize: 256 * 1024,
		MaxMessageSize:    64 << 20,
		KeepaliveTime:     10 * time.Second,
	}
}

// Validate reports the first invalid field of c.
func (c Config) Validate() error {
	switch {
	case c.LocalAddr == "":
		return errors.New("transport: Config.LocalAddr must not be empty")
	case c.Logger == nil:
		return errors.New("transport: Config.Logger must not be nil")
	case c.Timeout <= 0:
		return fmt.Errorf("transport: Config.Timeout must be positive, got %v", c.Timeout)
	case c.MaxInFlight < 2:
		return fmt.Errorf("transport: Config.MaxInFlight must be at least 2, got %d", c.MaxInFlight)
	case c.MaxMessageSize <= 0:
		return fmt.Errorf("transport: Config.MaxMessageSize must be positive, got %d", c.MaxMessageSize)
	case c.SnapshotChunkSize <= 0 || c.SnapshotChunkSize > c.MaxMessageSize/2:
		return fmt.Errorf("transport: Config.SnapshotChunkSize must be in (0, MaxMessageSize/2 = %d], got %d", c.MaxMessageSize/2, c.SnapshotChunkSize)
	case c.KeepaliveTime <= 0:
		return fmt.Errorf("transport: Config.KeepaliveTime must be positive, got %v", c.KeepaliveTime)
	}
	return nil
}
