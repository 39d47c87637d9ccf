package pebblelog

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/hashicorp/raft"
)

// openDB opens a log database in dir, closed when the test ends unless
// the returned close function ran first.
func openDB(t testing.TB, dir string) (*pebble.DB, func()) {
	t.Helper()
	db, err := OpenDB(dir, nil, quietLogger{t})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	closeDB := func() {
		once.Do(func() {
			if err := db.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(closeDB)
	return db, closeDB
}

// openStore opens group in a fresh database.
func openStore(t testing.TB, group string) (*Stores, *Store) {
	t.Helper()
	db, _ := openDB(t, t.TempDir())
	ss := New(db)
	st, err := ss.Open(group)
	if err != nil {
		t.Fatal(err)
	}
	return ss, st
}

func entry(i uint64) *raft.Log {
	return &raft.Log{Index: i, Term: i/10 + 1, Type: raft.LogCommand, Data: []byte(fmt.Sprint("cmd-", i)),
		AppendedAt: time.Unix(1700000000, int64(i))}
}

func entries(lo, hi uint64) []*raft.Log {
	var out []*raft.Log
	for i := lo; i <= hi; i++ {
		out = append(out, entry(i))
	}
	return out
}

// assertBounds checks FirstIndex and LastIndex.
func assertBounds(t *testing.T, st *Store, first, last uint64) {
	t.Helper()
	f, err := st.FirstIndex()
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.LastIndex()
	if err != nil {
		t.Fatal(err)
	}
	if f != first || l != last {
		t.Fatalf("bounds = %d..%d, want %d..%d", f, l, first, last)
	}
}

// assertHolds checks that exactly the entries lo..hi are readable among
// 1..limit.
func assertHolds(t *testing.T, st *Store, lo, hi, limit uint64) {
	t.Helper()
	for i := uint64(1); i <= limit; i++ {
		var got raft.Log
		err := st.GetLog(i, &got)
		switch {
		case i >= lo && i <= hi && err != nil:
			t.Fatalf("GetLog(%d): %v", i, err)
		case i >= lo && i <= hi:
			assertLogEqual(t, &got, entry(i))
		case !errors.Is(err, raft.ErrLogNotFound):
			t.Fatalf("GetLog(%d) = %v, want ErrLogNotFound", i, err)
		}
	}
}

func TestEmptyStore(t *testing.T) {
	_, st := openStore(t, "1")
	assertBounds(t, st, 0, 0)
	if err := st.GetLog(1, &raft.Log{}); !errors.Is(err, raft.ErrLogNotFound) {
		t.Fatalf("GetLog on an empty store = %v", err)
	}
	if _, err := st.Get([]byte("k")); err == nil || err.Error() != "not found" {
		t.Fatalf("Get of a missing key = %v, want raft's \"not found\"", err)
	}
	if v, err := st.GetUint64([]byte("k")); v != 0 || err == nil || err.Error() != "not found" {
		t.Fatalf("GetUint64 of a missing key = %d, %v", v, err)
	}
	has, err := raft.HasExistingState(st, st, raft.NewInmemSnapshotStore())
	if err != nil || has {
		t.Fatalf("HasExistingState = %v, %v on an empty store", has, err)
	}
}

func TestStoreLogs(t *testing.T) {
	cases := []struct {
		name        string
		batches     [][]*raft.Log
		first, last uint64
	}{
		{"one entry", [][]*raft.Log{{entry(1)}}, 1, 1},
		{"one batch", [][]*raft.Log{entries(1, 10)}, 1, 10},
		{"several batches", [][]*raft.Log{entries(1, 3), entries(4, 4), entries(5, 9)}, 1, 9},
		{"starting past 1", [][]*raft.Log{entries(100, 120)}, 100, 120},
		{"overwrite", [][]*raft.Log{entries(1, 5), entries(3, 5)}, 1, 5},
		{"empty batch", [][]*raft.Log{entries(1, 2), {}}, 1, 2},
		{"unordered batch", [][]*raft.Log{{entry(5), entry(3), entry(4)}}, 3, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, st := openStore(t, "7")
			for _, b := range tc.batches {
				var err error
				if len(b) == 1 {
					err = st.StoreLog(b[0])
				} else {
					err = st.StoreLogs(b)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			assertBounds(t, st, tc.first, tc.last)
			assertHolds(t, st, tc.first, tc.last, tc.last+2)
		})
	}
}

func TestDeleteRange(t *testing.T) {
	cases := []struct {
		name          string
		min, max      uint64
		first, last   uint64 // bounds after
		holdLo, holdH uint64 // entries still readable (lo > hi: none)
	}{
		{"head (compaction)", 1, 6, 7, 20, 7, 20},
		{"tail (conflict)", 15, 20, 1, 14, 1, 14},
		{"past the tail", 18, ^uint64(0), 1, 17, 1, 17},
		{"everything", 1, 20, 0, 0, 1, 0},
		{"beyond everything", 0, 100, 0, 0, 1, 0},
		{"nothing (min > max)", 5, 4, 1, 20, 1, 20},
		{"outside the log", 30, 40, 1, 20, 1, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, st := openStore(t, "catalog")
			if err := st.StoreLogs(entries(1, 20)); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteRange(tc.min, tc.max); err != nil {
				t.Fatal(err)
			}
			assertBounds(t, st, tc.first, tc.last)
			assertHolds(t, st, tc.holdLo, tc.holdH, 22)
		})
	}
}

// TestDeleteThenAppend follows raft's handling of a conflicting tail and
// of a compaction that empties the log: new entries land after it.
func TestDeleteThenAppend(t *testing.T) {
	_, st := openStore(t, "3")
	steps := []struct {
		del         [2]uint64
		add         []*raft.Log
		first, last uint64
	}{
		{[2]uint64{8, 10}, entries(8, 12), 1, 12},
		{[2]uint64{1, 12}, entries(13, 15), 13, 15},
	}
	if err := st.StoreLogs(entries(1, 10)); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if err := st.DeleteRange(s.del[0], s.del[1]); err != nil {
			t.Fatal(err)
		}
		if err := st.StoreLogs(s.add); err != nil {
			t.Fatal(err)
		}
		assertBounds(t, st, s.first, s.last)
		assertHolds(t, st, s.first, s.last, s.last+1)
	}
}

func TestStable(t *testing.T) {
	cases := []struct {
		name string
		set  func(st *Store) error
		get  func(st *Store) (any, error)
		want any
	}{
		{"bytes", func(st *Store) error { return st.Set([]byte("k"), []byte("v")) },
			func(st *Store) (any, error) { v, err := st.Get([]byte("k")); return string(v), err }, "v"},
		{"empty value", func(st *Store) error { return st.Set([]byte("k"), nil) },
			func(st *Store) (any, error) { v, err := st.Get([]byte("k")); return fmt.Sprintf("%q", v), err }, `""`},
		{"overwrite", func(st *Store) error {
			return errors.Join(st.Set([]byte("k"), []byte("a")), st.Set([]byte("k"), []byte("b")))
		}, func(st *Store) (any, error) { v, err := st.Get([]byte("k")); return string(v), err }, "b"},
		{"uint64", func(st *Store) error { return st.SetUint64([]byte("CurrentTerm"), 1<<40+3) },
			func(st *Store) (any, error) { return st.GetUint64([]byte("CurrentTerm")) }, uint64(1<<40 + 3)},
		{"uint64 zero", func(st *Store) error { return st.SetUint64([]byte("t"), 0) },
			func(st *Store) (any, error) { return st.GetUint64([]byte("t")) }, uint64(0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, st := openStore(t, "9")
			if err := tc.set(st); err != nil {
				t.Fatal(err)
			}
			got, err := tc.get(st)
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
			if n, _ := st.LastIndex(); n != 0 {
				t.Fatalf("a stable write changed the log: last index %d", n)
			}
		})
	}
}

// TestGetUint64OfBytes rejects a value that is not 8 bytes.
func TestGetUint64OfBytes(t *testing.T) {
	_, st := openStore(t, "9")
	if err := st.Set([]byte("k"), []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetUint64([]byte("k")); err == nil {
		t.Fatal("GetUint64 of a 3-byte value succeeded")
	}
}

// TestGroupsAreIsolated stores in groups whose names prefix one another
// and checks that none sees another's logs or values.
func TestGroupsAreIsolated(t *testing.T) {
	db, _ := openDB(t, t.TempDir())
	ss := New(db)
	groups := []string{"4", "42", "420", "catalog"}
	stores := map[string]*Store{}
	for i, g := range groups {
		st, err := ss.Open(g)
		if err != nil {
			t.Fatal(err)
		}
		stores[g] = st
		lo, hi := uint64(10*i+1), uint64(10*i+5)
		if err := errors.Join(st.StoreLogs(entries(lo, hi)), st.Set([]byte("name"), []byte(g))); err != nil {
			t.Fatal(err)
		}
	}
	if err := stores["42"].DeleteRange(0, ^uint64(0)); err != nil {
		t.Fatal(err)
	}
	for i, g := range groups {
		st := stores[g]
		lo, hi := uint64(10*i+1), uint64(10*i+5)
		if g == "42" {
			assertBounds(t, st, 0, 0)
			assertHolds(t, st, 1, 0, 50)
		} else {
			assertBounds(t, st, lo, hi)
			assertHolds(t, st, lo, hi, 50)
		}
		if v, err := st.Get([]byte("name")); err != nil || string(v) != g {
			t.Errorf("group %s reads name %q, %v", g, v, err)
		}
	}
}

// TestReopen closes the database and checks that logs, bounds after a
// compaction and stable values persist.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	db, closeDB := openDB(t, dir)
	st, err := New(db).Open("5")
	if err != nil {
		t.Fatal(err)
	}
	err = errors.Join(st.StoreLogs(entries(1, 30)), st.DeleteRange(1, 10), st.SetUint64([]byte("term"), 4), st.Close())
	if err != nil {
		t.Fatal(err)
	}
	closeDB()
	db, _ = openDB(t, dir)
	st, err = New(db).Open("5")
	if err != nil {
		t.Fatal(err)
	}
	assertBounds(t, st, 11, 30)
	assertHolds(t, st, 11, 30, 31)
	if v, err := st.GetUint64([]byte("term")); v != 4 || err != nil {
		t.Fatalf("term after reopen = %d, %v", v, err)
	}
}

// TestOpenCloseDrop covers a group's life: one open Store at a time, no
// use after Close, and Drop removing its keys but no other group's.
func TestOpenCloseDrop(t *testing.T) {
	db, _ := openDB(t, t.TempDir())
	ss := New(db)
	st, err := ss.Open("1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ss.Open("2")
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(st.StoreLogs(entries(1, 5)), st.Set([]byte("k"), []byte("v")), other.StoreLogs(entries(1, 3))); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Open("1"); !errors.Is(err, ErrGroupOpen) {
		t.Fatalf("second Open = %v, want ErrGroupOpen", err)
	}
	if err := ss.Drop("1"); !errors.Is(err, ErrGroupOpen) {
		t.Fatalf("Drop of an open group = %v, want ErrGroupOpen", err)
	}
	if err := errors.Join(st.Close(), st.Close()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := st.LastIndex(); !errors.Is(err, ErrClosed) {
		t.Fatalf("LastIndex after Close = %v", err)
	}
	if err := st.StoreLog(entry(6)); !errors.Is(err, ErrClosed) {
		t.Fatalf("StoreLog after Close = %v", err)
	}
	if err := ss.Drop("1"); err != nil {
		t.Fatal(err)
	}
	st, err = ss.Open("1")
	if err != nil {
		t.Fatal(err)
	}
	assertBounds(t, st, 0, 0)
	if _, err := st.Get([]byte("k")); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("Get after Drop = %v", err)
	}
	assertBounds(t, other, 1, 3)
	for _, bad := range []string{"", "a/b"} {
		if _, err := ss.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

// TestConcurrentGroupsShareSyncs appends from many groups at once and
// checks the counters: every append is a commit, and the WAL synced at
// least once but no more often than there were commits.
func TestConcurrentGroupsShareSyncs(t *testing.T) {
	db, _ := openDB(t, t.TempDir())
	ss := New(db)
	before := ss.Counters()
	const groups, appends = 8, 20
	var wg sync.WaitGroup
	for g := range groups {
		st, err := ss.Open(fmt.Sprint(g))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(1); i <= appends; i++ {
				if err := st.StoreLog(entry(i)); err != nil {
					t.Errorf("StoreLog: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	after := ss.Counters()
	commits, syncs := after.Commits-before.Commits, after.WALSyncs-before.WALSyncs
	if commits != groups*appends {
		t.Errorf("%d commits, want %d", commits, groups*appends)
	}
	if syncs == 0 || syncs > commits {
		t.Errorf("%d WAL syncs for %d synced commits", syncs, commits)
	}
	t.Logf("%d commits shared %d WAL syncs", commits, syncs)
}

// quietLogger keeps Pebble's informational messages out of the test log.
type quietLogger struct{ t testing.TB }

func (quietLogger) Infof(string, ...any)                {}
func (l quietLogger) Errorf(format string, args ...any) { l.t.Logf(format, args...) }
func (l quietLogger) Fatalf(format string, args ...any) { l.t.Fatalf(format, args...) }

func TestOpenDBCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "raftlog")
	db, closeDB := openDB(t, dir)
	st, err := New(db).Open("1")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.StoreLog(entry(1)); err != nil {
		t.Fatal(err)
	}
	closeDB()
}
