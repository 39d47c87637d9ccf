package partition

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Partition is one key range's state machine.
type Partition struct {
	db *pebble.DB
	id uint64
	ks keyspace

	noSync atomic.Bool // see SetSync

	mu   sync.Mutex // guards meta
	meta meta
}

// Open returns the partition id stored in db, with the given key schema.
// A partition that was never written starts empty at applied index 0.
func Open(db *pebble.DB, id uint64, key schema.KeySchema) (*Partition, error) {
	p := &Partition{db: db, id: id, ks: keyspace{prefix: partitionPrefix(id), schema: key}}
	raw, err := getCopy(db, p.ks.metaKey())
	if err != nil {
		return nil, fmt.Errorf("partition %d: read metadata: %w", id, err)
	}
	if raw != nil {
		if p.meta, err = decodeMeta(raw); err != nil {
			return nil, fmt.Errorf("partition %d: %w", id, err)
		}
	}
	return p, nil
}

// getter is what a point read needs: a DB, a batch or a snapshot.
type getter interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

// getCopy returns a copy of the value at key, or nil when there is none.
func getCopy(g getter, key []byte) ([]byte, error) {
	v, closer, err := g.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return bytes.Clone(v), nil
}

// getItem reads and decodes the item at storage key k, or nil.
func getItem(g getter, k []byte) (attr.Item, error) {
	raw, err := getCopy(g, k)
	if err != nil || raw == nil {
		return nil, err
	}
	it, err := attr.DecodeItem(raw)
	if err != nil {
		return nil, fmt.Errorf("partition: decode item %x: %w", k, err)
	}
	return it, nil
}

// AppliedIndex is the index of the last applied command.
func (p *Partition) AppliedIndex() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.meta.applied
}

// Stats returns the partition's item count and total item size in bytes.
func (p *Partition) Stats() (items, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.meta.items, p.meta.bytes
}

// Get returns the item with the given primary key, or nil. A key that does
// not match the schema is a ValidationException.
func (p *Partition) Get(key attr.Item) (attr.Item, error) {
	k, err := p.ks.itemKey(key)
	if err != nil {
		return nil, err
	}
	return getItem(p.db, k)
}

// GetEncoded returns the storage encoding (attr.AppendItem) of the item
// with key's key attributes, or nil when there is none. The slice is the
// caller's.
func (p *Partition) GetEncoded(key attr.Item) ([]byte, error) {
	k, err := p.ks.itemKey(key)
	if err != nil {
		return nil, err
	}
	return getCopy(p.db, k)
}

// Drop deletes every item and the partition's metadata (DeleteTable). Like
// ApplyBatch, it must not run concurrently with other writes.
func (p *Partition) Drop() error {
	end := keyenc.PrefixEnd(p.ks.prefix)
	if err := p.db.DeleteRange(p.ks.prefix, end, pebble.Sync); err != nil {
		return fmt.Errorf("partition %d: drop: %w", p.id, err)
	}
	p.mu.Lock()
	p.meta = meta{}
	p.mu.Unlock()
	return nil
}
