package router

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// laggingCatalog is a Catalog whose Table answers from a local copy that
// may lag, and whose RefreshTable answers from the leader's copy.
type laggingCatalog struct {
	*fakeCatalog
	mu        sync.Mutex
	leader    *schema.Table // nil: the table is gone
	refreshes atomic.Int64
}

var _ TableRefresher = (*laggingCatalog)(nil)

func (c *laggingCatalog) RefreshTable(_ context.Context, name string) (*schema.Table, error) {
	c.refreshes.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leader == nil || c.leader.Name != name {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
	}
	return copyTable(*c.leader), nil
}

// liveData is a Data over real partitions in which only the live ones
// still exist: a request to any other partition fails as a stale map, the
// way the data plane reports it.
type liveData struct {
	parts map[uint64]*partition.Partition
	live  map[uint64]bool
	calls atomic.Int64
}

var _ Data = (*liveData)(nil)

func (d *liveData) part(p *schema.Partition) (*partition.Partition, error) {
	d.calls.Add(1)
	if !d.live[p.ID] {
		return nil, fmt.Errorf("partition %d: %w: %w", p.ID,
			dberr.New(dberr.Unavailable, "The service is currently unavailable or busy."), ErrStaleMap)
	}
	return d.parts[p.ID], nil
}

func (d *liveData) Write(_ context.Context, _ *schema.Table, p *schema.Partition, cmd *partition.Command) (partition.Result, error) {
	pt, err := d.part(p)
	if err != nil {
		return partition.Result{}, err
	}
	res, err := pt.ApplyBatch(pt.AppliedIndex()+1, []*partition.Command{cmd})
	if err != nil {
		return partition.Result{}, err
	}
	return res[0], nil
}

func (d *liveData) Get(_ context.Context, _ *schema.Table, p *schema.Partition, key attr.Item, _ bool) (attr.Item, error) {
	pt, err := d.part(p)
	if err != nil {
		return nil, err
	}
	return pt.Get(key)
}

func (d *liveData) Query(_ context.Context, _ *schema.Table, p *schema.Partition, in *partition.QueryInput) (*partition.Page, error) {
	pt, err := d.part(p)
	if err != nil {
		return nil, err
	}
	return pt.Query(in)
}

func (d *liveData) Scan(_ context.Context, _ *schema.Table, p *schema.Partition, in *partition.ScanInput) (*partition.Page, error) {
	pt, err := d.part(p)
	if err != nil {
		return nil, err
	}
	return pt.Scan(in)
}

func (d *liveData) Stats(_ context.Context, t *schema.Table) (items, bytes int64, err error) {
	for i := range t.Partitions {
		pt, err := d.part(&t.Partitions[i])
		if err != nil {
			return 0, 0, err
		}
		n, b := pt.Stats()
		items, bytes = items+n, bytes+b
	}
	return items, bytes, nil
}

var staleKey = schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}

// staleTable is table Tab with one partition, id.
func staleTable(id uint64, key schema.KeySchema) *schema.Table {
	return &schema.Table{Name: "Tab", Key: key, Status: schema.StatusActive, BillingMode: schema.BillingPayPerRequest,
		AttributeDefinitions: []schema.KeyAttr{key.Hash},
		Partitions:           schema.EvenPartitions(id, 1)}
}

// staleEnv serves table Tab whose local definition has partition 1 (holding
// item "old") while the data plane knows only partition 2 (holding item
// "new").
type staleEnv struct {
	srv  *httptest.Server
	cat  *laggingCatalog
	data *liveData
}

