package partition

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Entry is one command at its replication log index. A replication log
// delivers only command entries to the state machine, so the indexes of
// consecutive entries increase but may leave gaps.
type Entry struct {
	Index uint64
	Cmd   *Command
}

// SetSync chooses whether write batches are synced to disk before
// ApplyEntries returns (the default). A replicated partition, whose durable
// record is the replication log, may turn syncing off: after a crash it
// replays the entries above its AppliedIndex. Restore and Drop always sync.
func (p *Partition) SetSync(sync bool) {
	p.noSync.Store(!sync)
}

func (p *Partition) writeOptions() *pebble.WriteOptions {
	if p.noSync.Load() {
		return pebble.NoSync
	}
	return pebble.Sync
}

// ApplyEntries applies entries, whose indexes must strictly increase, in one
// storage batch and returns one Result each. Entries at or below
// AppliedIndex are skipped (their Result is zero); afterwards AppliedIndex
// is the last entry's index. Later entries see the effects of earlier ones.
// A storage fault is returned as the error, and then nothing of the batch is
// applied.
func (p *Partition) ApplyEntries(entries []Entry) ([]Result, error) {
	if err := checkIncreasing(entries); err != nil {
		return nil, fmt.Errorf("partition %d: %w", p.id, err)
	}
	results := make([]Result, len(entries))
	m := p.currentMeta()
	b := p.db.NewIndexedBatch()
	defer b.Close()
	applied := false
	for i, e := range entries {
		if e.Index <= m.applied {
			continue
		}
		res, err := p.apply(b, &m, e.Cmd)
		if err != nil {
			return nil, fmt.Errorf("partition %d: apply index %d: %w", p.id, e.Index, err)
		}
		res.Index = e.Index
		results[i] = res
		m.applied = e.Index
		applied = true
	}
	if !applied {
		return results, nil
	}
	if err := p.commitMeta(b, m); err != nil {
		return nil, err
	}
	return results, nil
}

// checkIncreasing reports entries whose indexes do not strictly increase.
func checkIncreasing(entries []Entry) error {
	for i := 1; i < len(entries); i++ {
		if entries[i].Index <= entries[i-1].Index {
			return fmt.Errorf("entry index %d follows %d", entries[i].Index, entries[i-1].Index)
		}
	}
	return nil
}

// commitMeta writes m into b, commits b and publishes m.
func (p *Partition) commitMeta(b *pebble.Batch, m meta) error {
	if err := b.Set(p.ks.metaKey(), m.encode(), nil); err != nil {
		return fmt.Errorf("partition %d: write metadata: %w", p.id, err)
	}
	if err := b.Commit(p.writeOptions()); err != nil {
		return fmt.Errorf("partition %d: commit: %w", p.id, err)
	}
	p.mu.Lock()
	p.meta = m
	p.mu.Unlock()
	return nil
}
