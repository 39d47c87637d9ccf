package node

import (
	"context"
	"fmt"
	"hash/crc32"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/flotilla-db/flotilla/router"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// HTTP server limits. There is no write timeout: a response is bounded by
// DynamoDB's own limits (1 MB pages, 16 MB batches).
const (
	readTimeout    = 60 * time.Second
	idleTimeout    = 120 * time.Second
	maxHeaderBytes = 64 << 10
	// maxRequestBody is the largest body the server reads; the router
	// refuses one over 16 MB with DynamoDB's error, and the server
	// answers 413 to a body over this.
	maxRequestBody = 32 << 20
)

// newAPIServer returns the server of the node's HTTP port, on fasthttp:
// an API request (a POST anywhere but the node's own endpoints) goes
// straight to rt, reusing the connection's buffers; every other request
// goes to the net/http handler other. The AWS SDKs keep connections open
// between requests, and net/http's per-request allocations and
// goroutine hand-offs cost more than the router's own work on reads.
func newAPIServer(rt *router.Router, other http.Handler, log *slog.Logger) *fasthttp.Server {
	slow := fasthttpadaptor.NewFastHTTPHandler(other)
	return &fasthttp.Server{
		Handler: func(c *fasthttp.RequestCtx) {
			if !c.IsPost() || string(c.Path()) == diskFaultPath {
				slow(c)
				return
			}
			serveAPI(c, rt)
		},
		ReadTimeout:           readTimeout,
		IdleTimeout:           idleTimeout,
		ReadBufferSize:        maxHeaderBytes, // also bounds the request headers
		MaxRequestBodySize:    maxRequestBody,
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		CloseOnShutdown:       true,
		Logger:                fasthttpLogger{log.With("component", "http")},
	}
}

// serveAPI answers one DynamoDB API request with rt. The response body
// is appended to the buffer of the connection's previous response.
func serveAPI(c *fasthttp.RequestCtx, rt *router.Router) {
	req := router.Request{
		Method: http.MethodPost,
		Target: string(c.Request.Header.Peek("X-Amz-Target")),
		Host:   string(c.Host()),
		Body:   c.PostBody(),
	}
	dst := c.Response.SwapBody(nil)
	resp := rt.Serve(context.Background(), req, dst[:0])
	c.Response.SwapBody(resp.Body)
	c.SetStatusCode(resp.Status)
	h := &c.Response.Header
	h.Set("x-amzn-RequestId", resp.RequestID)
	h.SetContentType(router.ContentType)
	var crc [20]byte
	h.SetBytesV("x-amz-crc32", strconv.AppendUint(crc[:0], uint64(crc32.ChecksumIEEE(resp.Body)), 10))
}

// fasthttpLogger logs fasthttp's messages (connection errors) as warnings.
type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	l.log.Warn(fmt.Sprintf(format, args...))
}

// handler routes GET /health, /ready and /admin/status, and
// /admin/fault/disk (see serveDiskFault), to the node and everything else
// to the DynamoDB API.
func (n *Node) httpHandler(api http.Handler) http.Handler {
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
