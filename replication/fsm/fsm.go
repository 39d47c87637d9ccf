package fsm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/hashicorp/raft"
)

// PartitionFSM is the raft state machine of one partition replica.
type PartitionFSM struct {
	p *partition.Partition

	mu      sync.Mutex
	applied uint64        // last log index covered: commands and configuration entries
	notify  chan struct{} // closed and replaced whenever applied advances
}

var _ raft.BatchingFSM = (*PartitionFSM)(nil)

// New returns the state machine of p. Commits need not be synced, because
// the raft log is the durable record: New turns p's syncing off.
func New(p *partition.Partition) *PartitionFSM {
	p.SetSync(false)
	return &PartitionFSM{p: p, applied: p.AppliedIndex(), notify: make(chan struct{})}
}

// Partition returns the state machine's partition, for reads.
func (f *PartitionFSM) Partition() *partition.Partition { return f.p }

// ApplyBatch applies committed entries in one storage batch and returns, per
// log, a partition.Result for a command, an error wrapping
// partition.ErrBadCommand for a malformed command, or nil for a
// configuration entry.
//
// It panics when the partition cannot apply the batch (a storage failure):
// raft would count the entries as applied, so returning would leave this
// replica without them for good. The process stops instead, and on restart
// raft replays every entry above the partition's applied index.
func (f *PartitionFSM) ApplyBatch(logs []*raft.Log) []any {
	out := make([]any, len(logs))
	entries, slots := decodeEntries(logs, out)
	results, err := f.p.ApplyEntries(entries)
	if err != nil {
		panic(fmt.Sprintf("fsm: cannot apply log indexes %d-%d, stopping the replica: %v",
			logs[0].Index, logs[len(logs)-1].Index, err))
	}
	for i, r := range results {
		out[slots[i]] = r
	}
	if len(logs) > 0 {
		f.advance(logs[len(logs)-1].Index)
	}
	return out
}

// decodeEntries decodes the command logs into entries, recording each
// entry's position in logs; malformed commands get their error in out.
func decodeEntries(logs []*raft.Log, out []any) ([]partition.Entry, []int) {
	entries := make([]partition.Entry, 0, len(logs))
	slots := make([]int, 0, len(logs))
	for i, l := range logs {
		if l.Type != raft.LogCommand {
			continue
		}
		cmd, err := partition.DecodeCommand(l.Data)
		if err != nil {
			out[i] = fmt.Errorf("fsm: log index %d: %w", l.Index, err)
			continue
		}
		entries = append(entries, partition.Entry{Index: l.Index, Cmd: cmd})
		slots = append(slots, i)
	}
	return entries, slots
}

// Apply applies one entry; raft uses ApplyBatch, this completes raft.FSM.
func (f *PartitionFSM) Apply(l *raft.Log) any {
	return f.ApplyBatch([]*raft.Log{l})[0]
}

// Snapshot captures the partition; the returned snapshot streams it.
func (f *PartitionFSM) Snapshot() (raft.FSMSnapshot, error) {
	s, err := f.p.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("fsm: snapshot: %w", err)
	}
	return &snapshot{s: s}, nil
}

// Restore replaces the partition with a snapshot's content. A torn or
// corrupt snapshot leaves the partition unchanged and returns the error.
func (f *PartitionFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	if err := f.p.Restore(rc); err != nil {
		return fmt.Errorf("fsm: restore: %w", err)
	}
	f.mu.Lock()
	f.applied = f.p.AppliedIndex()
	f.wake()
	f.mu.Unlock()
	return nil
}

// AppliedIndex is the last log index the state machine has covered.
// Configuration entries count; raft's no-op and barrier entries, which it
// does not deliver, do not.
func (f *PartitionFSM) AppliedIndex() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

// WaitApplied blocks until AppliedIndex is at least index or the context
// is done.
func (f *PartitionFSM) WaitApplied(ctx context.Context, index uint64) error {
	for {
		f.mu.Lock()
		applied, ch := f.applied, f.notify
		f.mu.Unlock()
		if applied >= index {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("fsm: wait for index %d (applied %d): %w", index, applied, ctx.Err())
		}
	}
}

func (f *PartitionFSM) advance(index uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if index > f.applied {
		f.applied = index
		f.wake()
	}
}

// wake releases the waiters; f.mu must be held.
func (f *PartitionFSM) wake() {
	close(f.notify)
	f.notify = make(chan struct{})
}

// snapshot adapts a partition snapshot to raft.FSMSnapshot.
type snapshot struct{ s *partition.Snapshot }

// Persist streams the snapshot into the sink, cancelling it on failure.
func (s *snapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := s.s.WriteTo(sink); err != nil {
		return errors.Join(fmt.Errorf("fsm: persist snapshot: %w", err), sink.Cancel())
	}
	if err := sink.Close(); err != nil {
		return fmt.Errorf("fsm: persist snapshot: close sink: %w", err)
	}
	return nil
}

// Release frees the snapshot.
func (s *snapshot) Release() { s.s.Close() }
