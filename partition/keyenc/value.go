package keyenc

import (
	"errors"
	"fmt"

	"github.com/cespare/xxhash/v2"
	"github.com/flotilla-db/flotilla/partition/attr"
)

// Errors returned by the package; callers branch with errors.Is.
var (
	// ErrInvalidNumber is returned by AppendNumber, Append and AppendPrefix
	// for N text that is not a decimal number.
	ErrInvalidNumber = errors.New("keyenc: invalid number")
	// ErrNotKeyType is returned by Append, AppendPrefix and Decode for a type
	// that cannot be a key (or, for AppendPrefix, cannot be a prefix).
	ErrNotKeyType = errors.New("keyenc: not a key type")
	// ErrCorrupt is returned by the decoders for bytes that no encoder made.
	ErrCorrupt = errors.New("keyenc: corrupt encoding")
)

// Append appends the encoding of a key value (S, N or B) to dst.
func Append(dst []byte, v attr.Value) ([]byte, error) {
	switch v.T {
	case attr.TypeS:
		return AppendString(dst, v.S), nil
	case attr.TypeB:
		return AppendBytes(dst, v.B), nil
	case attr.TypeN:
		return AppendNumber(dst, v.S)
	default:
		return dst, fmt.Errorf("%w: %s", ErrNotKeyType, v.T)
	}
}

// AppendPrefix appends the unterminated encoding of an S or B value: the
// common prefix of the encodings of every value that begins with v.
func AppendPrefix(dst []byte, v attr.Value) ([]byte, error) {
	switch v.T {
	case attr.TypeS:
		return AppendBytesPrefix(dst, []byte(v.S)), nil
	case attr.TypeB:
		return AppendBytesPrefix(dst, v.B), nil
	default:
		return dst, fmt.Errorf("%w: begins_with on %s", ErrNotKeyType, v.T)
	}
}

// Decode decodes one value of type t from the front of b and returns it and
// the bytes after it. Numbers come back as plain decimal text.
func Decode(b []byte, t attr.Type) (attr.Value, []byte, error) {
	switch t {
	case attr.TypeS:
		raw, rest, err := DecodeBytes(b)
		return attr.Str(string(raw)), rest, err
	case attr.TypeB:
		raw, rest, err := DecodeBytes(b)
		return attr.Bin(raw), rest, err
	case attr.TypeN:
		s, rest, err := DecodeNumber(b)
		return attr.Value{T: attr.TypeN, S: s}, rest, err
	default:
		return attr.Value{}, nil, fmt.Errorf("%w: %s", ErrNotKeyType, t)
	}
}

// Hash returns the stable 64-bit hash of a partition key value: xxhash64 of
// its type letter ('S', 'N' or 'B') followed by its raw bytes (S: UTF-8, B: the bytes, N: the
// number's encoding, so that equal numbers written differently hash alike).
// N text that is not a number hashes as its raw text. It never changes
// between releases: placement and scan order depend on it.
func Hash(v attr.Value) uint64 {
	buf := make([]byte, 0, 1+len(v.S)+len(v.B)+4)
	buf = append(buf, v.T.String()...)
	switch v.T {
	case attr.TypeB:
		buf = append(buf, v.B...)
	case attr.TypeN:
		d, err := parseDecimal(v.S)
		if err != nil {
			buf = append(buf, v.S...)
			break
		}
		buf = appendDecimal(buf, d)
	default:
		buf = append(buf, v.S...)
	}
	return xxhash.Sum64(buf)
}
