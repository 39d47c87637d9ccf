package attr

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

// This file reads DynamoDB's wire JSON form with a small purpose-built
// parser: no reflection, no intermediate maps, and DynamoDB's own error
// messages for every shape it rejects.
//
// DynamoDB parses the whole request before it validates anything, so a
// SerializationException (a member of the wrong JSON type) is reported ahead
// of any ValidationException. The decoder follows that: a serialization
// error stops it at once, while the first validation error (empty or
// multi-typed value, NULL false, a bad number) is remembered and returned
// only once the whole input has parsed.

// DynamoDB's messages for malformed attribute values.
const (
	msgEmptyValue     = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgMultipleTypes  = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullNotTrue    = "Null attribute value types must have the value of true"
	msgStartOfMap     = "Start of structure or map found where not expected"
	msgStartOfList    = "Start of list found where not expected"
	msgUnexpectedType = "Unexpected value type in payload"
	msgNotBase64      = "only base-64-encoded strings are convertible to bytes"
	msgMalformedJSON  = "Unexpected character in payload"
)

// maxParseDepth bounds recursion on hostile input; far deeper than DynamoDB
// allows (MaxDepth), so Validate reports real nesting errors.
const maxParseDepth = 1024

// UnmarshalJSON decodes v from DynamoDB's wire form. It checks the shape:
// exactly one type key with the right JSON type (a SerializationException
// otherwise, or a ValidationException for an empty or multi-typed value or
// NULL false), base64 for binaries, and canonicalises numbers (a
// ValidationException when one is not a number or out of range). Keys it
// does not know are ignored and a type key whose value is null counts as
// absent, as in DynamoDB. The rules that do not depend on the JSON text
// (non-empty sets without duplicates, nesting depth) are left to Validate.
// The literal null leaves v unchanged.
func (v *Value) UnmarshalJSON(b []byte) error {
	d := decoder{data: b}
	d.skipSpace()
	if d.consumeLiteral("null") {
		return d.finish()
	}
	*v = Value{}
	if err := d.attributeValue(v, 0); err != nil {
		return err
	}
	return d.finish()
}

// UnmarshalJSON decodes an item: a JSON object of attribute values, each
// checked as by Value.UnmarshalJSON. The literal null leaves it unchanged.
func (it *Item) UnmarshalJSON(b []byte) error {
	d := decoder{data: b}
	d.skipSpace()
	if d.consumeLiteral("null") {
		return d.finish()
	}
	m, err := d.valueMap(0)
	if err != nil {
		return err
	}
	*it = m
	return d.finish()
}

// decoder is a cursor over JSON input plus the first validation error.
type decoder struct {
	data []byte
	pos  int
	verr *dberr.Error
}

func serialization(msg string) *dberr.Error {
	return &dberr.Error{Kind: dberr.Serialization, Message: msg}
}

// invalid records a validation error unless one is already recorded.
func (d *decoder) invalid(err error) {
	if d.verr == nil {
		d.verr = dberr.As(err)
	}
}

// finish checks that only white space is left and returns the recorded
// validation error, if any.
func (d *decoder) finish() error {
	d.skipSpace()
	if d.pos != len(d.data) {
		return serialization(msgMalformedJSON)
	}
	if d.verr != nil {
		return d.verr
	}
	return nil
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *decoder) peek() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) consumeLiteral(lit string) bool {
	if bytes.HasPrefix(d.data[d.pos:], []byte(lit)) {
		d.pos += len(lit)
		return true
	}
	return false
}

// expect consumes byte c after optional space.
func (d *decoder) expect(c byte) error {
	if d.peek() != c {
		return serialization(msgMalformedJSON)
	}
	d.pos++
	return nil
}

