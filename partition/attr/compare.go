package attr

import (
	"bytes"
	"strings"
)

// Equal reports whether two values are equal the DynamoDB way: same type;
// numbers numerically; sets as sets (order and repeats ignored); lists
// element by element; maps by content.
func Equal(a, b Value) bool {
	if a.T != b.T {
		return false
	}
	switch a.T {
	case TypeS:
		return a.S == b.S
	case TypeN:
		return CompareNumbers(a.S, b.S) == 0
	case TypeB:
		return bytes.Equal(a.B, b.B)
	case TypeBOOL:
		return a.Bool == b.Bool
	case TypeNULL, TypeInvalid:
		return true
	case TypeL:
		return equalLists(a.L, b.L)
	case TypeM:
		return equalMaps(a.M, b.M)
	case TypeSS:
		return equalSets(a.SS, b.SS, func(x, y string) bool { return x == y })
	case TypeNS:
		return equalSets(a.SS, b.SS, func(x, y string) bool { return CompareNumbers(x, y) == 0 })
	case TypeBS:
		return equalSets(a.BS, b.BS, bytes.Equal)
	}
	return false
}

func equalLists(a, b []Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalMaps(a, b map[string]Value) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !Equal(va, vb) {
			return false
		}
	}
	return true
}

// equalSets reports whether every member of a is in b and every member of b
// in a. Sets are small in practice (an item is at most 400 KB), and the
// quadratic scan needs no allocation.
func equalSets[T any](a, b []T, eq func(x, y T) bool) bool {
	return subset(a, b, eq) && subset(b, a, eq)
}

func subset[T any](a, b []T, eq func(x, y T) bool) bool {
	if len(a) > 64 {
		return subsetLarge(a, b, eq)
	}
	for _, x := range a {
		if !containsMember(b, x, eq) {
			return false
		}
	}
	return true
}

func containsMember[T any](set []T, x T, eq func(x, y T) bool) bool {
	for _, y := range set {
		if eq(x, y) {
			return true
		}
	}
	return false
}

// subsetLarge is subset for big sets: members are compared by a key that is
// equal exactly when eq holds (canonical text for numbers).
func subsetLarge[T any](a, b []T, eq func(x, y T) bool) bool {
	keys := make(map[string]struct{}, len(b))
	for _, y := range b {
		keys[memberKey(y)] = struct{}{}
	}
	for _, x := range a {
		if _, ok := keys[memberKey(x)]; !ok && !containsMember(b, x, eq) {
			return false
		}
	}
	return true
}

// memberKey returns a map key for a set member.
func memberKey[T any](m T) string {
	switch v := any(m).(type) {
	case string:
		if c, err := CanonicalNumber(v); err == nil {
			return "n" + c
		}
		return "s" + v
	case []byte:
		return "b" + string(v)
	}
	return ""
}

// Compare orders two values of the same scalar type: S by UTF-8 bytes, N
// numerically, B by unsigned bytes. ok is false when the types differ or are
// not S, N or B.
func Compare(a, b Value) (c int, ok bool) {
	if a.T != b.T {
		return 0, false
	}
	switch a.T {
	case TypeS:
		return strings.Compare(a.S, b.S), true
	case TypeN:
		return CompareNumbers(a.S, b.S), true
	case TypeB:
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}
