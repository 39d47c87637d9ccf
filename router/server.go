package router

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// ServeHTTP serves one DynamoDB API request.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	reqID := newRequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	if req.Method != http.MethodPost {
		r.writeError(w, dberr.New(dberr.UnknownOperation, ""))
		return
	}
	target := req.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, targetPrefix)
	h := operations[op]
	if !ok || h == nil {
		r.writeError(w, dberr.New(dberr.UnknownOperation, ""))
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxBodyBytes+1))
	if err != nil {
		r.writeError(w, dberr.New(dberr.Serialization, "Unable to read request body"))
		return
	}
	if len(body) > maxBodyBytes {
		r.writeError(w, dberr.Validationf("Request size exceeded %d bytes", maxBodyBytes))
		return
	}
	ctx := context.WithValue(req.Context(), requestHostKey{}, req.Host)
	resp, err := r.call(ctx, h, body)
	if err != nil {
		e := dberr.As(err)
		if e.Kind == dberr.Internal && !errors.Is(err, context.Canceled) {
			r.log.LogAttrs(req.Context(), slog.LevelError, "request failed",
				slog.String("op", op), slog.String("requestId", reqID), slog.Any("err", err))
		}
		r.writeError(w, e)
		return
	}
	r.writeJSON(w, http.StatusOK, resp)
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

func (r *Router) writeError(w http.ResponseWriter, e *dberr.Error) {
	we, ok := wireError[e.Kind]
	if !ok {
		we = wireError[dberr.Internal]
	}
	body := errorBody{Type: we.typ, Message: e.Message, Item: e.Item}
	if e.Kind == dberr.Internal && body.Message == "" {
		body.Message = "Internal server error"
	}
	r.writeJSON(w, we.status, body)
}

// decode unmarshals a request body into v, reporting malformed JSON and
// wrongly typed fields as DynamoDB does.
func decode(body []byte, v any) error {
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
