package transport

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// Transport is a node's Raft transport: the server side of the
// RaftTransport gRPC service plus a pool of client connections, shared by
// all the node's Raft groups.
type Transport struct {
	cfg Config
	log *slog.Logger

	mu     sync.RWMutex
	closed bool
	groups map[string]*GroupTransport
	conns  map[raft.ServerAddress]*grpc.ClientConn
}

// New returns a Transport for cfg, or an error if cfg is invalid.
func New(cfg Config) (*Transport, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Transport{
		cfg:    cfg,
		log:    cfg.Logger.With(slog.String("component", "raft-transport"), slog.String("addr", string(cfg.LocalAddr))),
		groups: make(map[string]*GroupTransport),
		conns:  make(map[raft.ServerAddress]*grpc.ClientConn),
	}, nil
}

// LocalAddr returns the node's address, as given in Config.LocalAddr.
func (t *Transport) LocalAddr() raft.ServerAddress { return t.cfg.LocalAddr }

// ServerOptions returns the grpc.ServerOptions the node's grpc.Server needs
// for this transport: message sizes large enough for Raft batches and a
// keepalive policy that accepts the transport's client pings.
func (t *Transport) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(t.cfg.MaxMessageSize),
		grpc.MaxSendMsgSize(t.cfg.MaxMessageSize),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             t.cfg.KeepaliveTime / 2,
			PermitWithoutStream: true,
		}),
	}
}

// Register registers the RaftTransport service on s.
func (t *Transport) Register(s grpc.ServiceRegistrar) {
	raftpb.RegisterRaftTransportServer(s, &service{t: t})
}

// Group returns the raft.Transport of group groupID, creating it on first
// use; RPCs for the group are accepted from then on until the group's
// transport is closed (raft.Raft closes it on Shutdown) or RemoveGroup is
// called. The returned value is a *GroupTransport. After Close, Group
// returns an already closed transport.
func (t *Transport) Group(groupID string) raft.Transport {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.groups[groupID]; ok {
		return g
	}
	g := newGroupTransport(t, groupID)
	if t.closed {
		g.shutdown()
		return g
	}
	t.groups[groupID] = g
	return g
}

// RemoveGroup closes the transport of group groupID, if open: its pending
// and future incoming RPCs are refused and its outgoing RPCs cancelled.
func (t *Transport) RemoveGroup(groupID string) {
	t.mu.Lock()
	g, ok := t.groups[groupID]
	delete(t.groups, groupID)
	t.mu.Unlock()
	if ok {
		g.shutdown()
	}
}

// removeGroup unregisters g if it is still the registered transport of its
// group.
func (t *Transport) removeGroup(g *GroupTransport) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.groups[g.id] == g {
		delete(t.groups, g.id)
	}
}

// lookup returns the open transport of groupID.
func (t *Transport) lookup(groupID string) (*GroupTransport, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g, ok := t.groups[groupID]
	return g, ok
}

// Conn returns the shared client connection to addr, dialling it lazily on
// first use. Callers must not close it; Close does.
func (t *Transport) Conn(addr raft.ServerAddress) (*grpc.ClientConn, error) {
	t.mu.RLock()
	cc, ok := t.conns[addr]
	closed := t.closed
	t.mu.RUnlock()
	if ok {
		return cc, nil
	}
	if closed {
		return nil, ErrClosed
	}
	return t.dial(addr)
}

func (t *Transport) dial(addr raft.ServerAddress) (*grpc.ClientConn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, ErrClosed
	}
	if cc, ok := t.conns[addr]; ok {
		return cc, nil
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                t.cfg.KeepaliveTime,
			Timeout:             t.cfg.KeepaliveTime,
			PermitWithoutStream: true,
		}),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(t.cfg.MaxMessageSize),
			grpc.MaxCallSendMsgSize(t.cfg.MaxMessageSize),
		),
	}, t.cfg.DialOptions...)
	// passthrough hands the address to the dialer unresolved, as
	// raft.NetworkTransport does; the dialer resolves host names itself.
	cc, err := grpc.NewClient("passthrough:///"+string(addr), opts...)
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	t.conns[addr] = cc
	return cc, nil
}

func (t *Transport) client(addr raft.ServerAddress) (raftpb.RaftTransportClient, error) {
	cc, err := t.Conn(addr)
	if err != nil {
		return nil, err
	}
	return raftpb.NewRaftTransportClient(cc), nil
}

// Close closes every group's transport and every client connection. It is
// idempotent. The grpc.Server the service is registered on is the
// caller's to stop.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	groups, conns := t.groups, t.conns
	t.groups, t.conns = map[string]*GroupTransport{}, map[raft.ServerAddress]*grpc.ClientConn{}
	t.mu.Unlock()

	for _, g := range groups {
		g.shutdown()
	}
	for addr, cc := range conns {
		if err := cc.Close(); err != nil {
			t.log.LogAttrs(context.Background(), slog.LevelDebug, "closing client connection",
				slog.String("peer", string(addr)), slog.Any("err", err))
		}
	}
	return nil
}

// snapshotTimeout scales the InstallSnapshot deadline by size like
// raft.NetworkTransport: Timeout per SnapshotTimeoutScale bytes, at least
// Timeout.
func (t *Transport) snapshotTimeout(size int64) time.Duration {
	d := t.cfg.Timeout * time.Duration(size/SnapshotTimeoutScale)
	return max(d, t.cfg.Timeout)
}
