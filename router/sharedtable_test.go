package router

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// sharedCatalog is a fakeCatalog that also offers SharedTable and counts
// the calls of both.
type sharedCatalog struct {
	*fakeCatalog
	copies, shared atomic.Int64
}

var _ SharedTableReader = (*sharedCatalog)(nil)

func (c *sharedCatalog) Table(ctx context.Context, name string) (*schema.Table, error) {
	c.copies.Add(1)
	return c.fakeCatalog.Table(ctx, name)
}

func (c *sharedCatalog) SharedTable(ctx context.Context, name string) (*schema.Table, error) {
	c.shared.Add(1)
	return c.fakeCatalog.Table(ctx, name)
}

// TestDataPathUsesSharedTable checks that item reads and writes take the
// catalog's shared table when it offers one, and that the control plane
// still asks for its own copy.
func TestDataPathUsesSharedTable(t *testing.T) {
	cat := &sharedCatalog{fakeCatalog: newFakeCatalog()}
	tb := schema.Table{Name: "shared", Status: schema.StatusActive, BillingMode: schema.BillingPayPerRequest,
		Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}}
	if err := cat.CreateTable(context.Background(), &tb); err != nil {
		t.Fatal(err)
	}
	data := &fakeData{
		writeFn: func(context.Context, *schema.Table, *partition.Command) (partition.Result, error) {
			return partition.Result{}, nil
		},
		getFn: func(context.Context, *schema.Table, attr.Item, bool) (attr.Item, error) { return nil, nil },
	}
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = cat, data
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(op, body string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", op, rec.Code, rec.Body)
		}
	}
	serve("PutItem", `{"TableName":"shared","Item":{"pk":{"S":"a"}}}`)
	serve("GetItem", `{"TableName":"shared","Key":{"pk":{"S":"a"}}}`)
	if got := cat.shared.Load(); got != 2 {
		t.Errorf("SharedTable called %d times for a put and a get, want 2", got)
	}
	if got := cat.copies.Load(); got != 0 {
		t.Errorf("Table called %d times on the data path, want 0", got)
	}
	serve("DescribeTable", `{"TableName":"shared"}`)
	if cat.copies.Load() == 0 {
		t.Error("DescribeTable did not read its own copy of the table")
	}
}
