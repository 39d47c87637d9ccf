package pebblelog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// codecVersion is the first byte of every encoded entry.
const codecVersion = 1

// errCorrupt reports an entry that does not decode.
var errCorrupt = errors.New("pebblelog: corrupt log entry")

// appendLog appends l's encoding to dst: the version byte, then as
// uvarints the index, the term and the type, then data and extensions
// each as a uvarint length plus one (0 for nil) followed by the bytes,
// then appendedAt as a varint of Unix nanoseconds (0 for the zero time,
// so an appendedAt of exactly the Unix epoch reads back as the zero time).
func appendLog(dst []byte, l *raft.Log) []byte {
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, l.Index)
	dst = binary.AppendUvarint(dst, l.Term)
	dst = binary.AppendUvarint(dst, uint64(l.Type))
	dst = appendBytes(dst, l.Data)
	dst = appendBytes(dst, l.Extensions)
	var at int64
	if !l.AppendedAt.IsZero() {
		at = l.AppendedAt.UnixNano()
	}
	return binary.AppendVarint(dst, at)
}

func appendBytes(dst, b []byte) []byte {
	if b == nil {
		return binary.AppendUvarint(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(b))+1)
	return append(dst, b...)
}

// decodeLog decodes src into l. Data and Extensions are copied, so src
// may be reused afterwards.
func decodeLog(src []byte, l *raft.Log) error {
	d := decoder{src: src}
	if v := d.byte(); v != codecVersion {
		return fmt.Errorf("%w: version %d", errCorrupt, v)
	}
	l.Index, l.Term = d.uvarint(), d.uvarint()
	l.Type = raft.LogType(d.uvarint())
	data, ext := d.bytes(), d.bytes()
	at := d.varint()
	if d.err != nil {
		return d.err
	}
	if len(d.src) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.src))
	}
	l.Data, l.Extensions = cloneTwo(data, ext)
	l.AppendedAt = time.Time{}
	if at != 0 {
		l.AppendedAt = time.Unix(0, at)
	}
	return nil
}

// cloneTwo copies a and b into one allocation, keeping nil slices nil.
func cloneTwo(a, b []byte) ([]byte, []byte) {
	buf := make([]byte, len(a)+len(b))
	ca, cb := buf[:len(a):len(a)], buf[len(a):]
	copy(ca, a)
	copy(cb, b)
	if a == nil {
		ca = nil
	}
	if b == nil {
		cb = nil
	}
	return ca, cb
}

// decoder reads an encoded entry; the first error sticks.
type decoder struct {
	src []byte
	err error
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.src) == 0 {
		d.fail("truncated")
		return 0
	}
	b := d.src[0]
	d.src = d.src[1:]
	return b
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.src)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.src = d.src[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.src)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.src = d.src[n:]
	return v
}

// bytes reads a length-prefixed byte string; it aliases src.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n-1 > uint64(len(d.src)) {
		d.fail("byte string past the end")
		return nil
	}
	b := d.src[: n-1 : n-1]
	d.src = d.src[n-1:]
	return b
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errCorrupt, what)
	}
}
