package dataplane

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config configures Data.
type Config struct {
	// NodeID is this node's id, as listed in schema.Partition.Replicas.
	NodeID string
	// Groups finds this node's replicas.
	Groups Groups
	// Directory resolves other nodes' gRPC addresses.
	Directory Directory
	// Dialer hands out shared connections to other nodes (the Raft
	// transport's pool).
	Dialer Dialer
	// Logger receives retry and forwarding logs (nil: discarded).
	Logger *slog.Logger
	// DefaultTimeout bounds a request whose context has no deadline.
	DefaultTimeout time.Duration
	// RetryBackoff is the first pause between attempts when no replica
	// could serve a request; it doubles up to MaxRetryBackoff.
	RetryBackoff time.Duration
	// MaxRetryBackoff caps the pause between attempts.
	MaxRetryBackoff time.Duration
	// WriteReserve is the least time a write must have left before its
	// deadline to be proposed (again): with less, a slow NotLeader answer
	// could arrive too late and turn a write that was never applied into
	// one of unknown outcome. The write fails as unavailable instead.
	WriteReserve time.Duration
	// UnsafeStaleReads is a test facility that deliberately breaks
	// consistency, to prove that history checkers catch it: every read
	// (Get, Query, Scan; consistent or not) of a partition this node hosts
	// is served by this node's replica as it stands, with no ReadIndex and
	// no leader check. Partitions hosted elsewhere are read as usual.
	UnsafeStaleReads bool
	// LocalReadWait is how long an eventually consistent read may wait
	// for this node's replica of its partition to apply what the read must
	// see before it goes to the leader instead; 0 sends every such read to
	// the leader while the leader is reachable (see Data.GetEncoded).
	LocalReadWait time.Duration
}

// DefaultConfig returns production timings; the caller fills in Groups,
// Directory and Dialer.
func DefaultConfig() Config {
	return Config{
		DefaultTimeout:  10 * time.Second,
		RetryBackoff:    10 * time.Millisecond,
		MaxRetryBackoff: 200 * time.Millisecond,
		WriteReserve:    50 * time.Millisecond,
		LocalReadWait:   5 * time.Millisecond,
	}
}

// Validate names the first missing or bad field.
func (c *Config) Validate() error {
	var errs []error
	if c.NodeID == "" {
		errs = append(errs, errors.New("dataplane: Config.NodeID is required"))
	}
	if c.Groups == nil {
		errs = append(errs, errors.New("dataplane: Config.Groups is required"))
	}
	if c.Directory == nil {
		errs = append(errs, errors.New("dataplane: Config.Directory is required"))
	}
	if c.Dialer == nil {
		errs = append(errs, errors.New("dataplane: Config.Dialer is required"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"DefaultTimeout", c.DefaultTimeout}, {"RetryBackoff", c.RetryBackoff}, {"MaxRetryBackoff", c.MaxRetryBackoff}, {"WriteReserve", c.WriteReserve}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("dataplane: Config.%s must be positive, got %v", d.name, d.v))
		}
	}
	if c.LocalReadWait < 0 {
		errs = append(errs, fmt.Errorf("dataplane: Config.LocalReadWait must not be negative, got %v", c.LocalReadWait))
	}
	return errors.Join(errs...)
}
