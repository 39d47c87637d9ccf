package pebblelog

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Tuning of a database that holds only Raft logs: entries are written
// once, read back mostly from raft's own cache and deleted in ranges when
// snapshots compact the logs, so a small block cache does.
const (
	cacheBytes    = 8 << 20
	memTableBytes = 32 << 20
)

// OpenDB opens (creating it if needed) the log database in dir on fs
// (nil: the operating system's), logging to logger (nil: Pebble's default
// logger). The caller closes it.
func OpenDB(dir string, fs vfs.FS, logger pebble.Logger) (*pebble.DB, error) {
	cache := pebble.NewCache(cacheBytes)
	defer cache.Unref() // the database holds its own reference
	o := &pebble.Options{FS: fs, Cache: cache, MemTableSize: memTableBytes, Logger: logger}
	db, err := pebble.Open(dir, o)
	if err != nil {
		return nil, fmt.Errorf("pebblelog: open %s: %w", dir, err)
	}
	return db, nil
}