// attributeValue decodes one {"<type>": ...} object into v (zero on entry).
// A JSON null leaves v without a type and records the empty-value error.
func (d *decoder) attributeValue(v *Value, depth int) error {
	if depth > maxParseDepth {
		return dberr.Validationf(msgNesting)
	}
	switch d.peek() {
	case '{':
		d.pos++
	case '[':
		return serialization(msgStartOfList)
	case 'n':
		if !d.consumeLiteral("null") {
			return serialization(msgMalformedJSON)
		}
		d.invalid(dberr.Validationf(msgEmptyValue))
		return nil
	default:
		return serialization(msgUnexpectedType)
	}
	var types uint16
	err := d.members(func(key []byte) error {
		t, err := d.member(v, key, depth)
		if t != TypeInvalid {
			types |= 1 << t
		}
		return err
	})
	if err != nil {
		return err
	}
	d.settle(v, types)
	return nil
}

// settle sets v's type from the set of type keys seen.
func (d *decoder) settle(v *Value, types uint16) {
	switch n := bitCount(types); {
	case n == 0:
		d.invalid(dberr.Validationf(msgEmptyValue))
		return
	case n > 1:
		d.invalid(dberr.Validationf(msgMultipleTypes))
	}
	for t := TypeS; t <= TypeBS; t++ {
		if types&(1<<t) != 0 && t == v.T {
			return
		}
	}
	for t := TypeS; t <= TypeBS; t++ {
		if types&(1<<t) != 0 {
			v.T = t
			return
		}
	}
}

func bitCount(x uint16) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// members walks the members of an object whose '{' is consumed, calling fn
// with each key (valid until the next read) positioned at its value.
func (d *decoder) members(fn func(key []byte) error) error {
	if d.peek() == '}' {
		d.pos++
		return nil
	}
	for {
		if d.peek() != '"' {
			return serialization(msgMalformedJSON)
		}
		key, err := d.stringBytes()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return nil
		default:
			return serialization(msgMalformedJSON)
		}
	}
}

// member decodes the member key of an attribute value into v and returns
// the type it sets, or TypeInvalid when it is unknown or null.
func (d *decoder) member(v *Value, key []byte, depth int) (Type, error) {
	t := typeOfKey(key)
	if t == TypeInvalid {
		return t, d.skipValue(depth)
	}
	if d.peek() == 'n' {
		if !d.consumeLiteral("null") {
			return TypeInvalid, serialization(msgMalformedJSON)
		}
		return TypeInvalid, nil
	}
	v.T = t
	switch t {
	case TypeS:
		return t, d.stringMember(&v.S, "String")
	case TypeN:
		return t, d.numberMember(&v.S)
	case TypeB:
		return t, d.binaryMember(&v.B)
	case TypeBOOL:
		return t, d.boolMember(&v.Bool)
	case TypeNULL:
		return t, d.nullMember(v)
	case TypeL:
		return t, d.listMember(v, depth)
	case TypeM:
		return t, d.mapMember(v, depth)
	case TypeSS:
		return t, d.stringSetMember(&v.SS, false)
	case TypeNS:
		return t, d.stringSetMember(&v.SS, true)
	}
	return t, d.binarySetMember(&v.BS)
}

// wrongType is the SerializationException for a JSON value of the wrong
// type where a target ("String", "Boolean") is expected.
func (d *decoder) wrongType(target string) error {
	switch c := d.peek(); {
	case c == '{':
		return serialization(msgStartOfMap)
	case c == '[':
		return serialization(msgStartOfList)
	case c == 't':
		return serialization("TRUE_VALUE cannot be converted to " + target)
	case c == 'f':
		return serialization("FALSE_VALUE cannot be converted to " + target)
	case c == '"':
		return serialization("STRING_VALUE cannot be converted to " + target)
	case c == '-' || isDigit(c):
		return serialization("NUMBER_VALUE cannot be converted to " + target)
	}
	return serialization(msgMalformedJSON)
}

func (d *decoder) stringMember(dst *string, target string) error {
	if d.peek() != '"' {
		return d.wrongType(target)
	}
	s, err := d.stringBytes()
	*dst = string(s)
	return err
}

func (d *decoder) numberMember(dst *string) error {
	if err := d.stringMember(dst, "String"); err != nil {
		return err
	}
	n, err := CanonicalNumber(*dst)
	if err != nil {
		d.invalid(err)
		return nil
	}
	*dst = n
	return nil
}

