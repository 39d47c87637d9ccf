package router

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

// Config configures a Router.
type Config struct {
	// Region is reported in ARNs and DescribeEndpoints, e.g. "us-east-1".
	Region string
	// AccountID is reported in ARNs, 12 digits.
	AccountID string
	// Catalog stores tables; Data stores items. Both are required.
	Catalog Catalog
	Data    Data
	// Logger receives request faults; nil discards.
	Logger *slog.Logger
	// Now is the wall clock that stamps table creation and update times;
	// nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns a Config with flotilla's defaults and no backends.
func DefaultConfig() Config {
	return Config{Region: "us-east-1", AccountID: "000000000000"}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Region == "":
		return errors.New("router: Config.Region is empty")
	case len(c.AccountID) != 12:
		return fmt.Errorf("router: Config.AccountID %q is not 12 digits", c.AccountID)
	case c.Catalog == nil:
		return errors.New("router: Config.Catalog is nil")
	case c.Data == nil:
		return errors.New("router: Config.Data is nil")
	}
	return nil
}

// Router is the DynamoDB HTTP API handler.
type Router struct {
	cfg  Config
	log  *slog.Logger
	bufs bufferPool // response buffers
}

// New returns a Router, or an error if cfg is invalid.
func New(cfg Config) (*Router, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Router{cfg: cfg, log: log.With("component", "router")}, nil
}

// maxBodyBytes bounds a request body; DynamoDB's largest request
// (BatchWriteItem) is 16 MB.
const maxBodyBytes = 16 << 20

const targetPrefix = "DynamoDB_20120810."

// Request is one DynamoDB API request as an HTTP server read it.
type Request struct {
	Method string // the HTTP method; the API takes POST only
	Target string // the X-Amz-Target header, e.g. DynamoDB_20120810.GetItem
	Host   string // the Host header
	Body   []byte // the body; more than 16 MB is refused
}

// Response is the answer to a Request. Body is in the buffer the caller
// passed to Serve. The caller writes the Header* values as the headers of
// the same names, ContentType as Content-Type, and the body's CRC32
// (crc32.ChecksumIEEE, decimal) as x-amz-crc32.
type Response struct {
	Status    int
	RequestID string // x-amzn-RequestId
	Body      []byte
}

// ContentType is the Content-Type of every API response.
const ContentType = "application/x-amz-json-1.0"

// Serve answers one DynamoDB API request, appending the response body to
// dst. It is the HTTP server-independent core of ServeHTTP.
func (r *Router) Serve(ctx context.Context, req Request, dst []byte) Response {
	resp := Response{RequestID: newRequestID()}
	if req.Method != http.MethodPost {
		resp.Status, resp.Body = r.appendError(dst, dberr.New(dberr.UnknownOperation, ""))
		return resp
	}
	op, ok := strings.CutPrefix(req.Target, targetPrefix)
	h := operations[op]
	if !ok || h == nil {
		resp.Status, resp.Body = r.appendError(dst, dberr.New(dberr.UnknownOperation, ""))
		return resp
	}
	if len(req.Body) > maxBodyBytes {
		resp.Status, resp.Body = r.appendError(dst, dberr.Validationf("Request size exceeded %d bytes", maxBodyBytes))
		return resp
	}
	ctx = context.WithValue(ctx, requestHostKey{}, req.Host)
	v, err := r.call(ctx, h, req.Body)
	if err != nil {
		e := dberr.As(err)
		if e.Kind == dberr.Internal && !errors.Is(err, context.Canceled) {
			r.log.LogAttrs(ctx, slog.LevelError, "request failed",
				slog.String("op", op), slog.String("requestId", resp.RequestID), slog.Any("err", err))
		}
		resp.Status, resp.Body = r.appendError(dst, e)
		return resp
	}
	resp.Status, resp.Body = r.appendJSON(dst, http.StatusOK, v)
	return resp
}

// ServeHTTP serves one DynamoDB API request.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	bp := r.bufs.get()
	defer r.bufs.put(bp)
	var resp Response
	body, err := io.ReadAll(io.LimitReader(req.Body, maxBodyBytes+1))
	if err != nil {
		resp.RequestID = newRequestID()
		resp.Status, resp.Body = r.appendError((*bp)[:0], dberr.New(dberr.Serialization, "Unable to read request body"))
	} else {
		resp = r.Serve(req.Context(), Request{Method: req.Method, Target: req.Header.Get("X-Amz-Target"), Host: req.Host, Body: body}, (*bp)[:0])
	}
	*bp = resp.Body
	h := w.Header()
	h["X-Amzn-Requestid"] = []string{resp.RequestID}
	h["Content-Type"] = []string{ContentType}
	h["X-Amz-Crc32"] = []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE(resp.Body)), 10)}
	h["Content-Length"] = []string{strconv.Itoa(len(resp.Body))}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body) // the ResponseWriter copies the body before returning
}

// requestHostKey keys the Host header a request was sent to in its context,
// for responses that name the endpoint (DescribeEndpoints).
type requestHostKey struct{}

// requestHost returns the Host header of the request being served, or "".
func requestHost(ctx context.Context) string {
	h, _ := ctx.Value(requestHostKey{}).(string)
	return h
}

// call runs a handler and turns a panic into an InternalServerError, so that
// no input can crash the process.
func (r *Router) call(ctx context.Context, h handler, body []byte) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("handler panic", "panic", p)
			resp, err = nil, fmt.Errorf("router: handler panic: %v", p)
		}
	}()
	return h(r, ctx, body)
}

type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
	Item    any    `json:"Item,omitempty"`
}

// appendError appends e's response body to dst and returns its status.
func (r *Router) appendError(dst []byte, e *dberr.Error) (int, []byte) {
	we, ok := wireError[e.Kind]
	if !ok {
		we = wireError[dberr.Internal]
	}
	body := errorBody{Type: we.typ, Message: e.Message, Item: e.Item}
	if e.Kind == dberr.Internal && body.Message == "" {
		body.Message = "Internal server error"
	}
	return r.appendJSON(dst, we.status, body)
}

// decode unmarshals a request body into v (a zero value), reporting
// malformed JSON and wrongly typed fields as DynamoDB does. The hot request
// types try their hand-written fast path first (fastdecode.go), which gives
// up, leaving v untouched, on anything but the plain shape, so every error
// and corner case is encoding/json's.
func decode(body []byte, v any) error {
	if fd, ok := v.(fastDecoder); ok && fd.decodeFast(body) {
		return nil
	}
	return decodeJSON(body, v)
}

// decodeJSON is decode's general path, through encoding/json.
func decodeJSON(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		var de *dberr.Error
		if errors.As(err, &de) {
			return de
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return dberr.New(dberr.Serialization, "Unexpected value type in payload: %s cannot be converted to %s", te.Value, te.Type)
		}
		return dberr.New(dberr.Serialization, "Start of structure or map found where not expected")
	}
	return nil
}

const requestIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newRequestID returns a 52-character id in DynamoDB's alphabet.
func newRequestID() string {
	var b [52]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = requestIDChars[int(b[i])%len(requestIDChars)]
	}
	return string(b[:])
}
