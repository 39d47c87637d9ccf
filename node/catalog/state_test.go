package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/hashicorp/raft"
)

func openDB(t *testing.T, fs vfs.FS) *pebble.DB {
	t.Helper()
	db, err := pebble.Open("store", &pebble.Options{FS: fs, Logger: quietLogger{}})
	if err != nil {
		t.Fatalf("open pebble: %v", err)
	}
	return db
}

// withID sets t's table id, which its proposer chooses.
func withID(t *schema.Table, id string) *schema.Table {
	t.ID = id
	return t
}

func newTable(name string, partitions int) *schema.Table {
	t := &schema.Table{
		Name:                 name,
		Key:                  schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}},
		AttributeDefinitions: []schema.KeyAttr{{Name: "pk", Type: attr.TypeS}},
		Status:               schema.StatusActive,
		Partitions:           schema.EvenPartitions(0, partitions),
	}
	for i := range t.Partitions {
		t.Partitions[i].Replicas = []string{"n1", "n2", "n3"}
	}
	return t
}

// applier feeds commands to a State at increasing log indexes.
type applier struct {
	t     *testing.T
	s     *State
	index uint64
}

func (a *applier) apply(c *Command) *Result {
	a.t.Helper()
	b, err := EncodeCommand(c)
	if err != nil {
		a.t.Fatal(err)
	}
	a.index++
	out := a.s.ApplyBatch([]*raft.Log{{Index: a.index, Type: raft.LogCommand, Data: b}})
	res, ok := out[0].(*Result)
	if !ok {
		a.t.Fatalf("apply %s at %d returned %v", c.Op, a.index, out[0])
	}
	return res
}

func kindOf(err error) (dberr.Kind, bool) {
	var de *dberr.Error
	if errors.As(err, &de) {
		return de.Kind, true
	}
	return 0, false
}

