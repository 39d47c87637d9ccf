package node

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// storeDir is the Pebble directory inside the data directory.
const storeDir = "store"

// Store tuning: one cache and memtable budget for every partition of a node.
const (
	cacheBytes    = 128 << 20
	memTableBytes = 64 << 20
)

// openStore opens the node's Pebble database on fs (nil: the operating
// system's filesystem). Writes committed with pebble.Sync are in the
// write-ahead log on disk, so they survive kill -9. A write-ahead-log write
// or sync that fails stops the process: Pebble panics, or calls
// pebbleLogger.Fatalf, which panics; on restart Raft replays what the
// store lost.
func openStore(dataDir string, fs vfs.FS, log *slog.Logger) (*pebble.DB, error) {
	cache := pebble.NewCache(cacheBytes)
	defer cache.Unref() // the DB holds its own reference
	opts := &pebble.Options{
		FS:           fs,
		Cache:        cache,
		MemTableSize: memTableBytes,
		BytesPerSync: 1 << 20,
		Logger:       pebbleLogger{log.With("component", "pebble")},
	}
	path := filepath.Join(dataDir, storeDir)
	db, err := pebble.Open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("node: open store %s: %w", path, err)
	}
	return db, nil
}

// pebbleLogger sends Pebble's logs to slog.
type pebbleLogger struct{ log *slog.Logger }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug(fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error(fmt.Sprintf(format, args...))
}

// Fatalf logs and panics: Pebble calls it on corruption and on write or
// sync failures it cannot survive, and expects the call not to return. The
// process stops; on restart Raft replays what the store lost.
func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.log.Error(msg)
	panic("pebble: " + msg)
}
