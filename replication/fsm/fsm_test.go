package fsm

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/hashicorp/raft"
)

var keySchema = schema.KeySchema{Hash: schema.KeyAttr{Name: "id", Type: attr.TypeS}}

func newFSM(t *testing.T) *PartitionFSM {
	t.Helper()
	db, err := pebble.Open("db", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := partition.Open(db, 11, keySchema)
	if err != nil {
		t.Fatal(err)
	}
	return New(p)
}

func addLog(index uint64, n string) *raft.Log {
	cmd := &partition.Command{Op: partition.OpUpdate, Item: attr.Item{"id": attr.Str("c")},
		Update: "ADD n :n", Values: map[string]attr.Value{":n": {T: attr.TypeN, S: n}},
		ReturnValues: partition.ReturnUpdatedNew}
	return &raft.Log{Index: index, Type: raft.LogCommand, Data: partition.EncodeCommand(cmd)}
}

func counter(t *testing.T, f *PartitionFSM) string {
	t.Helper()
	it, err := f.Partition().Get(attr.Item{"id": attr.Str("c")})
	if err != nil {
		t.Fatal(err)
	}
	return it["n"].S
}

// describe renders one ApplyBatch response.
func describe(r any) string {
	switch v := r.(type) {
	case nil:
		return "nil"
	case partition.Result:
		if v.Err != nil {
			return "err:" + v.Err.Error()
		}
		return "n=" + v.Attributes["n"].S
	case error:
		if errors.Is(v, partition.ErrBadCommand) {
			return "bad"
		}
		return "error:" + v.Error()
	}
	return fmt.Sprintf("%T", r)
}

func TestApplyBatch(t *testing.T) {
	f := newFSM(t)
	steps := []struct {
		name        string
		logs        []*raft.Log
		want        []string
		wantApplied uint64
		wantCounter string
	}{
		{
			name: "commands and configuration",
			logs: []*raft.Log{addLog(1, "1"), {Index: 2, Type: raft.LogConfiguration}, addLog(3, "2")},
			want: []string{"n=1", "nil", "n=3"}, wantApplied: 3, wantCounter: "3",
		},
		{
			name: "malformed command fails alone",
			logs: []*raft.Log{{Index: 4, Type: raft.LogCommand, Data: []byte{9, 9}}, addLog(5, "4")},
			want: []string{"bad", "n=7"}, wantApplied: 5, wantCounter: "7",
		},
		{
			name: "replayed entries are skipped",
			logs: []*raft.Log{addLog(3, "100"), addLog(5, "100"), addLog(6, "1")},
			want: []string{"n=", "n=", "n=8"}, wantApplied: 6, wantCounter: "8",
		},
		{
			name: "configuration entry advances the applied index",
			logs: []*raft.Log{{Index: 7, Type: raft.LogConfiguration}},
			want: []string{"nil"}, wantApplied: 7, wantCounter: "8",
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out := f.ApplyBatch(st.logs)
			for i, w := range st.want {
				if got := describe(out[i]); got != w {
					t.Errorf("response %d = %s, want %s", i, got, w)
				}
			}
			if f.AppliedIndex() != st.wantApplied || counter(t, f) != st.wantCounter {
				t.Fatalf("applied %d counter %s, want %d %s", f.AppliedIndex(), counter(t, f), st.wantApplied, st.wantCounter)
			}
		})
	}
}

func TestWaitApplied(t *testing.T) {
	f := newFSM(t)
	f.ApplyBatch([]*raft.Log{addLog(1, "1")})
	t.Run("already applied", func(t *testing.T) {
		if err := f.WaitApplied(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("context ends", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if err := f.WaitApplied(ctx, 2); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitApplied = %v, want deadline exceeded", err)
		}
	})
	t.Run("woken by a later batch", func(t *testing.T) {
		errc := make(chan error, 1)
		go func() { errc <- f.WaitApplied(context.Background(), 3) }()
		f.ApplyBatch([]*raft.Log{addLog(2, "1")})
		f.ApplyBatch([]*raft.Log{{Index: 3, Type: raft.LogConfiguration}})
		select {
		case err := <-errc:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("WaitApplied not woken")
		}
	})
}

func TestSnapshotPersistRestore(t *testing.T) {
	src := newFSM(t)
	src.ApplyBatch([]*raft.Log{addLog(1, "5"), addLog(2, "6")})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	src.ApplyBatch([]*raft.Log{addLog(3, "100")}) // after the snapshot: not in it
	store := raft.NewInmemSnapshotStore()
	sink, err := store.Create(raft.SnapshotVersionMax, 2, 1, raft.Configuration{}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.Persist(sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()

	dst := newFSM(t)
	dst.ApplyBatch([]*raft.Log{addLog(1, "1000")})
	_, rc, err := store.Open(sink.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(rc); err != nil {
		t.Fatal(err)
	}
	if dst.AppliedIndex() != 2 || counter(t, dst) != "11" {
		t.Fatalf("restored applied %d counter %s, want 2 11", dst.AppliedIndex(), counter(t, dst))
	}
}

// failSink fails every write.
type failSink struct {
	raft.SnapshotSink
	cancelled bool
}

func (s *failSink) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (s *failSink) Cancel() error             { s.cancelled = true; return nil }

func TestPersistCancelsOnFailure(t *testing.T) {
	f := newFSM(t)
	f.ApplyBatch([]*raft.Log{addLog(1, "1")})
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Release()
	sink := &failSink{}
	if err := snap.Persist(sink); err == nil || !sink.cancelled {
		t.Fatalf("Persist = %v, cancelled %v; want an error and a cancelled sink", err, sink.cancelled)
	}
}
