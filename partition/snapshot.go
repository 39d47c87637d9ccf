package partition

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/keyenc"
)

// Snapshot stream format (see DESIGN.md):
//
//	magic "FLPS", version byte 1, partition id (8 bytes big-endian)
//	records: uvarint len + key suffix (key without 'p'+id), uvarint len + value
//	terminator: uvarint 0
//	trailer: crc32c (Castagnoli) of every byte before it, 4 bytes big-endian
//
// Keys appear in ascending order; the metadata record is among them.
const (
	snapshotMagic   = "FLPS"
	snapshotVersion = 1
	// maxSnapshotField bounds a key or value length read from a stream, so
	// that a corrupt length cannot ask for gigabytes.
	maxSnapshotField = 16 << 20
)

// ErrBadSnapshot is returned by Restore for a stream that is torn, corrupt,
// of an unknown version or of another partition; the partition is then
// unchanged.
var ErrBadSnapshot = errors.New("partition: bad snapshot")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Snapshot is a consistent, point-in-time view of one partition's keys,
// metadata included. It may be written while the partition keeps applying
// commands. Close releases it.
type Snapshot struct {
	snap   *pebble.Snapshot
	id     uint64
	prefix []byte
	meta   meta
}

// Snapshot captures the partition's current state. It is cheap: the data
// are read when the snapshot is written.
func (p *Partition) Snapshot() (*Snapshot, error) {
	s := &Snapshot{snap: p.db.NewSnapshot(), id: p.id, prefix: p.ks.prefix}
	raw, err := getCopy(s.snap, p.ks.metaKey())
	if err == nil && raw != nil {
		s.meta, err = decodeMeta(raw)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("partition %d: snapshot metadata: %w", p.id, err)
	}
	return s, nil
}

// AppliedIndex is the applied index the snapshot holds.
func (s *Snapshot) AppliedIndex() uint64 { return s.meta.applied }

// Close releases the snapshot. It is idempotent.
func (s *Snapshot) Close() {
	if s.snap != nil {
		s.snap.Close()
		s.snap = nil
	}
}

// WriteTo streams the snapshot to w and returns the bytes written.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	if s.snap == nil {
		return 0, fmt.Errorf("partition %d: snapshot is closed", s.id)
	}
	sw := newSumWriter(w)
	err := s.writeRecords(sw)
	if err == nil {
		err = sw.finish()
	}
	if err != nil {
		return sw.n, fmt.Errorf("partition %d: write snapshot: %w", s.id, err)
	}
	return sw.n, nil
}

func (s *Snapshot) writeRecords(sw *sumWriter) error {
	hdr := append([]byte(snapshotMagic), snapshotVersion)
	sw.write(binary.BigEndian.AppendUint64(hdr, s.id))
	it, err := s.snap.NewIter(&pebble.IterOptions{
		LowerBound: s.prefix,
		UpperBound: keyenc.PrefixEnd(s.prefix),
	})
	if err != nil {
		return err
	}
	var buf []byte
	for ok := it.First(); ok && sw.err == nil; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		buf = appendField(buf[:0], it.Key()[len(s.prefix):])
		sw.write(appendField(buf, v))
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	sw.write(binary.AppendUvarint(nil, 0))
	return sw.err
}

func appendField(b, f []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(f))), f...)
}

// sumWriter counts and checksums what it writes, keeping the first error.
type sumWriter struct {
	w   *bufio.Writer
	sum hash.Hash32
	n   int64
	err error
}

func newSumWriter(w io.Writer) *sumWriter {
	return &sumWriter{w: bufio.NewWriterSize(w, 64<<10), sum: crc32.New(castagnoli)}
}

func (s *sumWriter) write(b []byte) {
	if s.err != nil {
		return
	}
	s.sum.Write(b)
	n, err := s.w.Write(b)
	s.n += int64(n)
	s.err = err
}

// finish writes the checksum trailer and flushes.
func (s *sumWriter) finish() error {
	if s.err != nil {
		return s.err
	}
	trailer := binary.BigEndian.AppendUint32(nil, s.sum.Sum32())
	n, err := s.w.Write(trailer)
	s.n += int64(n)
	if err != nil {
		return err
	}
	return s.w.Flush()
}

