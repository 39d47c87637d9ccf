package router

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// benchPayload makes a bench item about 1 KB.
var benchPayload = strings.Repeat("x", 960)

// newBenchRouter returns a Router over an in-memory catalog holding the
// table bench (pk S, sk S) and a data plane that acknowledges every write
// and returns item from every read, so that only the router's own work
// (decode, validate, route, encode) is measured.
func newBenchRouter(b *testing.B, item attr.Item) *Router {
	b.Helper()
	cat := newFakeCatalog()
	tb := schema.Table{Name: "bench", Status: schema.StatusActive, BillingMode: schema.BillingPayPerRequest,
		Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "sk", Type: attr.TypeS}}}
	if err := cat.CreateTable(context.Background(), &tb); err != nil {
		b.Fatal(err)
	}
	data := &fakeData{
		writeFn: func(context.Context, *schema.Table, *partition.Command) (partition.Result, error) {
			return partition.Result{ItemBytes: 1024}, nil
		},
		getFn: func(context.Context, *schema.Table, attr.Item, bool) (attr.Item, error) { return item, nil },
	}
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = cat, data
	r, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// benchServe sends body as op through r's ServeHTTP b.N times.
func benchServe(b *testing.B, r *Router, op string, body []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d: %s", op, rec.Code, rec.Body)
		}
	}
}

// BenchmarkServe measures one request through the router with 1 KB items,
// the data plane faked out.
func BenchmarkServe(b *testing.B) {
	item := attr.Item{"pk": attr.Str("p00001"), "sk": attr.Str("s00001"), "n": {T: attr.TypeN, S: "1"}, "payload": attr.Str(benchPayload)}
	b.Run("op=PutItem", func(b *testing.B) {
		body := fmt.Appendf(nil, `{"TableName":"bench","Item":{"pk":{"S":"p00001"},"sk":{"S":"s00001"},"n":{"N":"1"},"payload":{"S":"%s"}}}`, benchPayload)
		benchServe(b, newBenchRouter(b, item), "PutItem", body)
	})
	b.Run("op=GetItem", func(b *testing.B) {
		body := []byte(`{"TableName":"bench","Key":{"pk":{"S":"p00001"},"sk":{"S":"s00001"}}}`)
		benchServe(b, newBenchRouter(b, item), "GetItem", body)
	})
}
