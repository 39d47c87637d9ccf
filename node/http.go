package node

import (
	"log/slog"
	"net/http"
	"time"
)

// HTTP server limits. There is no write timeout: a response is bounded by
// DynamoDB's own limits (1 MB pages, 16 MB batches).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// newHTTPServer returns a server tuned for many concurrent keep-alive
// clients, as the AWS SDKs keep connections open between requests.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.With("component", "http").Handler(), slog.LevelWarn),
	}
}

// handler routes GET /health, /ready and /admin/status, and
// /admin/fault/disk (see serveDiskFault), to the node and everything else
// to the DynamoDB API.
func (n *Node) handler(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == diskFaultPath {
			n.serveDiskFault(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			switch r.URL.Path {
			case "/health":
				writeStatus(w, http.StatusOK, "ok")
				return
			case "/ready":
				n.serveReady(w)
				return
			case "/admin/status":
				n.serveStatus(w)
				return
			}
		}
		api.ServeHTTP(w, r)
	})
}

func (n *Node) serveReady(w http.ResponseWriter) {
	if !n.serving.Load() || !n.catalogOK.Load() {
		writeStatus(w, http.StatusServiceUnavailable, "not ready")
		return
	}
	writeStatus(w, http.StatusOK, "ready")
}

func writeStatus(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