// Restore replaces the partition's whole state (items, applied index,
// counters) with a stream WriteTo produced, atomically: the stream is read
// and checked in full before anything is committed, so a torn or corrupt
// stream returns an error wrapping ErrBadSnapshot and leaves the partition
// as it was. Like ApplyEntries, Restore must not run concurrently with
// other writes. The restore is staged in one in-memory batch, so it needs
// memory proportional to the partition's size.
func (p *Partition) Restore(r io.Reader) error {
	b := p.db.NewBatch()
	defer b.Close()
	if err := b.DeleteRange(p.ks.prefix, keyenc.PrefixEnd(p.ks.prefix), nil); err != nil {
		return fmt.Errorf("partition %d: restore: %w", p.id, err)
	}
	m, err := p.readSnapshot(r, b)
	if err != nil {
		return fmt.Errorf("partition %d: restore: %w", p.id, err)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("partition %d: restore: commit: %w", p.id, err)
	}
	p.mu.Lock()
	p.meta = m
	p.mu.Unlock()
	return nil
}

// readSnapshot reads and checks a stream into b and returns its metadata.
func (p *Partition) readSnapshot(r io.Reader, b *pebble.Batch) (meta, error) {
	sr := &sumReader{r: bufio.NewReaderSize(r, 64<<10), sum: crc32.New(castagnoli)}
	if err := p.readHeader(sr); err != nil {
		return meta{}, err
	}
	m, err := p.readRecords(sr, b)
	if err != nil {
		return meta{}, err
	}
	return m, sr.checkTrailer()
}

func (p *Partition) readHeader(sr *sumReader) error {
	hdr := sr.full(len(snapshotMagic) + 1 + 8)
	if sr.err != nil {
		return sr.err
	}
	if string(hdr[:4]) != snapshotMagic || hdr[4] != snapshotVersion {
		return fmt.Errorf("%w: unknown header %q", ErrBadSnapshot, hdr[:5])
	}
	if id := binary.BigEndian.Uint64(hdr[5:]); id != p.id {
		return fmt.Errorf("%w: snapshot of partition %d", ErrBadSnapshot, id)
	}
	return nil
}

// readRecords copies the records into b, checking that keys ascend, and
// returns the metadata record's content (zero when there is none).
func (p *Partition) readRecords(sr *sumReader, b *pebble.Batch) (meta, error) {
	var m meta
	var prev []byte
	for {
		suffix := sr.field()
		if sr.err != nil {
			return meta{}, sr.err
		}
		if len(suffix) == 0 {
			return m, nil
		}
		if prev != nil && bytes.Compare(suffix, prev) <= 0 {
			return meta{}, fmt.Errorf("%w: keys out of order", ErrBadSnapshot)
		}
		prev = suffix
		value := sr.field()
		if sr.err != nil {
			return meta{}, sr.err
		}
		if err := p.restoreRecord(b, suffix, value, &m); err != nil {
			return meta{}, err
		}
	}
}

func (p *Partition) restoreRecord(b *pebble.Batch, suffix, value []byte, m *meta) error {
	switch {
	case len(suffix) == 1 && suffix[0] == metaTag:
		dm, err := decodeMeta(value)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
		}
		*m = dm
	case suffix[0] != itemTag:
		return fmt.Errorf("%w: unknown key tag %q", ErrBadSnapshot, suffix[0])
	}
	key := append(bytes.Clone(p.ks.prefix), suffix...)
	if err := b.Set(key, value, nil); err != nil {
		return fmt.Errorf("stage key: %w", err)
	}
	return nil
}

// sumReader reads fields and checksums them, keeping the first error. Any
// short read is ErrBadSnapshot.
type sumReader struct {
	r   *bufio.Reader
	sum hash.Hash32
	err error
}

func (s *sumReader) full(n int) []byte {
	if s.err != nil {
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.r, b); err != nil {
		s.err = fmt.Errorf("%w: torn stream: %w", ErrBadSnapshot, err)
		return nil
	}
	s.sum.Write(b)
	return b
}

func (s *sumReader) field() []byte {
	if s.err != nil {
		return nil
	}
	n, err := binary.ReadUvarint(s.r)
	if err != nil {
		s.err = fmt.Errorf("%w: torn stream: %w", ErrBadSnapshot, err)
		return nil
	}
	if n > maxSnapshotField {
		s.err = fmt.Errorf("%w: field of %d bytes", ErrBadSnapshot, n)
		return nil
	}
	s.sum.Write(binary.AppendUvarint(nil, n))
	return s.full(int(n))
}

// checkTrailer compares the trailer with the checksum of what was read and
// requires the stream to end there.
func (s *sumReader) checkTrailer() error {
	want := s.sum.Sum32()
	var t [4]byte
	if _, err := io.ReadFull(s.r, t[:]); err != nil {
		return fmt.Errorf("%w: torn stream: %w", ErrBadSnapshot, err)
	}
	if got := binary.BigEndian.Uint32(t[:]); got != want {
		return fmt.Errorf("%w: checksum %08x, want %08x", ErrBadSnapshot, got, want)
	}
	if _, err := s.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: trailing bytes", ErrBadSnapshot)
	}
	return nil
}
