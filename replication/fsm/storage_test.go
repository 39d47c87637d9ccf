package fsm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/node/faultfs"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/hashicorp/raft"
)

// fatalLogger panics on Fatalf, as a flotilla node's Pebble logger does.
type fatalLogger struct{}

func (fatalLogger) Infof(string, ...any)  {}
func (fatalLogger) Errorf(string, ...any) {}
func (fatalLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}

// openOn opens partition 11 on a store in fs.
func openOn(t *testing.T, fs vfs.FS) (*pebble.DB, *partition.Partition) {
	t.Helper()
	db, err := pebble.Open("db", &pebble.Options{FS: fs, Logger: fatalLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := partition.Open(db, 11, keySchema)
	if err != nil {
		t.Fatal(err)
	}
	return db, p
}

// closeBroken closes a store whose disk failed: with the disk healthy
// again, Pebble may still report (or panic with) the earlier failure.
func closeBroken(t *testing.T, db *pebble.DB, disk *faultfs.FS) {
	disk.Set(faultfs.Setting{})
	defer func() {
		if v := recover(); v != nil {
			t.Logf("closing the failed store: %v", v)
		}
	}()
	if err := db.Close(); err != nil {
		t.Logf("closing the failed store: %v", err)
	}
}

// applyPanic applies logs and returns the panic value, or nil.
func applyPanic(f *PartitionFSM, logs []*raft.Log) (v any) {
	defer func() { v = recover() }()
	f.ApplyBatch(logs)
	return nil
}

// TestStorageFailureStopsReplicaAndReplayRestoresIt is a replica whose disk
// fails: applying must not return (raft would count the entries as
// applied), and after a restart on a healthy disk replaying the log gives
// the whole state.
func TestStorageFailureStopsReplicaAndReplayRestoresIt(t *testing.T) {
	mem := vfs.NewCrashableMem()
	disk := faultfs.New(mem)
	old, p := openOn(t, disk)
	defer closeBroken(t, old, disk)
	f := New(p)
	p.SetSync(true) // surface the failure in the commit itself, deterministically
	log := []*raft.Log{addLog(1, "1"), addLog(2, "2"), addLog(3, "3"), addLog(4, "4"), addLog(5, "5")}
	f.ApplyBatch(log[:2])

	disk.Set(faultfs.Setting{Fail: true})
	v := applyPanic(f, log[2:4])
	if v == nil || !strings.Contains(fmt.Sprint(v), "input/output error") {
		t.Fatalf("apply on a failing disk panicked with %v, want an I/O error panic", v)
	}
	if f.AppliedIndex() != 2 {
		t.Fatalf("applied index %d after the failed batch, want 2", f.AppliedIndex())
	}

	// Restart: only what was synced survives; raft replays its whole log.
	db, p2 := openOn(t, mem.CrashClone(vfs.CrashCloneCfg{}))
	defer db.Close()
	f2 := New(p2)
	if got := f2.AppliedIndex(); got != 2 {
		t.Fatalf("applied index after restart %d, want 2", got)
	}
	f2.ApplyBatch(log)
	if f2.AppliedIndex() != 5 || counter(t, f2) != "15" {
		t.Fatalf("after replay: applied %d counter %s, want 5 15", f2.AppliedIndex(), counter(t, f2))
	}
}

// TestRejectedBatchPanics checks that ApplyBatch never skips a batch the
// partition refused: it stops with the reason.
func TestRejectedBatchPanics(t *testing.T) {
	f := newFSM(t)
	v := applyPanic(f, []*raft.Log{addLog(2, "1"), addLog(1, "1")})
	if v == nil || !strings.Contains(fmt.Sprint(v), "fsm: cannot apply log indexes 2-1") {
		t.Fatalf("panic = %v, want the fsm's refusal", v)
	}
	if f.AppliedIndex() != 0 {
		t.Fatalf("applied index %d, want 0", f.AppliedIndex())
	}
}
