package partition

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
)

// dumpKeys renders every key and value of the partition's key range.
func dumpKeys(t *testing.T, p *Partition) string {
	t.Helper()
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: p.ks.prefix, UpperBound: keyenc.PrefixEnd(p.ks.prefix)})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var b bytes.Buffer
	for ok := it.First(); ok; ok = it.Next() {
		fmt.Fprintf(&b, "%x=%x\n", it.Key(), it.Value())
	}
	return b.String()
}

// newPartitionID opens partition id in a fresh in-memory DB.
func newPartitionID(t *testing.T, id uint64) *Partition {
	t.Helper()
	db := openMemDB(t, vfs.NewMem())
	t.Cleanup(func() { db.Close() })
	p, err := Open(db, id, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fillPartition(t *testing.T, p *Partition, prefix string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		mustApply(t, p, put(item("id", attr.Str(fmt.Sprint(prefix, i)), "v", num(fmt.Sprint(i)))))
	}
}

func snapshotBytes(t *testing.T, p *Partition) []byte {
	t.Helper()
	s, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	n, err := s.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; buffer holds %d", n, err, buf.Len())
	}
	return buf.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	src := newPartitionID(t, 9)
	fillPartition(t, src, "a", 50)
	mustApply(t, src, &Command{Op: OpDelete, Item: item("id", attr.Str("a7"))})
	data := snapshotBytes(t, src)

	dst := newPartitionID(t, 9)
	fillPartition(t, dst, "stale", 5) // must disappear
	if err := dst.Restore(bytes.NewReader(data)); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got, want := dumpKeys(t, dst), dumpKeys(t, src); got != want {
		t.Fatalf("restored keys differ:\n got %s\nwant %s", got, want)
	}
	if dst.AppliedIndex() != src.AppliedIndex() || dst.AppliedIndex() != 51 {
		t.Fatalf("applied = %d, want %d", dst.AppliedIndex(), src.AppliedIndex())
	}
	gi, gb := dst.Stats()
	wi, wb := src.Stats()
	if gi != wi || gb != wb || gi != 49 {
		t.Fatalf("stats = %d/%d, want %d/%d (49 items)", gi, gb, wi, wb)
	}
	if it, _ := dst.Get(item("id", attr.Str("stale1"))); it != nil {
		t.Fatalf("item not in the snapshot survived: %s", show(it))
	}
	// The restored partition keeps applying from the restored index.
	res, err := dst.ApplyBatch(51, []*Command{put(item("id", attr.Str("dup")))})
	if err != nil || res[0].Attributes != nil || res[0].ItemBytes != 0 {
		t.Fatalf("entry at the restored index was applied: %+v %v", res, err)
	}
}

func TestSnapshotIsPointInTime(t *testing.T) {
	p := newPartitionID(t, 4)
	fillPartition(t, p, "a", 3)
	s, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fillPartition(t, p, "b", 3)
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	q := newPartitionID(t, 4)
	if err := q.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if q.AppliedIndex() != 3 || s.AppliedIndex() != 3 {
		t.Fatalf("applied = %d (snapshot says %d), want 3", q.AppliedIndex(), s.AppliedIndex())
	}
	if items, _ := q.Stats(); items != 3 {
		t.Fatalf("items = %d, want 3", items)
	}
}

func TestSnapshotEmptyPartition(t *testing.T) {
	src := newPartitionID(t, 2)
	dst := newPartitionID(t, 2)
	fillPartition(t, dst, "x", 2)
	if err := dst.Restore(bytes.NewReader(snapshotBytes(t, src))); err != nil {
		t.Fatal(err)
	}
	if got := dumpKeys(t, dst); got != "" || dst.AppliedIndex() != 0 {
		t.Fatalf("after restoring an empty snapshot: applied %d, keys %q", dst.AppliedIndex(), got)
	}
}

func TestRestoreRejectsBadStreams(t *testing.T) {
	src := newPartitionID(t, 5)
	fillPartition(t, src, "s", 20)
	good := snapshotBytes(t, src)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	other := newPartitionID(t, 6)
	fillPartition(t, other, "o", 1)
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"header only", good[:13]},
		{"torn in the middle", good[:len(good)/2]},
		{"torn before trailer", good[:len(good)-4]},
		{"torn trailer", good[:len(good)-1]},
		{"flipped value byte", flip(len(good) / 2)},
		{"flipped trailer", flip(len(good) - 1)},
		{"bad magic", flip(0)},
		{"bad version", flip(4)},
		{"trailing garbage", append(bytes.Clone(good), 0)},
		{"other partition", snapshotBytes(t, other)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := newPartitionID(t, 5)
			fillPartition(t, dst, "keep", 4)
			before, applied := dumpKeys(t, dst), dst.AppliedIndex()
			err := dst.Restore(bytes.NewReader(tc.data))
			if !errors.Is(err, ErrBadSnapshot) {
				t.Fatalf("Restore error = %v, want ErrBadSnapshot", err)
			}
			if dumpKeys(t, dst) != before || dst.AppliedIndex() != applied {
				t.Fatal("a rejected restore changed the partition")
			}
		})
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		return 0, io.ErrClosedPipe
	}
	w.n -= len(b)
	return len(b), nil
}

func TestSnapshotWriteErrors(t *testing.T) {
	p := newPartitionID(t, 1)
	fillPartition(t, p, "w", 2000)
	s, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo(&failingWriter{n: 10}); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("WriteTo to a failing writer = %v", err)
	}
	s.Close()
	s.Close()
	if _, err := s.WriteTo(io.Discard); err == nil {
		t.Fatal("WriteTo on a closed snapshot succeeded")
	}
}
