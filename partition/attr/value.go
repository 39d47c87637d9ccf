package attr

// Type is one of DynamoDB's ten attribute types.
type Type uint8

// The attribute types, in the order of their wire names.
const (
	TypeInvalid Type = iota
	TypeS
	TypeN
	TypeB
	TypeBOOL
	TypeNULL
	TypeL
	TypeM
	TypeSS
	TypeNS
	TypeBS
)

var typeNames = [...]string{"", "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"}

// String returns the type's wire name ("S", "NS", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return ""
}

// ParseType returns the Type of a wire name, or TypeInvalid.
func ParseType(name string) Type {
	for i, n := range typeNames {
		if i > 0 && n == name {
			return Type(i)
		}
	}
	return TypeInvalid
}

// Value is one DynamoDB attribute value. Exactly the field of its type is
// meaningful:
//
//	S     S (string)         N     S (canonical decimal text, see Number)
//	B     B                  BOOL  Bool
//	NULL  (none)             L     L
//	M     M                  SS    SS
//	NS    SS (canonical)     BS    BS
type Value struct {
	T    Type
	S    string
	B    []byte
	Bool bool
	L    []Value
	M    map[string]Value
	SS   []string
	BS   [][]byte
}

// Item is a DynamoDB item: attribute name to value.
type Item map[string]Value

// Str returns an S value.
func Str(s string) Value { return Value{T: TypeS, S: s} }

// Bin returns a B value.
func Bin(b []byte) Value { return Value{T: TypeB, B: b} }

// Bool returns a BOOL value.
func Bool(b bool) Value { return Value{T: TypeBOOL, Bool: b} }

// Null returns the NULL value.
func Null() Value { return Value{T: TypeNULL, Bool: true} }

// List returns an L value.
func List(vs ...Value) Value { return Value{T: TypeL, L: vs} }

// Map returns an M value.
func Map(m map[string]Value) Value { return Value{T: TypeM, M: m} }