func (d *decoder) binaryMember(dst *[]byte) error {
	switch c := d.peek(); c {
	case '"':
	case '{', '[':
		return d.wrongType("Blob")
	default:
		return serialization(msgNotBase64)
	}
	s, err := d.stringBytes()
	if err != nil {
		return err
	}
	*dst, err = decodeBase64(s)
	return err
}

// decodeBase64 decodes standard padded base64, rejecting the line breaks
// that encoding/base64 would skip.
func decodeBase64(s []byte) ([]byte, error) {
	if len(s)%4 != 0 {
		return nil, serialization("Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s)))
	}
	if bytes.ContainsAny(s, "\r\n") {
		return nil, serialization(msgUnexpectedType)
	}
	out, err := base64.StdEncoding.AppendDecode(make([]byte, 0, base64.StdEncoding.DecodedLen(len(s))), s)
	if err != nil {
		return nil, serialization(msgUnexpectedType)
	}
	return out, nil
}

func (d *decoder) boolMember(dst *bool) error {
	switch {
	case d.peek() == 't' && d.consumeLiteral("true"):
		*dst = true
	case d.peek() == 'f' && d.consumeLiteral("false"):
		*dst = false
	default:
		return d.wrongType("Boolean")
	}
	return nil
}

func (d *decoder) nullMember(v *Value) error {
	if err := d.boolMember(&v.Bool); err != nil {
		return err
	}
	if !v.Bool {
		d.invalid(dberr.Invalidf(msgNullNotTrue))
		v.Bool = true
	}
	return nil
}

// openArray consumes '[' or returns the error for another JSON type.
func (d *decoder) openArray() error {
	switch d.peek() {
	case '[':
		d.pos++
		return nil
	case '{':
		return serialization(msgStartOfMap)
	}
	return serialization(msgUnexpectedType)
}

// elements walks the elements of an array whose '[' is consumed.
func (d *decoder) elements(fn func() error) error {
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return nil
		default:
			return serialization(msgMalformedJSON)
		}
	}
}

func (d *decoder) listMember(v *Value, depth int) error {
	if err := d.openArray(); err != nil {
		return err
	}
	v.L = make([]Value, 0, 4)
	return d.elements(func() error {
		v.L = append(v.L, Value{})
		return d.attributeValue(&v.L[len(v.L)-1], depth+1)
	})
}

func (d *decoder) mapMember(v *Value, depth int) error {
	m, err := d.valueMap(depth + 1)
	v.M = m
	return err
}

// valueMap decodes a JSON object of attribute values.
func (d *decoder) valueMap(depth int) (map[string]Value, error) {
	switch d.peek() {
	case '{':
		d.pos++
	case '[':
		return nil, serialization(msgStartOfList)
	default:
		return nil, serialization(msgUnexpectedType)
	}
	m := make(map[string]Value)
	err := d.members(func(key []byte) error {
		var v Value
		err := d.attributeValue(&v, depth)
		m[string(key)] = v
		return err
	})
	return m, err
}

func (d *decoder) stringSetMember(dst *[]string, numbers bool) error {
	if err := d.openArray(); err != nil {
		return err
	}
	*dst = make([]string, 0, 4)
	return d.elements(func() error {
		var s string
		var err error
		if numbers {
			err = d.numberMember(&s)
		} else {
			err = d.stringMember(&s, "String")
		}
		*dst = append(*dst, s)
		return err
	})
}

func (d *decoder) binarySetMember(dst *[][]byte) error {
	if err := d.openArray(); err != nil {
		return err
	}
	*dst = make([][]byte, 0, 4)
	return d.elements(func() error {
		var b []byte
		err := d.binaryMember(&b)
		*dst = append(*dst, b)
		return err
	})
}

