package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/node/catalog"
	"github.com/flotilla-db/flotilla/node/local"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

// accountID is the AWS account flotilla reports in ARNs.
const accountID = "000000000000"

// shutdownTimeout bounds how long Run waits for in-flight requests after
// its context ends.
const shutdownTimeout = 10 * time.Second

// Node is one flotilla process.
type Node struct {
	cfg  Config
	log  *slog.Logger
	meta meta

	db      *pebble.DB
	data    *local.Store
	catalog *catalog.Catalog
	ln      net.Listener
	srv     *http.Server

	ready     atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// New opens the data directory, the store and the catalog, opens every
// table's partition and binds the HTTP listener. The caller must Run or
// Close the node.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, log: log}
	if err := n.open(); err != nil {
		return nil, errors.Join(err, n.closeStore())
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
	if n.db, err = openStore(n.cfg.DataDir, n.log); err != nil {
		return err
	}
	if err := n.openTables(); err != nil {
		return err
	}
	if err := n.bindHTTP(); err != nil {
		return err
	}
	n.logStart(created)
	return nil
}

// openTables loads the catalog, finishes interrupted table drops and opens
// every table's partition.
func (n *Node) openTables() error {
	lcfg := local.DefaultConfig()
	lcfg.Logger = n.log
	db := n.db
	lcfg.Open = func(id uint64, key schema.KeySchema) (local.Replica, error) {
		return partition.Open(db, id, key)
	}
	data, err := local.New(lcfg)
	if err != nil {
		return err
	}
	n.data = data
	ccfg := catalog.DefaultConfig()
	ccfg.Observer = data
	if n.cfg.InitialOnDemandPartitions != 0 {
		ccfg.InitialOnDemandPartitions = n.cfg.InitialOnDemandPartitions
	}
	if n.catalog, err = catalog.Open(n.db, ccfg); err != nil {
		return err
	}
	ctx := context.Background()
	if err := n.catalog.FinishDrops(ctx); err != nil {
		return fmt.Errorf("node: finish dropping deleted tables: %w", err)
	}
	for _, t := range n.catalog.Tables() {
		if err := data.TableCreated(ctx, t); err != nil {
			return fmt.Errorf("node: open table %s: %w", t.Name, err)
		}
	}
	return nil
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
	ln, err := net.Listen("tcp", n.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("node: listen on %s: %w", n.cfg.HTTPAddr, err)
	}
	n.ln = ln
	n.srv = newHTTPServer(n.handler(rt), n.log)
	return nil
}

func (n *Node) logStart(created bool) {
	n.log.Info("node opened",
		slog.String("dataDir", n.cfg.DataDir),
		slog.String("clusterId", n.meta.ClusterID),
		slog.String("region", n.cfg.Region),
		slog.Bool("newDataDir", created),
		slog.Int("tables", len(n.catalog.Tables())))
	n.log.Info("single-node mode: cluster settings are recorded but unused",
		slog.String("grpcAddr", n.cfg.GRPCAddr),
		slog.String("gossipAddr", n.cfg.GossipAddr),
		slog.String("zone", n.cfg.Zone),
		slog.Any("join", n.cfg.Join),
		slog.Int("bootstrapExpect", n.cfg.BootstrapExpect))
}

// HTTPAddr is the address the DynamoDB API listens on (with the port chosen
// when Config.HTTPAddr asked for port 0).
func (n *Node) HTTPAddr() string { return n.ln.Addr().String() }

// NodeID is this node's persistent id.
func (n *Node) NodeID() string { return n.meta.NodeID }

// ClusterID is the id of the cluster this node belongs to.
func (n *Node) ClusterID() string { return n.meta.ClusterID }

// Run serves HTTP until ctx ends, then shuts down gracefully: it stops
// accepting requests, waits for those in flight (at most 10s), stops the
// partition writers and closes the store. It returns nil after a clean
// shutdown.
func (n *Node) Run(ctx context.Context) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- n.srv.Serve(n.ln) }()
	n.ready.Store(true)
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

// Close shuts the node down: it drains HTTP requests (at most 10s), then
// stops the writers and closes the store. It is idempotent.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.ready.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		n.closeErr = errors.Join(n.closeHTTP(ctx), n.closeStore())
		n.log.Info("node closed", slog.Any("err", n.closeErr))
	})
	return n.closeErr
}

// closeHTTP stops accepting connections and waits for in-flight requests
// until ctx ends, then cuts the rest off.
func (n *Node) closeHTTP(ctx context.Context) error {
	var err error
	if n.srv != nil {
		if serr := n.srv.Shutdown(ctx); serr != nil {
			err = errors.Join(fmt.Errorf("node: drain HTTP: %w", serr), n.srv.Close())
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

// closeStore stops the writers, then closes Pebble.
func (n *Node) closeStore() error {
	var errs []error
	if n.data != nil {
		errs = append(errs, n.data.Close())
	}
	if n.db != nil {
		if err := n.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("node: close store: %w", err))
		}
	}
	return errors.Join(errs...)
}
