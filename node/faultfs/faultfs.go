package faultfs

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Setting is the fault applied to writes and syncs. Its JSON form is
// {"delay":"50ms","fail":false}, the delay written as a Go duration.
type Setting struct {
	// Delay is added to every write, sync and file creation.
	Delay time.Duration
	// Fail makes every write, sync and file creation return an error
	// wrapping syscall.EIO.
	Fail bool
}

// settingJSON is Setting's wire form.
type settingJSON struct {
	Delay string `json:"delay"`
	Fail  bool   `json:"fail"`
}

// MarshalJSON writes s as {"delay":"50ms","fail":false}.
func (s Setting) MarshalJSON() ([]byte, error) {
	return json.Marshal(settingJSON{Delay: s.Delay.String(), Fail: s.Fail})
}

// UnmarshalJSON reads {"delay":"50ms","fail":false}; a missing or empty
// delay is zero, a negative one is an error.
func (s *Setting) UnmarshalJSON(b []byte) error {
	var w settingJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("faultfs: setting: %w", err)
	}
	var d time.Duration
	if w.Delay != "" {
		var err error
		if d, err = time.ParseDuration(w.Delay); err != nil {
			return fmt.Errorf("faultfs: setting: delay: %w", err)
		}
	}
	if d < 0 {
		return fmt.Errorf("faultfs: setting: delay %v is negative", d)
	}
	*s = Setting{Delay: d, Fail: w.Fail}
	return nil
}

// FS wraps a vfs.FS and applies the current Setting to writes and syncs
// of every file it opens or creates.
type FS struct {
	vfs.FS
	setting atomic.Pointer[Setting]
}

var _ vfs.FS = (*FS)(nil)

// New wraps inner with no fault set.
func New(inner vfs.FS) *FS {
	fs := &FS{FS: inner}
	fs.setting.Store(&Setting{})
	return fs
}

// Set replaces the fault; calls that start afterwards see it.
func (fs *FS) Set(s Setting) { fs.setting.Store(&s) }

// Setting returns the current fault.
func (fs *FS) Setting() Setting { return *fs.setting.Load() }

// Unwrap returns the wrapped FS (see vfs.Root).
func (fs *FS) Unwrap() vfs.FS { return fs.FS }

// inject applies the current fault to one operation: it waits out the
// delay, then fails when failing is set.
func (fs *FS) inject(op, name string) error {
	s := fs.setting.Load()
	if s.Delay > 0 {
		time.Sleep(s.Delay) // the injected latency itself
	}
	if s.Fail {
		return fmt.Errorf("faultfs: %s %s: %w", op, name, syscall.EIO)
	}
	return nil
}

// wrap returns f with faults applied, or f's error as is.
func (fs *FS) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return &file{File: f, fs: fs, name: name}, nil
}

// Create creates a file, after the fault.
func (fs *FS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	if err := fs.inject("create", name); err != nil {
		return nil, err
	}
	f, err := fs.FS.Create(name, category)
	return fs.wrap(name, f, err)
}

// ReuseForWrite reuses a file for writing, after the fault.
func (fs *FS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	if err := fs.inject("create", newname); err != nil {
		return nil, err
	}
	f, err := fs.FS.ReuseForWrite(oldname, newname, category)
	return fs.wrap(newname, f, err)
}

// Open opens a file whose syncs see the fault.
func (fs *FS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.Open(name, opts...)
	return fs.wrap(name, f, err)
}

// OpenReadWrite opens a file whose writes and syncs see the fault.
func (fs *FS) OpenReadWrite(name string, category vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.OpenReadWrite(name, category, opts...)
	return fs.wrap(name, f, err)
}

// OpenDir opens a directory whose syncs see the fault.
func (fs *FS) OpenDir(name string) (vfs.File, error) {
	f, err := fs.FS.OpenDir(name)
	return fs.wrap(name, f, err)
}

// file applies its FS's fault to writes and syncs.
type file struct {
	vfs.File
	fs   *FS
	name string
}

var _ vfs.File = (*file)(nil)

func (f *file) Write(p []byte) (int, error) {
	if err := f.fs.inject("write", f.name); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *file) WriteAt(p []byte, off int64) (int, error) {
	if err := f.fs.inject("write", f.name); err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}

func (f *file) Sync() error {
	if err := f.fs.inject("sync", f.name); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *file) SyncData() error {
	if err := f.fs.inject("sync", f.name); err != nil {
		return err
	}
	return f.File.SyncData()
}

func (f *file) SyncTo(length int64) (bool, error) {
	if err := f.fs.inject("sync", f.name); err != nil {
		return false, err
	}
	return f.File.SyncTo(length)
}