// skipValue skips any JSON value (the member of a key DynamoDB does not
// know).
func (d *decoder) skipValue(depth int) error {
	if depth > maxParseDepth {
		return dberr.Validationf(msgNesting)
	}
	switch c := d.peek(); {
	case c == '"':
		_, err := d.stringBytes()
		return err
	case c == '{':
		d.pos++
		return d.members(func([]byte) error { return d.skipValue(depth + 1) })
	case c == '[':
		d.pos++
		return d.elements(func() error { return d.skipValue(depth + 1) })
	case c == 't' && d.consumeLiteral("true"), c == 'f' && d.consumeLiteral("false"),
		c == 'n' && d.consumeLiteral("null"):
		return nil
	case c == '-' || isDigit(c):
		return d.skipNumber()
	}
	return serialization(msgMalformedJSON)
}

// skipNumber skips a JSON number.
func (d *decoder) skipNumber() error {
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if !isDigit(c) && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		d.pos++
	}
	if _, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64); err != nil && !isRangeErr(err) {
		return serialization(msgMalformedJSON)
	}
	return nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// stringBytes reads a JSON string at the cursor (which is at '"'). The
// result aliases the input when the string has no escapes and is valid
// UTF-8; otherwise it is a fresh slice with escapes decoded and invalid
// UTF-8 replaced by U+FFFD, as encoding/json does.
func (d *decoder) stringBytes() ([]byte, error) {
	d.pos++ // opening quote
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if ascii || utf8.Valid(s) {
				return s, nil
			}
			return sanitizeUTF8(s), nil
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return nil, serialization(msgMalformedJSON)
		case c >= utf8.RuneSelf:
			ascii = false
		}
		d.pos++
	}
	return nil, serialization(msgMalformedJSON)
}

func sanitizeUTF8(s []byte) []byte {
	out := make([]byte, 0, len(s)+8)
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		out = utf8.AppendRune(out, r)
		s = s[size:]
	}
	return out
}

// unescape decodes the rest of a string that has an escape, from start.
func (d *decoder) unescape(start int) ([]byte, error) {
	out := make([]byte, 0, d.pos-start+16)
	out = append(out, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if utf8.Valid(out) {
				return out, nil
			}
			return sanitizeUTF8(out), nil
		case c < 0x20:
			return nil, serialization(msgMalformedJSON)
		case c != '\\':
			out = append(out, c)
			d.pos++
			continue
		}
		var err error
		if out, err = d.escape(out); err != nil {
			return nil, err
		}
	}
	return nil, serialization(msgMalformedJSON)
}

// escape decodes the escape sequence at the cursor (at '\').
func (d *decoder) escape(out []byte) ([]byte, error) {
	if d.pos+1 >= len(d.data) {
		return nil, serialization(msgMalformedJSON)
	}
	c := d.data[d.pos+1]
	d.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'u':
		return d.unicodeEscape(out)
	}
	return nil, serialization(msgMalformedJSON)
}

// unicodeEscape decodes \uXXXX (its "\u" consumed), joining surrogate pairs.
func (d *decoder) unicodeEscape(out []byte) ([]byte, error) {
	r, ok := d.hex4()
	if !ok {
		return nil, serialization(msgMalformedJSON)
	}
	if utf16.IsSurrogate(r) {
		save := d.pos
		if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
			d.pos += 2
			if r2, ok := d.hex4(); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return utf8.AppendRune(out, dec), nil
				}
			}
		}
		d.pos = save
		r = utf8.RuneError
	}
	return utf8.AppendRune(out, r), nil
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		var n byte
		switch {
		case isDigit(c):
			n = c - '0'
		case c >= 'a' && c <= 'f':
			n = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			n = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(n)
	}
	d.pos += 4
	return r, true
}

// typeOfKey is ParseType for a key in the input, without allocating.
func typeOfKey(key []byte) Type {
	switch string(key) {
	case "S":
		return TypeS
	case "N":
		return TypeN
	case "B":
		return TypeB
	case "BOOL":
		return TypeBOOL
	case "NULL":
		return TypeNULL
	case "L":
		return TypeL
	case "M":
		return TypeM
	case "SS":
		return TypeSS
	case "NS":
		return TypeNS
	case "BS":
		return TypeBS
	}
	return TypeInvalid
}
