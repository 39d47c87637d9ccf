package partition

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestApplyEntries(t *testing.T) {
	add := func(n string) *Command {
		return &Command{Op: OpUpdate, Item: item("id", attr.Str("c")), Update: "ADD n :n",
			Values: map[string]attr.Value{":n": num(n)}, ReturnValues: ReturnUpdatedNew}
	}
	steps := []struct {
		name        string
		entries     []Entry
		wantErr     bool
		wantApplied uint64
		wantN       string // counter after the step
		wantResults []string
	}{
		{name: "gaps between indexes", entries: []Entry{{3, add("1")}, {7, add("2")}},
			wantApplied: 7, wantN: "3", wantResults: []string{"1", "3"}},
		{name: "replayed entries skipped", entries: []Entry{{3, add("100")}, {7, add("100")}, {8, add("4")}},
			wantApplied: 8, wantN: "7", wantResults: []string{"", "", "7"}},
		{name: "all replayed", entries: []Entry{{8, add("100")}},
			wantApplied: 8, wantN: "7", wantResults: []string{""}},
		{name: "decreasing indexes rejected", entries: []Entry{{10, add("1")}, {9, add("1")}},
			wantErr: true, wantApplied: 8, wantN: "7"},
		{name: "equal indexes rejected", entries: []Entry{{10, add("1")}, {10, add("1")}},
			wantErr: true, wantApplied: 8, wantN: "7"},
		{name: "empty", entries: nil, wantApplied: 8, wantN: "7"},
	}
	p := newPartition(t, hashOnly)
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res, err := p.ApplyEntries(st.entries)
			if (err != nil) != st.wantErr {
				t.Fatalf("ApplyEntries error = %v, want error %v", err, st.wantErr)
			}
			for i, want := range st.wantResults {
				if got := res[i].Attributes["n"].S; got != want {
					t.Errorf("result %d = %q, want %q", i, got, want)
				}
			}
			if p.AppliedIndex() != st.wantApplied {
				t.Errorf("applied = %d, want %d", p.AppliedIndex(), st.wantApplied)
			}
			it, _ := p.Get(item("id", attr.Str("c")))
			if got := it["n"].S; got != st.wantN {
				t.Errorf("counter = %q, want %q", got, st.wantN)
			}
		})
	}
}

// TestUnsyncedApply checks SetSync(false): a crash of the machine may drop
// the unsynced tail, but the applied index always drops with its data, and
// a clean close keeps everything.
func TestUnsyncedApply(t *testing.T) {
	for _, unsynced := range []int{0, 50, 100} {
		t.Run(fmt.Sprintf("crash/unsynced=%d%%", unsynced), func(t *testing.T) {
			fs := vfs.NewCrashableMem()
			p := openUnsynced(t, fs)
			fillPartition(t, p, "k", 10)
			rng := rand.New(rand.NewPCG(1, uint64(unsynced)))
			q := reopen(t, fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: unsynced, RNG: rng}))
			items, _ := q.Stats()
			if int64(q.AppliedIndex()) != items || items > 10 {
				t.Fatalf("applied %d does not match %d items", q.AppliedIndex(), items)
			}
		})
	}
	t.Run("clean close", func(t *testing.T) {
		fs := vfs.NewMem()
		db := openMemDB(t, fs)
		p, err := Open(db, 3, hashOnly)
		if err != nil {
			t.Fatal(err)
		}
		p.SetSync(false)
		fillPartition(t, p, "k", 10)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		q := reopen(t, fs)
		if items, _ := q.Stats(); items != 10 || q.AppliedIndex() != 10 {
			t.Fatalf("after reopening: %d items at index %d, want 10 at 10", items, q.AppliedIndex())
		}
	})
}

func openUnsynced(t *testing.T, fs vfs.FS) *Partition {
	t.Helper()
	db := openMemDB(t, fs)
	t.Cleanup(func() { db.Close() })
	p, err := Open(db, 3, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSync(false)
	return p
}

func reopen(t *testing.T, fs vfs.FS) *Partition {
	t.Helper()
	db := openMemDB(t, fs)
	t.Cleanup(func() { db.Close() })
	p, err := Open(db, 3, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
