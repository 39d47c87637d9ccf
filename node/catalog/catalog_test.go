package catalog

import (
	"context"
	"errors"
	"fmt"
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
	r.created = append(r.created, t.PartitionID)
	return nil
}

func (r *recorder) TableDeleted(_ context.Context, t *schema.Table) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failDrop {
		return errors.New("disk full")
	}
	r.deleted = append(r.deleted, t.PartitionID)
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
	c, err := Open(openDB(t, vfs.NewMem()), nil)
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
			if got.PartitionID != tc.wantID || got.Name != tc.name {
				t.Errorf("got %s id %d, want %s id %d", got.Name, got.PartitionID, tc.name, tc.wantID)
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
	c, err := Open(openDB(t, vfs.NewMem()), nil)
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
	c, err := Open(db, nil)
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
	c2, err := Open(openDB(t, fs), nil)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := c2.ListTables(ctx)
	if fmt.Sprint(names) != "[a]" {
		t.Fatalf("after reopen ListTables = %v, want [a]", names)
	}
	a, _ := c2.Table(ctx, "a")
	if a.BillingMode != schema.BillingPayPerRequest || a.PartitionID != 1 || len(a.Tags) != 1 {
		t.Errorf("reopened table = %+v", a)
	}
	nt := newTable("b")
	if err := c2.CreateTable(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if nt.PartitionID != 3 {
		t.Errorf("partition id after reopen = %d, want 3 (ids are never reused)", nt.PartitionID)
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
			c, err := Open(openDB(t, vfs.NewMem()), rec)
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
	c, err := Open(openDB(t, vfs.NewMem()), nil)
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
	c, err := Open(openDB(t, vfs.NewMem()), nil)
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
		if ids[tb.PartitionID] {
			t.Fatalf("partition id %d assigned twice", tb.PartitionID)
		}
		ids[tb.PartitionID] = true
	}
	if len(ids) != n+1 {
		t.Errorf("%d tables, want %d", len(ids), n+1)
	}
}
