package faultfs

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// writeOps are every call the fault applies to, on an open file.
var writeOps = []struct {
	name string
	do   func(f vfs.File) error
}{
	{"Write", func(f vfs.File) error { _, err := f.Write([]byte("x")); return err }},
	{"WriteAt", func(f vfs.File) error { _, err := f.WriteAt([]byte("x"), 0); return err }},
	{"Sync", func(f vfs.File) error { return f.Sync() }},
	{"SyncData", func(f vfs.File) error { return f.SyncData() }},
	{"SyncTo", func(f vfs.File) error { _, err := f.SyncTo(1); return err }},
}

func create(t *testing.T, fs *FS, name string) vfs.File {
	t.Helper()
	f, err := fs.Create(name, vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatalf("Create(%s): %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFailReturnsEIOUntilCleared(t *testing.T) {
	fs := New(vfs.NewMem())
	f := create(t, fs, "a")
	fs.Set(Setting{Fail: true})
	for _, op := range writeOps {
		if err := op.do(f); !errors.Is(err, syscall.EIO) {
			t.Errorf("%s while failing: got %v, want an error wrapping EIO", op.name, err)
		}
	}
	if _, err := fs.Create("b", vfs.WriteCategoryUnspecified); !errors.Is(err, syscall.EIO) {
		t.Errorf("Create while failing: got %v, want an error wrapping EIO", err)
	}
	if st, err := f.Stat(); err != nil || st.Size() != 0 {
		t.Errorf("failed writes reached the file: size %d, err %v", st.Size(), err)
	}
	fs.Set(Setting{})
	for _, op := range writeOps {
		if err := op.do(f); err != nil {
			t.Errorf("%s after clearing: %v", op.name, err)
		}
	}
	create(t, fs, "b")
}

func TestReadsPassThroughWhileFailing(t *testing.T) {
	fs := New(vfs.NewMem())
	f := create(t, fs, "a")
	if _, err := f.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	fs.Set(Setting{Fail: true})
	r, err := fs.Open("a")
	if err != nil {
		t.Fatalf("Open while failing: %v", err)
	}
	defer r.Close()
	buf := make([]byte, 5)
	if _, err := r.ReadAt(buf, 0); err != nil || string(buf) != "hello" {
		t.Errorf("ReadAt while failing = %q, %v; want hello", buf, err)
	}
}

func TestDelayIsAddedToEveryWriteAndSync(t *testing.T) {
	const delay = 20 * time.Millisecond
	fs := New(vfs.NewMem())
	f := create(t, fs, "a")
	fs.Set(Setting{Delay: delay})
	for _, op := range writeOps {
		start := time.Now()
		if err := op.do(f); err != nil {
			t.Fatalf("%s: %v", op.name, err)
		}
		if took := time.Since(start); took < delay {
			t.Errorf("%s took %v, want at least the %v delay", op.name, took, delay)
		}
	}
	if got := fs.Setting(); got != (Setting{Delay: delay}) {
		t.Errorf("Setting() = %+v", got)
	}
}

func TestSettingJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Setting
		wantErr bool
	}{
		{`{"delay":"50ms","fail":false}`, Setting{Delay: 50 * time.Millisecond}, false},
		{`{"fail":true}`, Setting{Fail: true}, false},
		{`{"delay":"1s","fail":true}`, Setting{Delay: time.Second, Fail: true}, false},
		{`{"delay":"soon"}`, Setting{}, true},
		{`{"delay":"-1ms"}`, Setting{}, true},
		{`[1]`, Setting{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var s Setting
			err := json.Unmarshal([]byte(tt.in), &s)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if s != tt.want {
				t.Errorf("got %+v, want %+v", s, tt.want)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var back Setting
			if err := json.Unmarshal(b, &back); err != nil || back != s {
				t.Errorf("round trip through %s = %+v, %v", b, back, err)
			}
		})
	}
	b, _ := json.Marshal(Setting{Delay: 50 * time.Millisecond})
	if string(b) != `{"delay":"50ms","fail":false}` {
		t.Errorf("Marshal = %s", b)
	}
}

// TestConcurrentSetDuringWrites is meant for -race: writers and a setter
// share the FS.
func TestConcurrentSetDuringWrites(t *testing.T) {
	fs := New(vfs.NewMem())
	var wg sync.WaitGroup
	for w := range 4 {
		f := create(t, fs, fmt.Sprint("f", w))
		wg.Go(func() {
			for range 500 {
				_, err := f.Write([]byte("x"))
				if err != nil && !errors.Is(err, syscall.EIO) {
					t.Errorf("write: %v", err)
					return
				}
				_ = f.Sync()
			}
		})
	}
	wg.Go(func() {
		for i := range 500 {
			fs.Set(Setting{Fail: i%2 == 0})
			_ = fs.Setting()
		}
	})
	wg.Wait()
}
