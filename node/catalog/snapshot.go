package catalog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cockroachdb/pebble/v2"
	"github.com/hashicorp/raft"
)

// Snapshot format: a sequence of records, each a uvarint key length, the
// key, a uvarint value length and the value, covering every catalog key
// (the applied index included), then a zero key length as the end mark, so
// that a torn snapshot is detected.

// Snapshot captures the catalog as of the last applied entry.
func (s *State) Snapshot() (raft.FSMSnapshot, error) {
	return &snapshot{snap: s.db.NewSnapshot()}, nil
}

type snapshot struct{ snap *pebble.Snapshot }

// Persist streams the catalog's keys into the sink.
func (sn *snapshot) Persist(sink raft.SnapshotSink) error {
	w := bufio.NewWriter(sink)
	err := scan(sn.snap, func(k, v []byte) error {
		var hdr [binary.MaxVarintLen64]byte
		for _, f := range [][]byte{k, v} {
			n := binary.PutUvarint(hdr[:], uint64(len(f)))
			if _, err := w.Write(hdr[:n]); err != nil {
				return err
			}
			if _, err := w.Write(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = w.WriteByte(0) // uvarint 0: the end mark
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return errors.Join(fmt.Errorf("catalog: persist snapshot: %w", err), sink.Cancel())
	}
	return sink.Close()
}

// Release frees the snapshot.
func (sn *snapshot) Release() { _ = sn.snap.Close() }

// Restore replaces the catalog with a snapshot's content.
func (s *State) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.DeleteRange([]byte(keysFirst), []byte(keysEnd), nil); err != nil {
		return fmt.Errorf("catalog: restore: %w", err)
	}
	r := bufio.NewReader(rc)
	for {
		k, err := readField(r)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return fmt.Errorf("catalog: restore: %w", err)
		}
		if len(k) == 0 {
			break // the end mark
		}
		v, err := readField(r)
		if err != nil {
			return fmt.Errorf("catalog: restore: %w", io.ErrUnexpectedEOF)
		}
		_ = b.Set(k, v, nil)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("catalog: restore: %w", err)
	}
	s.mu.Lock()
	s.failed = nil
	s.mu.Unlock()
	return s.load()
}

// maxField bounds one snapshot field: a table definition is far smaller.
const maxField = 64 << 20

func readField(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > maxField {
		return nil, fmt.Errorf("snapshot field of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}
