package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/node/catalog"
	"github.com/flotilla-db/flotilla/node/dataplane"
	"github.com/flotilla-db/flotilla/node/faultfs"
	"github.com/flotilla-db/flotilla/node/host"
	"github.com/flotilla-db/flotilla/node/membership"
	"github.com/flotilla-db/flotilla/replication/transport"
	"github.com/flotilla-db/flotilla/router"
	"github.com/valyala/fasthttp"
	"google.golang.org/grpc"
)

// accountID is the AWS account flotilla reports in ARNs.
const accountID = "000000000000"

// shutdownTimeout bounds how long Close waits for in-flight requests.
const shutdownTimeout = 10 * time.Second

// raftDir is the directory of the node's Raft groups in the data directory.
const raftDir = "raft"

// Node is one flotilla process: a member of a cluster (of one, by
// default).
type Node struct {
	cfg  Config
	log  *slog.Logger
	meta meta

	// transferFailedAt holds, per partition group, when this node's last
	// leadership transfer of it failed; the balancing loop owns it.
	transferFailedAt map[uint64]time.Time

	db       *pebble.DB
	raftLog  *raftLog    // with Config.RaftLogStore RaftLogPebble; else nil
	faults   *faultfs.FS // the store's filesystem with Config.FaultInjection; else nil
	grpcLn   net.Listener
	grpcAddr string // advertised
	tr       *transport.Transport
	grpcSrv  *grpc.Server
	grpcDone chan struct{} // closed when the gRPC server has stopped
	members  *membership.Membership
	host     *host.Host
	state    *catalog.State
	cgroup   *catalogGroup
	catalog  *catalog.Catalog
	data     *dataplane.Data
	ln       net.Listener
	srv      *fasthttp.Server // the HTTP port (see newAPIServer)
	handler  http.Handler     // the same endpoints on net/http

	ctx    context.Context // ends when Close starts; parent of the node's loops
	cancel context.CancelFunc
	wg     sync.WaitGroup // the node's loops

	serving   atomic.Bool // Run serves HTTP
	catalogOK atomic.Bool // the catalog replica caught up with its leader lately
	closeOnce sync.Once
	closeErr  error
}

// New opens the data directory and the store, starts the node's Raft
// groups, gRPC server and gossip, and binds the HTTP listener. The caller
// must Run or Close the node.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, log: log}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if err := n.open(); err != nil {
		if n.ln != nil {
			_ = n.ln.Close()
		}
		return nil, errors.Join(err, n.shutdown())
	}
	return n, nil
}

func (n *Node) open() error {
	if err := os.MkdirAll(n.cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("node: create data directory: %w", err)
	}
	m, created, err := loadMeta(n.cfg.DataDir, n.cfg.NodeID, n.cfg.Region)
	if err != nil {
		return err
	}
	n.meta = m
	n.log = n.log.With("node", m.NodeID)
	if n.db, err = openStore(n.cfg.DataDir, n.storeFS(), n.log); err != nil {
		return err
	}
	steps := []func() error{n.openRaftLog, n.listen, n.openHost, n.openCatalog, n.openData, n.bindHTTP, n.startGRPC, n.joinGossip}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	n.startLoops()
	n.logStart(created)
	n.logTestFacilities()
	return nil
}

// listen binds the gRPC and HTTP listeners.
func (n *Node) listen() error {
	var err error
	if n.grpcLn, n.grpcAddr, err = listenAdvertised(n.cfg.GRPCAddr); err != nil {
		return fmt.Errorf("node: gRPC: %w", err)
	}
	if n.ln, err = net.Listen("tcp", n.cfg.HTTPAddr); err != nil {
		return fmt.Errorf("node: listen on %s: %w", n.cfg.HTTPAddr, err)
	}
	tcfg := transport.DefaultConfig(raftAddr(n.grpcAddr))
	tcfg.Logger = n.log
	tcfg.DialOptions = n.peerDialOptions()
	n.tr, err = transport.New(tcfg)
	return err
}

func (n *Node) openHost() error {
	var err error
	n.host, err = host.New(host.Config{
		NodeID:        n.meta.NodeID,
		Addr:          raftAddr(n.grpcAddr),
		RaftDir:       filepath.Join(n.cfg.DataDir, raftDir),
		DB:            n.db,
		Transports:    n.tr,
		Directory:     directory{n},
		Raft:          n.groupConfig(),
		ReleaseAfter:  10 * n.cfg.Raft.HeartbeatTimeout,
		ChangeTimeout: 10 * n.cfg.Raft.HeartbeatTimeout,
		Logger:        n.log,
	})
	return err
}

func (n *Node) openCatalog() error {
	var err error
	if n.state, err = catalog.OpenState(n.db); err != nil {
		return err
	}
	if n.cgroup, err = openCatalogGroup(n, n.standalone()); err != nil {
		return err
	}
	ccfg := catalog.DefaultConfig()
	ccfg.State, ccfg.Group, ccfg.Dialer, ccfg.Logger = n.state, n.cgroup, n.tr, n.log
	ccfg.Place = n.place
	if n.cfg.InitialOnDemandPartitions != 0 {
		ccfg.InitialOnDemandPartitions = n.cfg.InitialOnDemandPartitions
	}
	n.catalog, err = catalog.New(ccfg)
	return err
}

