package keyenc

import "fmt"

// Strings and binaries are written byte by byte, with 0x00 escaped as
// 0x00 0xFF, and terminated by 0x00 0x01. The escape keeps the order of
// unsigned bytes; the terminator sorts below every escaped byte, so a value
// sorts before every value it is a proper prefix of.
const (
	escByte  = 0x00
	escNul   = 0xFF
	termByte = 0x01
)

// AppendBytes appends the encoding of a B (or S) value to dst.
func AppendBytes(dst, b []byte) []byte {
	dst = appendEscaped(dst, b)
	return append(dst, escByte, termByte)
}

// AppendString appends the encoding of an S value to dst.
func AppendString(dst []byte, s string) []byte {
	return AppendBytes(dst, []byte(s))
}

// AppendBytesPrefix appends the encoding of b without its terminator: every
// encoding of a value that begins with b begins with these bytes, which makes
// it the lower bound (and, with PrefixEnd, the upper bound) of begins_with.
func AppendBytesPrefix(dst, b []byte) []byte {
	return appendEscaped(dst, b)
}

func appendEscaped(dst, b []byte) []byte {
	for _, c := range b {
		if c == escByte {
			dst = append(dst, escByte, escNul)
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// DecodeBytes decodes one string or binary encoding from the front of b and
// returns the value and the bytes after it.
func DecodeBytes(b []byte) (val, rest []byte, err error) {
	val = []byte{}
	for i := 0; i < len(b); i++ {
		if b[i] != escByte {
			val = append(val, b[i])
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, fmt.Errorf("%w: truncated escape at byte %d", ErrCorrupt, i)
		}
		switch b[i+1] {
		case escNul:
			val = append(val, escByte)
			i++
		case termByte:
			return val, b[i+2:], nil
		default:
			return nil, nil, fmt.Errorf("%w: bad escape 0x00 0x%02x at byte %d", ErrCorrupt, b[i+1], i)
		}
	}
	return nil, nil, fmt.Errorf("%w: missing terminator", ErrCorrupt)
}

// PrefixEnd returns the smallest byte string greater than every string that
// begins with prefix, or nil when there is none (prefix is all 0xFF).
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