func newStaleEnv(t *testing.T, local, leader *schema.Table) *staleEnv {
	t.Helper()
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem(), Logger: quietPebble{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	d := &liveData{parts: map[uint64]*partition.Partition{}, live: map[uint64]bool{2: true}}
	for id, pk := range map[uint64]string{1: "old", 2: "new"} {
		if d.parts[id], err = partition.Open(db, id, staleKey); err != nil {
			t.Fatal(err)
		}
		item := attr.Item{"pk": attr.Str(pk), "v": attr.Str("table " + fmt.Sprint(id))}
		if _, err := d.parts[id].ApplyBatch(1, []*partition.Command{{Op: partition.OpPut, Item: item}}); err != nil {
			t.Fatal(err)
		}
	}
	cat := &laggingCatalog{fakeCatalog: newFakeCatalog(), leader: leader}
	cat.tables[local.Name] = *copyTable(*local)
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = cat, d
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &staleEnv{srv: httptest.NewServer(r), cat: cat, data: d}
	t.Cleanup(e.srv.Close)
	return e
}

// call sends one request and returns the status and the raw body.
func (e *staleEnv) call(t *testing.T, op, body string) (int, string) {
	t.Helper()
	de := &dataEnv{srv: e.srv}
	status, out := de.call(t, op, body)
	return status, jsonOf(t, out)
}

func TestStaleMapIsRefreshedOnce(t *testing.T) {
	newT, oldT := staleTable(2, staleKey), staleTable(1, staleKey)
	numKey := schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeN}}
	const notFound = `"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"`
	tests := []struct {
		name          string
		local, leader *schema.Table
		op, body      string
		status        int
		want          string // a substring of the response
		refreshes     int64
	}{
		{"current map needs no refresh", newT, newT, "GetItem", `{"TableName":"Tab","Key":{"pk":{"S":"new"}}}`,
			200, `"v":{"S":"table 2"}`, 0},
		{"re-created table: get", oldT, newT, "GetItem", `{"TableName":"Tab","Key":{"pk":{"S":"new"}}}`,
			200, `"v":{"S":"table 2"}`, 1},
		{"re-created table: the old item is gone", oldT, newT, "GetItem", `{"TableName":"Tab","Key":{"pk":{"S":"old"}}}`,
			200, `{}`, 1},
		{"re-created table: put", oldT, newT, "PutItem", `{"TableName":"Tab","Item":{"pk":{"S":"x"}},"ReturnValues":"ALL_OLD"}`,
			200, `{}`, 1},
		{"re-created table: query", oldT, newT, "Query",
			`{"TableName":"Tab","KeyConditionExpression":"pk = :k","ExpressionAttributeValues":{":k":{"S":"new"}}}`,
			200, `"Count":1`, 1},
		{"re-created table: scan", oldT, newT, "Scan", `{"TableName":"Tab"}`, 200, `"v":{"S":"table 2"}`, 1},
		{"re-created table: describe", oldT, newT, "DescribeTable", `{"TableName":"Tab"}`, 200, `"ItemCount":1`, 1},
		{"deleted table: get", oldT, nil, "GetItem", `{"TableName":"Tab","Key":{"pk":{"S":"old"}}}`, 400, notFound, 1},
		{"deleted table: put", oldT, nil, "PutItem", `{"TableName":"Tab","Item":{"pk":{"S":"x"}}}`, 400, notFound, 1},
		{"deleted table: describe", oldT, nil, "DescribeTable", `{"TableName":"Tab"}`, 400,
			`"message":"Requested resource not found: Table: Tab not found"`, 1},
		{"re-created with another key schema", oldT, staleTable(2, numKey), "GetItem",
			`{"TableName":"Tab","Key":{"pk":{"S":"old"}}}`, 400, notFound, 1},
		{"still stale after the refresh", oldT, oldT, "GetItem", `{"TableName":"Tab","Key":{"pk":{"S":"old"}}}`,
			503, `ServiceUnavailableException`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStaleEnv(t, tt.local, tt.leader)
			status, body := e.call(t, tt.op, tt.body)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%s: got %d %s, want %d with %s", tt.op, status, body, tt.status, tt.want)
			}
			if strings.Contains(body, "table 1") {
				t.Errorf("%s answered from the deleted table: %s", tt.op, body)
			}
			if got := e.cat.refreshes.Load(); got != tt.refreshes {
				t.Errorf("%d table refreshes, want %d", got, tt.refreshes)
			}
		})
	}
}

func TestStaleMapWriteLandsInTheFreshPartition(t *testing.T) {
	e := newStaleEnv(t, staleTable(1, staleKey), staleTable(2, staleKey))
	if status, body := e.call(t, "PutItem", `{"TableName":"Tab","Item":{"pk":{"S":"x"},"v":{"S":"w"}}}`); status != http.StatusOK {
		t.Fatalf("PutItem: %d %s", status, body)
	}
	for id, want := range map[uint64]bool{1: false, 2: true} {
		it, err := e.data.parts[id].Get(attr.Item{"pk": attr.Str("x")})
		if err != nil {
			t.Fatal(err)
		}
		if (it != nil) != want {
			t.Errorf("partition %d holds the item: %v, want %v", id, it != nil, want)
		}
	}
}
