package attr

import (
	"fmt"
	"strconv"
)

// AppendEncodedItemJSON appends the wire JSON of the item that b encodes
// (see AppendItem) to dst: the same bytes as AppendItemJSON(dst, it) for
// it, _ := DecodeItem(b), written straight from the encoding without
// building the item. Both list names in byte order, so the output follows
// the encoding's order. Input that DecodeItem refuses is refused with an
// error wrapping ErrCorrupt, and dst is returned unchanged.
func AppendEncodedItemJSON(dst, b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return dst, fmt.Errorf("%w: unknown version", ErrCorrupt)
	}
	t := transcoder{reader: reader{b: b, s: string(b), pos: 1}, buf: dst}
	if err := t.valueMap(0); err != nil {
		return dst, err
	}
	if t.pos != len(b) {
		return dst, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(b)-t.pos)
	}
	return t.buf, nil
}

// transcoder reads an encoded item and writes its wire JSON, checking the
// encoding as DecodeItem does.
type transcoder struct {
	reader
	buf []byte
}

func (t *transcoder) valueMap(depth int) error {
	n, err := t.count()
	if err != nil {
		return err
	}
	t.buf = append(t.buf, '{')
	prev := ""
	for i := 0; i < n; i++ {
		k, err := t.str()
		if err != nil {
			return err
		}
		if i > 0 {
			if k <= prev {
				return t.corrupt("names out of order")
			}
			t.buf = append(t.buf, ',')
		}
		prev = k
		t.buf = appendQuoted(t.buf, k)
		t.buf = append(t.buf, ':')
		if err := t.value(depth); err != nil {
			return err
		}
	}
	t.buf = append(t.buf, '}')
	return nil
}

func (t *transcoder) value(depth int) error {
	if depth > maxParseDepth {
		return t.corrupt("nested too deeply")
	}
	if t.pos >= len(t.b) {
		return t.corrupt("missing value")
	}
	typ := Type(t.b[t.pos])
	t.pos++
	var err error
	switch typ {
	case TypeS, TypeN:
		var s string
		if s, err = t.str(); err == nil {
			if typ == TypeS {
				t.buf = append(t.buf, `{"S":`...)
			} else {
				t.buf = append(t.buf, `{"N":`...)
			}
			t.buf = appendQuoted(t.buf, s)
		}
	case TypeB:
		var b []byte
		if b, err = t.bytes(); err == nil {
			t.buf = append(t.buf, `{"B":`...)
			t.buf = appendBase64(t.buf, b)
		}
	case TypeBOOL:
		var v bool
		if v, err = t.boolean(); err == nil {
			t.buf = append(t.buf, `{"BOOL":`...)
			t.buf = strconv.AppendBool(t.buf, v)
		}
	case TypeNULL:
		t.buf = append(t.buf, `{"NULL":true`...)
	case TypeL:
		err = t.list(depth)
	case TypeM:
		t.buf = append(t.buf, `{"M":`...)
		err = t.valueMap(depth + 1)
	case TypeSS, TypeNS, TypeBS:
		err = t.set(typ)
	default:
		return t.corrupt("unknown type")
	}
	if err != nil {
		return err
	}
	t.buf = append(t.buf, '}')
	return nil
}

func (t *transcoder) list(depth int) error {
	n, err := t.count()
	if err != nil {
		return err
	}
	t.buf = append(t.buf, `{"L":[`...)
	for i := 0; i < n; i++ {
		if i > 0 {
			t.buf = append(t.buf, ',')
		}
		if err := t.value(depth + 1); err != nil {
			return err
		}
	}
	t.buf = append(t.buf, ']')
	return nil
}

func (t *transcoder) set(typ Type) error {
	n, err := t.count()
	if err != nil {
		return err
	}
	switch typ {
	case TypeSS:
		t.buf = append(t.buf, `{"SS":[`...)
	case TypeNS:
		t.buf = append(t.buf, `{"NS":[`...)
	default:
		t.buf = append(t.buf, `{"BS":[`...)
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			t.buf = append(t.buf, ',')
		}
		if typ == TypeBS {
			b, err := t.bytes()
			if err != nil {
				return err
			}
			t.buf = appendBase64(t.buf, b)
			continue
		}
		s, err := t.str()
		if err != nil {
			return err
		}
		t.buf = appendQuoted(t.buf, s)
	}
	t.buf = append(t.buf, ']')
	return nil
}
