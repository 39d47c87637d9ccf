package attr

// This file lists the package's functions that other packages rely on.
// Implementations live beside it (json.go, decode.go, validate.go,
// number.go, size.go, compare.go, codec.go, clone.go); the signatures here
// are the contract.

// --- numbers (number.go) ---
//
// Numbers travel as canonical decimal text in Value.S: no leading or trailing
// zeros, no exponent unless needed, "-" sign only for negatives, "0" for zero
// (DynamoDB returns numbers in this form: "1.50" comes back as "1.5",
// "1e2" as "100").
//
// CanonicalNumber parses DynamoDB number text and returns its canonical form,
// or a *dberr.Error ValidationException with DynamoDB's message when it is
// not a number, has more than 38 significant digits, or is out of range
// (1E-130 .. 9.9999999999999999999999999999999999999E+125 in magnitude).
//   func CanonicalNumber(s string) (string, error)
//
// AddNumbers and SubNumbers do exact decimal arithmetic on canonical texts;
// an out-of-range or over-precise result is a ValidationException with
// DynamoDB's message.
//   func AddNumbers(a, b string) (string, error)
//   func SubNumbers(a, b string) (string, error)
//
// CompareNumbers compares two canonical numbers: -1, 0 or +1.
//   func CompareNumbers(a, b string) int

// --- comparison (compare.go) ---
//
// Equal reports whether two values are equal the DynamoDB way (sets compare
// as sets, maps by content, numbers numerically).
//   func Equal(a, b Value) bool
//
// Compare orders two values of the same scalar type (S by UTF-8 bytes, N
// numerically, B by unsigned bytes). ok is false when the types differ or
// are not S, N or B.
//   func Compare(a, b Value) (c int, ok bool)

// --- size (size.go) ---
//
// Size is a value's size in bytes computed DynamoDB's way; ItemSize is an
// item's (sum of attribute name lengths and value sizes). The limit is
// MaxItemSize.
//   func Size(v Value) int
//   func ItemSize(it Item) int

// MaxItemSize is DynamoDB's item size limit: 400 KB.
const MaxItemSize = 400 * 1024

// MaxDepth is DynamoDB's nesting limit for documents.
const MaxDepth = 32

// --- wire JSON (json.go) ---
//
// Value implements json.Marshaler and json.Unmarshaler for DynamoDB's wire
// form. UnmarshalJSON checks the shape (exactly one type key, the right JSON
// type for it; otherwise a SerializationException or ValidationException
// *dberr.Error with DynamoDB's message) and canonicalises numbers, but leaves
// the rules that depend on where the value is used to Validate.
//
// Validate checks a decoded value against DynamoDB's rules for attribute
// values: non-empty sets without duplicates, nesting at most MaxDepth,
// numbers in range. It returns a *dberr.Error ValidationException with
// DynamoDB's message.
//   func Validate(v Value) error
//   func ValidateItem(it Item) error

// Item also implements json.Marshaler and json.Unmarshaler (a JSON object
// of wire values, names sorted on output). AppendJSON and AppendItemJSON
// append the wire form to a buffer without the extra copy of MarshalJSON.
//   func (it Item) MarshalJSON() ([]byte, error)
//   func (it *Item) UnmarshalJSON(b []byte) error
//   func AppendJSON(dst []byte, v Value) []byte
//   func AppendItemJSON(dst []byte, it Item) []byte

// --- storage codec (codec.go) ---
//
// AppendItem appends a compact, deterministic binary encoding of it to dst;
// DecodeItem reverses it. Used for items at rest and in replicated commands.
//   func AppendItem(dst []byte, it Item) []byte
//   func DecodeItem(b []byte) (Item, error)   // errors wrap ErrCorrupt

// Clone returns a deep copy of a value / item.
//   func (v Value) Clone() Value
//   func (it Item) Clone() Item
