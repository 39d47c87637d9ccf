package attr

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"
)

// This file writes values in DynamoDB's wire JSON form. Decoding is in
// decode.go.

// errInvalidType is returned by MarshalJSON for a value of TypeInvalid.
var errInvalidType = errors.New("attr: cannot marshal a value without a type")

// MarshalJSON returns v's wire form, e.g. {"S":"x"} or {"NS":["1","2"]}.
// Set members are written in stored order, map keys sorted.
func (v Value) MarshalJSON() ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 16+Size(v)*2)}
	e.value(v)
	if e.bad {
		return nil, errInvalidType
	}
	return e.buf, nil
}

// MarshalJSON returns it's wire form: {"name":{"S":"x"},...} with the names
// sorted. A nil item is null.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	e := encoder{buf: make([]byte, 0, 16+ItemSize(it)*2)}
	e.item(it)
	if e.bad {
		return nil, errInvalidType
	}
	return e.buf, nil
}

// AppendJSON appends v's wire form to dst. A value of TypeInvalid anywhere
// inside v is written as {}.
func AppendJSON(dst []byte, v Value) []byte {
	e := encoder{buf: dst}
	e.value(v)
	return e.buf
}

// AppendItemJSON appends it's wire form to dst, as Item.MarshalJSON.
func AppendItemJSON(dst []byte, it Item) []byte {
	e := encoder{buf: dst}
	e.item(it)
	return e.buf
}

// encoder writes wire JSON; bad records a value of TypeInvalid.
type encoder struct {
	buf []byte
	bad bool
}

func (e *encoder) item(it Item) {
	e.buf = append(e.buf, '{')
	for i, k := range sortedKeys(it) {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendQuoted(e.buf, k)
		e.buf = append(e.buf, ':')
		e.value(it[k])
	}
	e.buf = append(e.buf, '}')
}

// sortedKeys returns m's keys in byte order.
func sortedKeys(m map[string]Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (e *encoder) value(v Value) {
	switch v.T {
	case TypeS:
		e.buf = append(e.buf, `{"S":`...)
		e.buf = appendQuoted(e.buf, v.S)
	case TypeN:
		e.buf = append(e.buf, `{"N":`...)
		e.buf = appendQuoted(e.buf, v.S)
	case TypeB:
		e.buf = append(e.buf, `{"B":`...)
		e.buf = appendBase64(e.buf, v.B)
	case TypeBOOL:
		e.buf = append(e.buf, `{"BOOL":`...)
		e.buf = strconv.AppendBool(e.buf, v.Bool)
	case TypeNULL:
		e.buf = append(e.buf, `{"NULL":true`...)
	case TypeL:
		e.list(v.L)
	case TypeM:
		e.buf = append(e.buf, `{"M":`...)
		e.item(v.M)
	case TypeSS, TypeNS:
		e.stringSet(v.T, v.SS)
	case TypeBS:
		e.binarySet(v.BS)
	default:
		e.bad = true
		e.buf = append(e.buf, '{')
	}
	e.buf = append(e.buf, '}')
}

func (e *encoder) list(l []Value) {
	e.buf = append(e.buf, `{"L":[`...)
	for i, el := range l {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.value(el)
	}
	e.buf = append(e.buf, ']')
}

func (e *encoder) stringSet(t Type, ss []string) {
	if t == TypeSS {
		e.buf = append(e.buf, `{"SS":[`...)
	} else {
		e.buf = append(e.buf, `{"NS":[`...)
	}
	for i, s := range ss {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendQuoted(e.buf, s)
	}
	e.buf = append(e.buf, ']')
}

func (e *encoder) binarySet(bs [][]byte) {
	e.buf = append(e.buf, `{"BS":[`...)
	for i, b := range bs {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendBase64(e.buf, b)
	}
	e.buf = append(e.buf, ']')
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendQuoted appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, and
// control characters, U+2028 and U+2029 are escaped, as encoding/json does.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
