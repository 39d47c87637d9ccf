package dataplane

import (
	"sync"
	"sync/atomic"
)

// marks records, per partition, the highest log index this node has seen
// acknowledged: the index of every write it answered, and the applied
// index of every read another node served for it. A replica on this node
// serves an eventually consistent read only once it has applied its
// partition's mark, so a client that stays with one node reads its own
// writes and never sees a partition go back in time.
type marks struct {
	m sync.Map // partition id → *atomic.Uint64
}

// get returns partition id's mark (0 when none).
func (m *marks) get(id uint64) uint64 {
	if v, ok := m.m.Load(id); ok {
		return v.(*atomic.Uint64).Load()
	}
	return 0
}

// raise lifts partition id's mark to index if it is below.
func (m *marks) raise(id, index uint64) {
	if index == 0 {
		return
	}
	v, ok := m.m.Load(id)
	if !ok {
		v, _ = m.m.LoadOrStore(id, new(atomic.Uint64))
	}
	mark := v.(*atomic.Uint64)
	for {
		cur := mark.Load()
		if cur >= index || mark.CompareAndSwap(cur, index) {
			return
		}
	}
}
