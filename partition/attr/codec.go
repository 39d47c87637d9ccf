package attr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// The storage codec: a compact, deterministic binary form of an item, used
// for items at rest and inside replicated commands. The same item always
// encodes to the same bytes (map keys are written sorted; set members in
// stored order).
//
//	item    = version(0x01) map
//	map     = uvarint(count) { bytes(name) value }   names ascending
//	value   = type(1 byte, the Type constant) payload
//	payload = S, N: bytes           B: bytes
//	          BOOL: 0x00 | 0x01     NULL: (nothing)
//	          L: uvarint(count) { value }
//	          M: map
//	          SS, NS: uvarint(count) { bytes }   BS: the same
//	bytes   = uvarint(length) raw
//
// Numbers are stored as their canonical text.

// codecVersion is the first byte of every encoded item.
const codecVersion = 0x01

// ErrCorrupt is returned by DecodeItem (wrapped, with detail) for input that
// is not an encoded item.
var ErrCorrupt = errors.New("attr: corrupt item encoding")

// AppendItem appends the binary encoding of it to dst and returns the
// extended slice.
func AppendItem(dst []byte, it Item) []byte {
	dst = append(dst, codecVersion)
	return appendMap(dst, it)
}

func appendMap(dst []byte, m map[string]Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		dst = appendBytes(dst, k)
		dst = appendValue(dst, m[k])
	}
	return dst
}

func appendBytes[T string | []byte](dst []byte, b T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

func appendValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.T))
	switch v.T {
	case TypeS, TypeN:
		return appendBytes(dst, v.S)
	case TypeB:
		return appendBytes(dst, v.B)
	case TypeBOOL:
		if v.Bool {
			return append(dst, 1)
		}
		return append(dst, 0)
	case TypeL:
		dst = binary.AppendUvarint(dst, uint64(len(v.L)))
		for _, e := range v.L {
			dst = appendValue(dst, e)
		}
	case TypeM:
		return appendMap(dst, v.M)
	case TypeSS, TypeNS:
		dst = binary.AppendUvarint(dst, uint64(len(v.SS)))
		for _, s := range v.SS {
			dst = appendBytes(dst, s)
		}
	case TypeBS:
		dst = binary.AppendUvarint(dst, uint64(len(v.BS)))
		for _, b := range v.BS {
			dst = appendBytes(dst, b)
		}
	}
	return dst
}

// DecodeItem decodes an item written by AppendItem. It never panics: input
// that is not an encoded item yields an error wrapping ErrCorrupt. The
// result shares no memory with b: its strings (names, S and N values, set
// members) are slices of one copy of b, which costs one allocation rather
// than one per string.
func DecodeItem(b []byte) (Item, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return nil, fmt.Errorf("%w: unknown version", ErrCorrupt)
	}
	r := reader{b: b, s: string(b), pos: 1}
	m, err := r.valueMap(0)
	if err != nil {
		return nil, err
	}
	if r.pos != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(b)-r.pos)
	}
	return m, nil
}

// reader is a cursor over an encoded item.
type reader struct {
	b   []byte
	s   string // b as a string, which str slices
	pos int
}

func (r *reader) corrupt(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrCorrupt, what, r.pos)
}

func (r *reader) uvarint() (uint64, error) {
	n, size := binary.Uvarint(r.b[r.pos:])
	if size <= 0 || (size > 1 && r.b[r.pos+size-1] == 0) {
		return 0, r.corrupt("bad length") // malformed, or not minimal
	}
	r.pos += size
	return n, nil
}

// count reads an element count; every element takes at least one byte, so
// a count past the bytes left is corrupt (and never over-allocates).
func (r *reader) count() (int, error) {
	n, err := r.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(r.b)-r.pos) {
		return 0, r.corrupt("count past end")
	}
	return int(n), nil
}

func (r *reader) bytes() ([]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.pos) {
		return nil, r.corrupt("length past end")
	}
	b := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

func (r *reader) str() (string, error) {
	b, err := r.bytes()
	if err != nil {
		return "", err
	}
	return r.s[r.pos-len(b) : r.pos], nil
}

func (r *reader) valueMap(depth int) (map[string]Value, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	m := make(map[string]Value, n)
	prev := ""
	for i := 0; i < n; i++ {
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		if i > 0 && k <= prev {
			return nil, r.corrupt("names out of order")
		}
		prev = k
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

func (r *reader) value(depth int) (Value, error) {
	if depth > maxParseDepth {
		return Value{}, r.corrupt("nested too deeply")
	}
	if r.pos >= len(r.b) {
		return Value{}, r.corrupt("missing value")
	}
	v := Value{T: Type(r.b[r.pos])}
	r.pos++
	var err error
	switch v.T {
	case TypeS, TypeN:
		v.S, err = r.str()
	case TypeB:
		var b []byte
		b, err = r.bytes()
		v.B = append([]byte{}, b...)
	case TypeBOOL:
		v.Bool, err = r.boolean()
	case TypeNULL:
		v.Bool = true
	case TypeL:
		v.L, err = r.list(depth)
	case TypeM:
		v.M, err = r.valueMap(depth + 1)
	case TypeSS, TypeNS:
		v.SS, err = r.strings()
	case TypeBS:
		v.BS, err = r.binaries()
	default:
		return Value{}, r.corrupt("unknown type")
	}
	return v, err
}

func (r *reader) boolean() (bool, error) {
	if r.pos >= len(r.b) || r.b[r.pos] > 1 {
		return false, r.corrupt("bad boolean")
	}
	r.pos++
	return r.b[r.pos-1] == 1, nil
}

func (r *reader) list(depth int) ([]Value, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	l := make([]Value, n)
	for i := range l {
		if l[i], err = r.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (r *reader) strings() ([]string, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	ss := make([]string, n)
	for i := range ss {
		if ss[i], err = r.str(); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

func (r *reader) binaries() ([][]byte, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	bs := make([][]byte, n)
	for i := range bs {
		b, err := r.bytes()
		if err != nil {
			return nil, err
		}
		bs[i] = append([]byte{}, b...)
	}
	return bs, nil
}