func TestApply(t *testing.T) {
	s, err := OpenState(openDB(t, vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	a := &applier{t: t, s: s}
	tests := []struct {
		name     string
		cmd      *Command
		wantKind dberr.Kind
		wantErr  error
		check    func(*Result) error
	}{
		{name: "create a", cmd: &Command{Op: OpCreate, Table: newTable("a", 2)}, check: func(r *Result) error {
			if r.Table.Partitions[0].ID != 1 || r.Table.Partitions[1].ID != 2 {
				return errors.New("partition ids not 1, 2")
			}
			return nil
		}},
		{name: "create b", cmd: &Command{Op: OpCreate, Table: newTable("b", 1)}, check: func(r *Result) error {
			if r.Table.Partitions[0].ID != 3 || r.Table.Partitions[0].Last != math.MaxUint64 {
				return errors.New("partition not id 3 covering everything")
			}
			return nil
		}},
		{name: "create a again", cmd: &Command{Op: OpCreate, Table: newTable("a", 1)}, wantKind: dberr.ResourceInUse},
		{name: "update stale", cmd: &Command{Op: OpUpdate, Table: newTable("a", 1), Version: 99}, wantErr: ErrConflict},
		{name: "update current", cmd: &Command{Op: OpUpdate, Table: &schema.Table{Name: "a", Status: schema.StatusUpdating}, Version: 1},
			check: func(r *Result) error {
				if r.Table.Status != schema.StatusUpdating || len(r.Table.Partitions) != 2 || r.Version != 5 {
					return errors.New("update lost the status or the partitions or has the wrong version")
				}
				return nil
			}},
		{name: "update missing", cmd: &Command{Op: OpUpdate, Table: &schema.Table{Name: "zz"}}, wantKind: dberr.ResourceNotFound},
		{name: "set replicas", cmd: &Command{Op: OpSetReplicas, PartitionID: 2, Replicas: []string{"n1", "n4"}, Epoch: 2},
			check: func(r *Result) error {
				if p := r.Table.Partitions[1]; p.Epoch != 2 || len(p.Replicas) != 2 || r.Table.Partitions[0].Epoch != 1 {
					return errors.New("replicas not set on partition 2 alone")
				}
				return nil
			}},
		{name: "set replicas missing", cmd: &Command{Op: OpSetReplicas, PartitionID: 77}, wantKind: dberr.ResourceNotFound},
		{name: "delete b", cmd: &Command{Op: OpDelete, Name: "b"}},
		{name: "delete b again", cmd: &Command{Op: OpDelete, Name: "b"}, wantKind: dberr.ResourceNotFound},
		{name: "recreate b", cmd: &Command{Op: OpCreate, Table: newTable("b", 1)}, check: func(r *Result) error {
			if r.Table.Partitions[0].ID != 4 {
				return errors.New("a recreated table reuses a partition id")
			}
			return nil
		}},
		{name: "create c", cmd: &Command{Op: OpCreate, Table: withID(newTable("c", 2), "id-c")}, check: func(r *Result) error {
			if r.Table.Partitions[0].ID != 5 {
				return fmt.Errorf("c's first partition is %d, want 5", r.Table.Partitions[0].ID)
			}
			return nil
		}},
		{name: "create c proposed again", cmd: &Command{Op: OpCreate, Table: withID(newTable("c", 2), "id-c")}, check: func(r *Result) error {
			if p := r.Table.Partitions; len(p) != 2 || p[0].ID != 5 || p[1].ID != 6 || r.Table.ID != "id-c" {
				return fmt.Errorf("a repeated create returned %+v, want the table as first created", p)
			}
			return nil
		}},
		{name: "create c by another request", cmd: &Command{Op: OpCreate, Table: withID(newTable("c", 1), "id-other")}, wantKind: dberr.ResourceInUse},
		{name: "create d after a repeat takes fresh ids", cmd: &Command{Op: OpCreate, Table: newTable("d", 1)}, check: func(r *Result) error {
			if r.Table.Partitions[0].ID != 7 {
				return fmt.Errorf("d's partition is %d, want 7: a repeated create consumed ids", r.Table.Partitions[0].ID)
			}
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := a.apply(tc.cmd)
			err := res.Err()
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.wantKind != dberr.Internal:
				if k, ok := kindOf(err); !ok || k != tc.wantKind {
					t.Fatalf("err = %v, want kind %d", err, tc.wantKind)
				}
			case err != nil:
				t.Fatal(err)
			case tc.check != nil:
				if cerr := tc.check(res); cerr != nil {
					t.Fatal(cerr)
				}
			}
		})
	}
	if got := s.AppliedIndex(); got != a.index {
		t.Errorf("AppliedIndex = %d, want %d", got, a.index)
	}
}

func TestReplaySkipsAppliedEntries(t *testing.T) {
	fs := vfs.NewMem()
	db := openDB(t, fs)
	s, err := OpenState(db)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := EncodeCommand(&Command{Op: OpCreate, Table: newTable("a", 1)})
	logs := []*raft.Log{
		{Index: 1, Type: raft.LogConfiguration},
		{Index: 2, Type: raft.LogCommand, Data: b},
	}
	s.ApplyBatch(logs)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenState(openDB(t, fs))
	if err != nil {
		t.Fatal(err)
	}
	if s2.AppliedIndex() != 2 || len(s2.Names()) != 1 || s2.NextPartitionID() != 2 {
		t.Fatalf("reopened state: applied %d tables %v next %d", s2.AppliedIndex(), s2.Names(), s2.NextPartitionID())
	}
	out := s2.ApplyBatch(logs)
	if out[1] != nil {
		t.Fatalf("replayed create returned %v, want it skipped", out[1])
	}
	if s2.NextPartitionID() != 2 {
		t.Fatalf("replay assigned partitions again: next id %d", s2.NextPartitionID())
	}
}

// memSink is a raft.SnapshotSink over a buffer.
type memSink struct{ bytes.Buffer }

func (*memSink) ID() string    { return "mem" }
func (*memSink) Cancel() error { return nil }
func (*memSink) Close() error  { return nil }

func TestSnapshotRestore(t *testing.T) {
	src, err := OpenState(openDB(t, vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	a := &applier{t: t, s: src}
	a.apply(&Command{Op: OpCreate, Table: newTable("a", 2)})
	a.apply(&Command{Op: OpCreate, Table: newTable("b", 1)})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	a.apply(&Command{Op: OpDelete, Name: "a"}) // after the snapshot: not in it
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()

	dst, err := OpenState(openDB(t, vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	b := &applier{t: t, s: dst}
	b.apply(&Command{Op: OpCreate, Table: newTable("stale", 1)})
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if got := dst.Names(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("restored tables %v, want [a b]", got)
	}
	if dst.AppliedIndex() != 2 || dst.NextPartitionID() != 4 {
		t.Fatalf("restored applied %d next %d, want 2 and 4", dst.AppliedIndex(), dst.NextPartitionID())
	}
	torn := sink.Bytes()[:sink.Len()-3]
	if err := dst.Restore(io.NopCloser(bytes.NewReader(torn))); err == nil {
		t.Fatal("a torn snapshot restored without error")
	}
}

// quietLogger drops Pebble's logs.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

func TestPartitionEpoch(t *testing.T) {
	s, err := OpenState(openDB(t, vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	a := &applier{t: t, s: s}
	a.apply(&Command{Op: OpCreate, Table: newTable("a", 2)}) // partitions 1, 2
	a.apply(&Command{Op: OpCreate, Table: newTable("b", 1)}) // partition 3
	a.apply(&Command{Op: OpSetReplicas, PartitionID: 2, Replicas: []string{"n1", "n4"}, Epoch: 2})
	a.apply(&Command{Op: OpDelete, Name: "b"})
	tests := []struct {
		id        uint64
		wantEpoch uint64
		wantGone  bool
	}{
		{id: 1, wantEpoch: 1},
		{id: 2, wantEpoch: 2},
		{id: 3, wantGone: true}, // its table was deleted
		{id: 4},                 // not handed out yet
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.id), func(t *testing.T) {
			epoch, gone := s.PartitionEpoch(tt.id)
			if epoch != tt.wantEpoch || gone != tt.wantGone {
				t.Errorf("PartitionEpoch(%d) = %d, %v; want %d, %v", tt.id, epoch, gone, tt.wantEpoch, tt.wantGone)
			}
		})
	}
}