func (n *Node) openData() error {
	dcfg := dataplane.DefaultConfig()
	dcfg.NodeID, dcfg.Groups, dcfg.Directory, dcfg.Dialer, dcfg.Logger = n.meta.NodeID, groups{n.host}, directory{n}, n.tr, n.log
	dcfg.UnsafeStaleReads = n.cfg.UnsafeStaleReads
	if n.cfg.NoFollowerReads {
		dcfg.LocalReadWait = 0
	}
	var err error
	n.data, err = dataplane.New(dcfg)
	return err
}

func (n *Node) bindHTTP() error {
	rt, err := router.New(router.Config{
		Region:    n.cfg.Region,
		AccountID: accountID,
		Catalog:   n.catalog,
		Data:      n.data,
		Logger:    n.log,
	})
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	n.handler = n.httpHandler(rt)
	n.srv = newAPIServer(rt, n.handler, n.log)
	return nil
}

// startGRPC serves the Raft transport, the catalog and the data plane.
func (n *Node) startGRPC() error {
	n.grpcSrv = grpc.NewServer(n.tr.ServerOptions()...)
	n.tr.Register(n.grpcSrv)
	catalog.Register(n.grpcSrv, n.catalog)
	dataplane.NewService(groups{n.host}, n.state, n.log).Register(n.grpcSrv)
	srv, ln := n.grpcSrv, n.grpcLn
	n.grpcDone = make(chan struct{})
	go func() {
		defer close(n.grpcDone)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			n.log.Error("gRPC server failed", "err", err)
		}
	}()
	return nil
}

// goFunc runs fn on a goroutine that Close waits for.
func (n *Node) goFunc(fn func(ctx context.Context)) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		fn(n.ctx)
	}()
}

func (n *Node) logStart(created bool) {
	n.log.Info("node opened",
		slog.String("dataDir", n.cfg.DataDir),
		slog.String("clusterId", n.meta.ClusterID),
		slog.String("region", n.cfg.Region),
		slog.Bool("newDataDir", created),
		slog.String("grpcAddr", n.grpcAddr),
		slog.String("gossipAddr", n.members.Addr()),
		slog.String("zone", n.cfg.Zone),
		slog.Any("join", n.cfg.Join),
		slog.Int("bootstrapExpect", n.cfg.BootstrapExpect))
}

// HTTPAddr is the address the DynamoDB API listens on (with the port chosen
// when Config.HTTPAddr asked for port 0).
func (n *Node) HTTPAddr() string { return n.ln.Addr().String() }

// GRPCAddr is the address other nodes reach this node's gRPC server on.
func (n *Node) GRPCAddr() string { return n.grpcAddr }

// GossipAddr is the address other nodes reach this node's gossip on.
func (n *Node) GossipAddr() string { return n.members.Addr() }

// Handler is the node's HTTP handler: the DynamoDB API and the node's own
// endpoints, for serving requests in-process.
func (n *Node) Handler() http.Handler { return n.handler }

// NodeID is this node's persistent id.
func (n *Node) NodeID() string { return n.meta.NodeID }

// ClusterID is the id recorded in this node's data directory.
func (n *Node) ClusterID() string { return n.meta.ClusterID }

// Run serves HTTP until ctx ends, then shuts the node down gracefully. It
// returns nil after a clean shutdown.
func (n *Node) Run(ctx context.Context) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- n.srv.Serve(n.ln) }()
	n.serving.Store(true)
	n.log.Info("serving DynamoDB API", slog.String("httpAddr", n.HTTPAddr()))
	var err error
	select {
	case <-ctx.Done():
		n.log.Info("shutting down")
	case err = <-serveErr:
		err = fmt.Errorf("node: serve HTTP: %w", err)
	}
	return errors.Join(err, n.Close())
}

// Close shuts the node down: it drains HTTP requests (at most 10s), leaves
// the gossip cluster, stops its loops, gRPC server and Raft groups and
// closes the store. It is idempotent.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.serving.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		n.closeErr = errors.Join(n.closeHTTP(ctx), n.shutdown())
		n.log.Info("node closed", slog.Any("err", n.closeErr))
	})
	return n.closeErr
}

// closeHTTP stops accepting connections and waits for in-flight requests
// until ctx ends, then cuts the rest off.
func (n *Node) closeHTTP(ctx context.Context) error {
	var err error
	if n.srv != nil {
		if serr := n.srv.ShutdownWithContext(ctx); serr != nil {
			err = fmt.Errorf("node: drain HTTP: %w", serr)
		}
	}
	// Shutdown closes only listeners that Serve used; Run may never have run.
	if n.ln != nil {
		if lerr := n.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) {
			err = errors.Join(err, fmt.Errorf("node: close listener: %w", lerr))
		}
	}
	return err
}

// shutdown stops everything but HTTP in reverse start order: gossip
// (after telling peers), the loops, the Raft groups, gRPC, the transport
// and the store. Parts never started are skipped.
func (n *Node) shutdown() error {
	var errs []error
	n.leaveGossip()
	n.cancel()
	n.wg.Wait()
	if n.host != nil {
		errs = append(errs, n.host.Close())
	}
	if n.cgroup != nil {
		errs = append(errs, n.cgroup.Shutdown())
	}
	if n.grpcSrv != nil {
		n.grpcSrv.Stop()
		<-n.grpcDone
	} else if n.grpcLn != nil {
		_ = n.grpcLn.Close()
	}
	if n.tr != nil {
		errs = append(errs, n.tr.Close())
	}
	if n.members != nil {
		errs = append(errs, n.members.Shutdown())
	}
	errs = append(errs, n.raftLog.close())
	if n.db != nil {
		if err := n.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("node: close store: %w", err))
		}
	}
	return errors.Join(errs...)
}
