package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/node/faultfs"
	"google.golang.org/grpc"
)

// This file wires the node's test facilities (Config.PeerDialMap,
// FaultInjection and UnsafeStaleReads); all are off by default.

// diskFaultPath sets (POST) and reads (GET) the store's injected disk
// fault; it answers 404 unless Config.FaultInjection is set.
const diskFaultPath = "/admin/fault/disk"

// maxFaultBody bounds a POST /admin/fault/disk body.
const maxFaultBody = 4 << 10

// storeFS returns the filesystem of the store: a fault-injecting one with
// Config.FaultInjection, else nil (the operating system's).
func (n *Node) storeFS() vfs.FS {
	if !n.cfg.FaultInjection {
		return nil
	}
	n.faults = faultfs.New(vfs.Default)
	return n.faults
}

// peerDialOptions makes every gRPC dial to another node go through
// Config.PeerDialMap; none without a map.
func (n *Node) peerDialOptions() []grpc.DialOption {
	if len(n.cfg.PeerDialMap) == 0 {
		return nil
	}
	m := n.cfg.PeerDialMap
	return []grpc.DialOption{grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
		if to, ok := m[addr]; ok {
			addr = to
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	})}
}

// serveDiskFault serves POST and GET /admin/fault/disk: the body and the
// answer are {"delay":"50ms","fail":false} (see faultfs.Setting).
func (n *Node) serveDiskFault(w http.ResponseWriter, r *http.Request) {
	if n.faults == nil {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var s faultfs.Setting
		if err := json.NewDecoder(io.LimitReader(r.Body, maxFaultBody)).Decode(&s); err != nil {
			http.Error(w, fmt.Sprintf("invalid disk fault: %v", err), http.StatusBadRequest)
			return
		}
		n.faults.Set(s)
		n.log.Warn("disk fault injected", slog.Duration("delay", s.Delay), slog.Bool("fail", s.Fail))
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(n.faults.Setting())
}

// logTestFacilities warns about every test facility that is on.
func (n *Node) logTestFacilities() {
	if len(n.cfg.PeerDialMap) > 0 {
		n.log.Warn("test facility: peer dial map in use", slog.Any("map", slices.Sorted(maps.Keys(n.cfg.PeerDialMap))))
	}
	if n.cfg.FaultInjection {
		n.log.Warn("test facility: disk fault injection enabled at " + diskFaultPath)
	}
	if n.cfg.UnsafeStaleReads {
		n.log.Warn("test facility: unsafe stale reads, consistency deliberately broken")
	}
}
