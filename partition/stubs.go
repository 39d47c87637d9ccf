package partition

import (
	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Partition is one key range's state machine.
type Partition struct{}

// Open returns the partition id stored in db, with the given key schema.
func Open(db *pebble.DB, id uint64, key schema.KeySchema) (*Partition, error) {
	panic("partition: not written")
}

// ApplyBatch applies commands with log indexes first, first+1, ... in one
// synced storage batch and returns one Result each. Commands at or below
// AppliedIndex are skipped (their Result is zero).
func (p *Partition) ApplyBatch(first uint64, cmds []*Command) ([]Result, error) {
	panic("partition: not written")
}

// AppliedIndex is the index of the last applied command.
func (p *Partition) AppliedIndex() uint64 { panic("partition: not written") }

// Get returns the item with the given primary key, or nil.
func (p *Partition) Get(key attr.Item) (attr.Item, error) { panic("partition: not written") }

// Query returns one page of items of one partition key.
func (p *Partition) Query(in *QueryInput) (*Page, error) { panic("partition: not written") }

// Scan returns one page of a scan.
func (p *Partition) Scan(in *ScanInput) (*Page, error) { panic("partition: not written") }

// Stats returns the partition's item count and total item size in bytes.
func (p *Partition) Stats() (items, bytes int64) { panic("partition: not written") }

// Drop deletes every item and the partition's metadata (DeleteTable).
func (p *Partition) Drop() error { panic("partition: not written") }
