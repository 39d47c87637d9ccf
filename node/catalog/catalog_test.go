package catalog

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// recorder is an Observer that records calls and fails on demand.
type recorder struct {
	mu        sync.Mutex
	created   []uint64
	deleted   []uint64
	failCreat bool
	failDrop  bool
}

func (r *recorder) TableCreated(_ context.Context, t *schema.Table) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failCreat {
		return errors.New("disk full")
	}
	r.created = append(r.created, t.Partitions[0].ID)
	return nil
}

func (r *recorder) TableDeleted(_ context.Context, t *schema.Table) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failDrop {
		return errors.New("disk full")
	}
	r.deleted = append(r.deleted, t.Partitions[0].ID)
	return nil
}

func openDB(t *testing.T, fs vfs.FS) *pebble.DB {
	t.Helper()
	db, err := pebble.Open("store", &pebble.Options{FS: fs})
	if err != nil {
		t.Fatalf("open pebble: %v", err)
	}
	return db
}

func newTable(name string) *schema.Table {
	return &schema.Table{
		Name:                 name,
		Key:                  schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}},
		AttributeDefinitions: []schema.KeyAttr{{Name: "pk", Type: attr.TypeS}},
		Status:               schema.StatusActive,
		Tags:                 []schema.Tag{{Key: "k", Value: "v"}},
	}
}

