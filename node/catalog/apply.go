package catalog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/hashicorp/raft"
)

// applyTx is one batch of log entries being applied: a private copy of the
// table map and counter, and the Pebble batch that persists them.
type applyTx struct {
	tables map[string]*storedTable
	nextID uint64
	b      *pebble.Batch
}

// ApplyBatch applies committed entries in one Pebble batch together with
// the applied index and returns a *Result per command entry (nil for
// others and for entries at or below the applied index, already applied
// before a restart).
func (s *State) ApplyBatch(logs []*raft.Log) []any {
	out := make([]any, len(logs))
	s.mu.RLock()
	tx := &applyTx{tables: maps.Clone(s.tables), nextID: s.nextID, b: s.db.NewBatch()}
	applied, failed := s.applied, s.failed
	s.mu.RUnlock()
	defer tx.b.Close()
	if failed != nil {
		return fillErr(out, failed)
	}
	last := applied
	for i, l := range logs {
		if l.Index <= applied {
			continue
		}
		last = l.Index
		if l.Type == raft.LogCommand {
			out[i] = tx.apply(l)
		}
	}
	if last == applied {
		return out
	}
	if err := s.commit(tx, last); err != nil {
		return fillErr(out, err)
	}
	return out
}

// commit persists tx and the applied index and publishes them.
func (s *State) commit(tx *applyTx, last uint64) error {
	_ = tx.b.Set([]byte(keyNextID), binary.BigEndian.AppendUint64(nil, tx.nextID), nil)
	_ = tx.b.Set([]byte(keyApplied), binary.BigEndian.AppendUint64(nil, last), nil)
	err := tx.b.Commit(pebble.NoSync)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed = fmt.Errorf("%w: commit at index %d: %w", ErrFailed, last, err)
		s.wake()
		return s.failed
	}
	s.tables, s.nextID, s.applied = tx.tables, tx.nextID, last
	s.wake()
	return nil
}

func fillErr(out []any, err error) []any {
	for i := range out {
		out[i] = err
	}
	return out
}

// Apply applies one entry; raft uses ApplyBatch.
func (s *State) Apply(l *raft.Log) any { return s.ApplyBatch([]*raft.Log{l})[0] }

// apply runs one command against tx.
func (tx *applyTx) apply(l *raft.Log) *Result {
	c, err := DecodeCommand(l.Data)
	if err != nil {
		return failed(dberr.New(dberr.Internal, "%v", err))
	}
	switch c.Op {
	case OpCreate:
		return tx.create(c, l.Index)
	case OpUpdate:
		return tx.update(c, l.Index)
	case OpDelete:
		return tx.delete(c.Name)
	case OpSetReplicas:
		return tx.setReplicas(c, l.Index)
	}
	return failed(dberr.New(dberr.Internal, "catalog: unknown command %q", c.Op))
}

func (tx *applyTx) create(c *Command, index uint64) *Result {
	t := c.Table
	if t == nil || len(t.Partitions) == 0 {
		return failed(dberr.New(dberr.Internal, "catalog: create without a table or partitions"))
	}
	if cur, ok := tx.tables[t.Name]; ok {
		if t.ID != "" && cur.ID == t.ID {
			// The same create, proposed again after its first outcome was
			// lost (a leader change mid-commit): it succeeded then.
			return &Result{Table: cloneTable(&cur.Table), Version: cur.Version}
		}
		return failed(dberr.New(dberr.ResourceInUse, "Table already exists: %s", t.Name))
	}
	for i := range t.Partitions {
		t.Partitions[i].ID = tx.nextID + uint64(i)
	}
	if err := t.ValidatePartitions(); err != nil {
		return failed(dberr.New(dberr.Internal, "%v", err))
	}
	tx.nextID += uint64(len(t.Partitions))
	return tx.put(&storedTable{Table: *t, Version: index})
}

func (tx *applyTx) update(c *Command, index uint64) *Result {
	if c.Table == nil {
		return failed(dberr.New(dberr.Internal, "catalog: update without a table"))
	}
	cur, ok := tx.tables[c.Table.Name]
	if !ok {
		return failed(notFound(c.Table.Name))
	}
	if cur.Version != c.Version {
		return &Result{Conflict: true}
	}
	next := &storedTable{Table: *c.Table, Version: index}
	next.Partitions = cur.Partitions
	return tx.put(next)
}

func (tx *applyTx) delete(name string) *Result {
	cur, ok := tx.tables[name]
	if !ok {
		return failed(notFound(name))
	}
	delete(tx.tables, name)
	_ = tx.b.Delete([]byte(prefixTable+name), nil)
	return &Result{Table: cloneTable(&cur.Table), Version: cur.Version}
}

func (tx *applyTx) setReplicas(c *Command, index uint64) *Result {
	for _, cur := range tx.tables {
		i := slices.IndexFunc(cur.Partitions, func(p schema.Partition) bool { return p.ID == c.PartitionID })
		if i < 0 {
			continue
		}
		next := &storedTable{Table: *cloneTable(&cur.Table), Version: index}
		next.Partitions[i].Replicas = slices.Clone(c.Replicas)
		next.Partitions[i].Epoch = c.Epoch
		return tx.put(next)
	}
	return failed(dberr.New(dberr.ResourceNotFound, "Requested resource not found: partition %d not found", c.PartitionID))
}

// put stores st in tx and returns it as the result.
func (tx *applyTx) put(st *storedTable) *Result {
	v, err := json.Marshal(st)
	if err != nil {
		return failed(dberr.New(dberr.Internal, "catalog: encode table %s: %v", st.Name, err))
	}
	_ = tx.b.Set([]byte(prefixTable+st.Name), v, nil)
	tx.tables[st.Name] = st
	return &Result{Table: cloneTable(&st.Table), Version: st.Version}
}