func TestCreateAndLookup(t *testing.T) {
	ctx := context.Background()
	c, err := Open(openDB(t, vfs.NewMem()), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b", "a", "c"} {
		if err := c.CreateTable(ctx, newTable(n)); err != nil {
			t.Fatalf("create %s: %v", n, err)
		}
	}
	tests := []struct {
		name     string
		wantID   uint64
		wantKind dberr.Kind
		wantMsg  string
	}{
		{name: "b", wantID: 1},
		{name: "a", wantID: 2},
		{name: "c", wantID: 3},
		{name: "zz", wantKind: dberr.ResourceNotFound, wantMsg: "Requested resource not found: Table: zz not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Table(ctx, tc.name)
			if tc.wantMsg != "" {
				checkErr(t, err, tc.wantKind, tc.wantMsg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Partitions[0].ID != tc.wantID || got.Name != tc.name {
				t.Errorf("got %s id %d, want %s id %d", got.Name, got.Partitions[0].ID, tc.name, tc.wantID)
			}
		})
	}
	names, _ := c.ListTables(ctx)
	if fmt.Sprint(names) != "[a b c]" {
		t.Errorf("ListTables = %v, want [a b c]", names)
	}
}

func checkErr(t *testing.T, err error, kind dberr.Kind, msg string) {
	t.Helper()
	var e *dberr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *dberr.Error", err)
	}
	if e.Kind != kind || e.Message != msg {
		t.Errorf("error = kind %d %q, want kind %d %q", e.Kind, e.Message, kind, msg)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	c, err := Open(openDB(t, vfs.NewMem()), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTable(ctx, newTable("T")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		kind dberr.Kind
		msg  string
	}{
		{"create twice", func() error { return c.CreateTable(ctx, newTable("T")) },
			dberr.ResourceInUse, "Table already exists: T"},
		{"delete missing", func() error { _, err := c.DeleteTable(ctx, "X"); return err },
			dberr.ResourceNotFound, "Requested resource not found: Table: X not found"},
		{"update missing", func() error {
			_, err := c.UpdateTable(ctx, "X", func(*schema.Table) error { return nil })
			return err
		}, dberr.ResourceNotFound, "Requested resource not found: Table: X not found"},
		{"update fn fails", func() error {
			_, err := c.UpdateTable(ctx, "T", func(*schema.Table) error { return dberr.Validationf("nope") })
			return err
		}, dberr.Validation, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.call(), tc.kind, tc.msg) })
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	db := openDB(t, fs)
	c, err := Open(db, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if err := c.CreateTable(ctx, newTable(n)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.UpdateTable(ctx, "a", func(t *schema.Table) error {
		t.BillingMode = schema.BillingPayPerRequest
		t.Name = "renamed"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTable(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(openDB(t, fs), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	names, _ := c2.ListTables(ctx)
	if fmt.Sprint(names) != "[a]" {
		t.Fatalf("after reopen ListTables = %v, want [a]", names)
	}
	a, _ := c2.Table(ctx, "a")
	if a.BillingMode != schema.BillingPayPerRequest || a.Partitions[0].ID != 1 || len(a.Tags) != 1 {
		t.Errorf("reopened table = %+v", a)
	}
	nt := newTable("b")
	if err := c2.CreateTable(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if nt.Partitions[0].ID != 3 {
		t.Errorf("partition id after reopen = %d, want 3 (ids are never reused)", nt.Partitions[0].ID)
	}
}

func TestObserver(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		failCreate  bool
		failDrop    bool
		wantTables  string
		wantPending int
	}{
		{name: "ok", wantTables: "[]"},
		{name: "create fails", failCreate: true, wantTables: "[]"},
		{name: "drop fails", failDrop: true, wantTables: "[]", wantPending: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{failCreat: tc.failCreate, failDrop: tc.failDrop}
			c, err := Open(openDB(t, vfs.NewMem()), Config{Observer: rec, InitialOnDemandPartitions: 2})
			if err != nil {
				t.Fatal(err)
			}
			err = c.CreateTable(ctx, newTable("T"))
			if tc.failCreate {
				if err == nil {
					t.Fatal("CreateTable succeeded although the observer failed")
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.DeleteTable(ctx, "T")
				if (err != nil) != tc.failDrop {
					t.Fatalf("DeleteTable error = %v, want failure %v", err, tc.failDrop)
				}
			}
			names, _ := c.ListTables(ctx)
			if fmt.Sprint(names) != tc.wantTables {
				t.Errorf("tables = %v, want %s", names, tc.wantTables)
			}
			pending, err := c.PendingDrops()
			if err != nil || len(pending) != tc.wantPending {
				t.Fatalf("PendingDrops = %d, %v; want %d", len(pending), err, tc.wantPending)
			}
			rec.failDrop = false
			if err := c.FinishDrops(ctx); err != nil {
				t.Fatal(err)
			}
			if pending, _ := c.PendingDrops(); len(pending) != 0 {
				t.Errorf("%d drops pending after FinishDrops", len(pending))
			}
			if !tc.failCreate && fmt.Sprint(rec.deleted) != "[1]" {
				t.Errorf("dropped partitions = %v, want [1]", rec.deleted)
			}
		})
	}
}

func TestUpdateDoesNotAliasCache(t *testing.T) {
	ctx := context.Background()
	c, err := Open(openDB(t, vfs.NewMem()), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTable(ctx, newTable("T")); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateTable(ctx, "T", func(t *schema.Table) error {
		t.Tags[0].Value = "changed"
		return errors.New("abandon")
	})
	if err == nil {
		t.Fatal("UpdateTable ignored fn's error")
	}
	got, _ := c.Table(ctx, "T")
	if got.Tags[0].Value != "v" {
		t.Errorf("abandoned update leaked into the catalog: tag = %q", got.Tags[0].Value)
	}
}

func TestConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	c, err := Open(openDB(t, vfs.NewMem()), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			errs <- c.CreateTable(ctx, newTable(fmt.Sprintf("t%02d", i)))
			errs <- c.CreateTable(ctx, newTable("shared"))
		})
	}
	wg.Wait()
	close(errs)
	inUse := 0
	for err := range errs {
		if dberr.Is(err, dberr.ResourceInUse) {
			inUse++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if inUse != n-1 {
		t.Errorf("%d ResourceInUse errors, want %d", inUse, n-1)
	}
	ids := map[uint64]bool{}
	for _, tb := range c.Tables() {
		if ids[tb.Partitions[0].ID] {
			t.Fatalf("partition id %d assigned twice", tb.Partitions[0].ID)
		}
		ids[tb.Partitions[0].ID] = true
	}
	if len(ids) != n+1 {
		t.Errorf("%d tables, want %d", len(ids), n+1)
	}
}

func TestPartitionSizing(t *testing.T) {
	tests := []struct {
		name     string
		billing  string
		rcu, wcu int64
		onDemand int
		want     int
	}{
		{"tiny provisioned", schema.BillingProvisioned, 5, 5, 2, 1},
		{"zero throughput", schema.BillingProvisioned, 0, 0, 2, 1},
		{"exactly 3000 rcu", schema.BillingProvisioned, 3000, 0, 2, 1},
		{"3001 rcu", schema.BillingProvisioned, 3001, 0, 2, 2},
		{"1000 wcu", schema.BillingProvisioned, 0, 1000, 2, 1},
		{"mixed", schema.BillingProvisioned, 3000, 1001, 2, 3},
		{"rounded up sum", schema.BillingProvisioned, 1500, 500, 2, 1},
		{"capped", schema.BillingProvisioned, 40000, 100000, 2, MaxInitialPartitions},
		{"on demand default", schema.BillingPayPerRequest, 0, 0, 2, 2},
		{"on demand configured", schema.BillingPayPerRequest, 0, 0, 5, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Open(openDB(t, vfs.NewMem()), Config{InitialOnDemandPartitions: tc.onDemand})
			if err != nil {
				t.Fatal(err)
			}
			tb := newTable("t")
			tb.BillingMode = tc.billing
			tb.Throughput = schema.Throughput{ReadCapacityUnits: tc.rcu, WriteCapacityUnits: tc.wcu}
			if err := c.CreateTable(context.Background(), tb); err != nil {
				t.Fatal(err)
			}
			got, _ := c.Table(context.Background(), "t")
			if len(got.Partitions) != tc.want {
				t.Fatalf("%d partitions, want %d", len(got.Partitions), tc.want)
			}
			if err := got.ValidatePartitions(); err != nil {
				t.Fatal(err)
			}
			for i, p := range got.Partitions {
				if p.ID != uint64(1+i) {
					t.Fatalf("partition %d has id %d, want %d", i, p.ID, 1+i)
				}
			}
		})
	}
}

func TestPartitionIDsAreConsecutiveAndFresh(t *testing.T) {
	ctx := context.Background()
	c, err := Open(openDB(t, vfs.NewMem()), Config{InitialOnDemandPartitions: 3})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, n := range []string{"a", "b"} {
		tb := newTable(n)
		tb.BillingMode = schema.BillingPayPerRequest
		if err := c.CreateTable(ctx, tb); err != nil {
			t.Fatal(err)
		}
		for _, p := range tb.Partitions {
			ids = append(ids, p.ID)
		}
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5 6]" {
		t.Fatalf("partition ids = %v, want [1 2 3 4 5 6]", ids)
	}
	if _, err := c.UpdateTable(ctx, "a", func(t *schema.Table) error {
		t.Partitions = schema.EvenPartitions(99, 1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.Table(ctx, "a"); len(a.Partitions) != 3 || a.Partitions[0].ID != 1 {
		t.Errorf("UpdateTable changed the partitions: %+v", a.Partitions)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		n    int
		ok   bool
	}{{"zero", 0, false}, {"one", 1, true}, {"max", MaxInitialPartitions, true}, {"too many", MaxInitialPartitions + 1, false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Config{InitialOnDemandPartitions: tc.n}.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate(%d) = %v", tc.n, err)
			}
		})
	}
}

// TestLoadsTablesStoredWithOnePartitionID checks that tables stored before
// tables had several partitions load as one partition over the whole hash
// space, keep it across updates and drop it on delete.
func TestLoadsTablesStoredWithOnePartitionID(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, vfs.NewMem())
	legacy := `{"name":"old","id":"u","arn":"a","partitionId":7,"key":{"hash":{"name":"pk","type":1},"range":{"name":"","type":0}},` +
		`"attributeDefinitions":[{"name":"pk","type":1}],"status":"ACTIVE","created":"2024-01-02T03:04:05Z","billingMode":"PAY_PER_REQUEST",` +
		`"throughput":{"rcu":0,"wcu":0,"decreasesToday":0},"deletionProtection":false}`
	if err := db.Set(tableKey("old"), []byte(legacy), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte(keyNextID), []byte{0, 0, 0, 0, 0, 0, 0, 8}, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	c, err := Open(db, Config{Observer: rec, InitialOnDemandPartitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	old, err := c.Table(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	want := []schema.Partition{{ID: 7, First: 0, Last: math.MaxUint64, Epoch: 1}}
	if fmt.Sprint(old.Partitions) != fmt.Sprint(want) || old.Key.Hash.Name != "pk" || old.BillingMode != schema.BillingPayPerRequest {
		t.Fatalf("loaded %+v", old)
	}
	if _, err := c.UpdateTable(ctx, "old", func(t *schema.Table) error { t.DeletionProtection = true; return nil }); err != nil {
		t.Fatal(err)
	}
	nt := newTable("new")
	if err := c.CreateTable(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if nt.Partitions[0].ID != 8 {
		t.Errorf("new table's partition id = %d, want 8", nt.Partitions[0].ID)
	}
	if _, err := c.DeleteTable(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rec.deleted) != "[7]" {
		t.Errorf("dropped partitions %v, want [7]", rec.deleted)
	}
}
