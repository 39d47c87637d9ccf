package router

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// This file is a hand-written fast path for decoding the request bodies of
// the hot item operations (GetItem, PutItem, UpdateItem, DeleteItem), which
// spend much of their decoding time in encoding/json's reflection.
//
// It only accepts the plain shape real clients send and gives up (returns
// false) on anything else, leaving the target untouched, so that decode runs
// encoding/json on it: every error message and corner case (case-insensitive
// or repeated keys, nulls inside arrays, legacy parameters, invalid UTF-8...)
// stays encoding/json's. The invariant, checked by FuzzFastDecode, is that
// when the fast path accepts a body, encoding/json accepts it too and decodes
// it into a DeepEqual value.
//
// Attribute values are decoded by attr.Item.UnmarshalJSON, the very code
// encoding/json calls for them, on the same bytes.

// fastDecoder is implemented by the request types that have a fast path.
// decodeFast fills the receiver from body and returns true, or returns
// false and leaves the receiver untouched. The receiver must be a zero value
// (as encoding/json would merge into a non-zero one).
type fastDecoder interface {
	decodeFast(body []byte) bool
}

// fastMaxDepth bounds the nesting of JSON values the fast path skips over,
// far below encoding/json's own limit (10000) so that it never accepts what
// encoding/json rejects for depth; deeper input is left to the slow path.
const fastMaxDepth = 512

// Field bits, for detecting repeated keys. 0 means an unknown key.
const (
	fConditionExpression uint32 = 1 << iota
	fExpected
	fConditionalOperator
	fExpressionAttributeNames
	fExpressionAttributeValues
	fReturnValues
	fReturnConsumedCapacity
	fReturnItemCollectionMetrics
	fReturnValuesOnConditionCheckFailure
	fTableName
	fKey
	fItem
	fUpdateExpression
	fAttributeUpdates
	fAttributesToGet
	fConsistentRead
	fProjectionExpression
)

func (in *getItemInput) decodeFast(body []byte) bool {
	var out getItemInput
	s := fastScanner{data: body}
	ok := s.fields(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "TableName":
			return fTableName, s.optString(&out.TableName)
		case "Key":
			return fKey, s.item(&out.Key)
		case "AttributesToGet":
			return fAttributesToGet, s.stringList(&out.AttributesToGet)
		case "ConsistentRead":
			return fConsistentRead, s.optBool(&out.ConsistentRead)
		case "ProjectionExpression":
			return fProjectionExpression, s.optString(&out.ProjectionExpression)
		case "ExpressionAttributeNames":
			return fExpressionAttributeNames, s.stringMap(&out.ExpressionAttributeNames)
		case "ReturnConsumedCapacity":
			return fReturnConsumedCapacity, s.optString(&out.ReturnConsumedCapacity)
		}
		return 0, false
	})
	if !ok {
		return false
	}
	*in = out
	return true
}

func (in *putItemInput) decodeFast(body []byte) bool {
	var out putItemInput
	s := fastScanner{data: body}
	ok := s.fields(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "TableName":
			return fTableName, s.optString(&out.TableName)
		case "Item":
			return fItem, s.item(&out.Item)
		}
		return s.writeField(key, &out.conditionInput, &out.writeOptions)
	})
	if !ok {
		return false
	}
	*in = out
	return true
}

func (in *deleteItemInput) decodeFast(body []byte) bool {
	var out deleteItemInput
	s := fastScanner{data: body}
	ok := s.fields(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "TableName":
			return fTableName, s.optString(&out.TableName)
		case "Key":
			return fKey, s.item(&out.Key)
		}
		return s.writeField(key, &out.conditionInput, &out.writeOptions)
	})
	if !ok {
		return false
	}
	*in = out
	return true
}

func (in *updateItemInput) decodeFast(body []byte) bool {
	var out updateItemInput
	s := fastScanner{data: body}
	ok := s.fields(func(key []byte) (uint32, bool) {
		switch string(key) {
		case "TableName":
			return fTableName, s.optString(&out.TableName)
		case "Key":
			return fKey, s.item(&out.Key)
		case "UpdateExpression":
			return fUpdateExpression, s.optString(&out.UpdateExpression)
		case "AttributeUpdates":
			return fAttributeUpdates, s.null()
		}
		return s.writeField(key, &out.conditionInput, &out.writeOptions)
	})
	if !ok {
		return false
	}
	*in = out
	return true
}

// fastScanner is a cursor over a request body.
type fastScanner struct {
	data []byte
	pos  int
}

// writeField decodes a member of the conditionInput or writeOptions shared
// by the write requests, returning its field bit (0 for an unknown key) and
// whether its value was decoded.
func (s *fastScanner) writeField(key []byte, ci *conditionInput, wo *writeOptions) (uint32, bool) {
	switch string(key) {
	case "ConditionExpression":
		return fConditionExpression, s.optString(&ci.ConditionExpression)
	case "Expected":
		return fExpected, s.null()
	case "ConditionalOperator":
		return fConditionalOperator, s.optString(&ci.ConditionalOperator)
	case "ExpressionAttributeNames":
		return fExpressionAttributeNames, s.stringMap(&ci.ExpressionAttributeNames)
	case "ExpressionAttributeValues":
		return fExpressionAttributeValues, s.valueMap(&ci.ExpressionAttributeValues)
	case "ReturnValues":
		return fReturnValues, s.optString(&wo.ReturnValues)
	case "ReturnConsumedCapacity":
		return fReturnConsumedCapacity, s.optString(&wo.ReturnConsumedCapacity)
	case "ReturnItemCollectionMetrics":
		return fReturnItemCollectionMetrics, s.optString(&wo.ReturnItemCollectionMetrics)
	case "ReturnValuesOnConditionCheckFailure":
		return fReturnValuesOnConditionCheckFailure, s.optString(&wo.ReturnValuesOnConditionCheckFailure)
	}
	return 0, false
}

// fields walks the body, which must be exactly one JSON object (with white
// space around it allowed). field is called for each key, with the cursor
// at the member's value, and returns the key's field bit (0 if unknown) and
// whether it consumed a value it accepts. An unknown or repeated key, or a
// key with escapes, gives up.
func (s *fastScanner) fields(field func(key []byte) (uint32, bool)) bool {
	s.skipSpace()
	if !s.consume('{') {
		return false
	}
	var seen uint32
	s.skipSpace()
	if !s.consume('}') {
		for {
			key, ok := s.plainKey()
			if !ok || !s.colon() {
				return false
			}
			bit, ok := field(key)
			if !ok || bit == 0 || seen&bit != 0 {
				return false
			}
			seen |= bit
			s.skipSpace()
			if s.consume('}') {
				break
			}
			if !s.consume(',') {
				return false
			}
			s.skipSpace()
		}
	}
	s.skipSpace()
	return s.pos == len(s.data)
}

func (s *fastScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume consumes c if it is the next byte.
func (s *fastScanner) consume(c byte) bool {
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// literal consumes lit if the input continues with it. What follows is
// checked by the caller (a separator or the end of a container).
func (s *fastScanner) literal(lit string) bool {
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return true
	}
	return false
}

// colon consumes the ':' after a key and the space after it.
func (s *fastScanner) colon() bool {
	s.skipSpace()
	if !s.consume(':') {
		return false
	}
	s.skipSpace()
	return true
}

// plainKey reads a string (the cursor at its quote) that has no escapes
// and only printable ASCII, returned as raw bytes aliasing the input.
// Anything else gives up: such a key matches no field exactly, or is not a
// placeholder the fast path handles.
func (s *fastScanner) plainKey() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c == '"' {
			s.pos++
			return s.data[start : s.pos-1], true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil, false
		}
		s.pos++
	}
	return nil, false
}

// null consumes a JSON null: the only value accepted for the legacy
// parameters, which encoding/json then leaves nil.
func (s *fastScanner) null() bool {
	return s.literal("null")
}

// optString decodes a string or null into a *string field.
func (s *fastScanner) optString(dst **string) bool {
	if s.literal("null") {
		*dst = nil
		return true
	}
	v, ok := s.str()
	if !ok {
		return false
	}
	*dst = &v
	return true
}

// optBool decodes true, false or null into a *bool field.
func (s *fastScanner) optBool(dst **bool) bool {
	var b bool
	switch {
	case s.literal("null"):
		*dst = nil
		return true
	case s.literal("true"):
		b = true
	case s.literal("false"):
	default:
		return false
	}
	*dst = &b
	return true
}

// stringList decodes null or an array of strings (no nulls) into a
// []string field; [] gives an empty, non-nil slice, as in encoding/json.
func (s *fastScanner) stringList(dst *[]string) bool {
	if s.literal("null") {
		*dst = nil
		return true
	}
	if !s.consume('[') {
		return false
	}
	out := []string{}
	s.skipSpace()
	if s.consume(']') {
		*dst = out
		return true
	}
	for {
		v, ok := s.str()
		if !ok {
			return false
		}
		out = append(out, v)
		s.skipSpace()
		if s.consume(']') {
			*dst = out
			return true
		}
		if !s.consume(',') {
			return false
		}
		s.skipSpace()
	}
}

// stringMap decodes null or an object of strings (no nulls, no repeated
// keys) into a map[string]string field; {} gives an empty, non-nil map.
func (s *fastScanner) stringMap(dst *map[string]string) bool {
	if s.literal("null") {
		*dst = nil
		return true
	}
	if !s.consume('{') {
		return false
	}
	out := make(map[string]string)
	s.skipSpace()
	if s.consume('}') {
		*dst = out
		return true
	}
	for {
		k, ok := s.str()
		if !ok || !s.colon() {
			return false
		}
		if _, dup := out[k]; dup {
			return false
		}
		v, ok := s.str()
		if !ok {
			return false
		}
		out[k] = v
		s.skipSpace()
		if s.consume('}') {
			*dst = out
			return true
		}
		if !s.consume(',') {
			return false
		}
		s.skipSpace()
	}
}

// item decodes an attr.Item field (Key, Item): the extent of the JSON value
// (an object or null) is found and handed to attr.Item.UnmarshalJSON,
// exactly as encoding/json does. Any error gives up, for the slow path to
// report.
func (s *fastScanner) item(dst *attr.Item) bool {
	start := s.pos
	if s.pos >= len(s.data) || (s.data[s.pos] != '{' && s.data[s.pos] != 'n') {
		return false
	}
	if !s.skipValue(0) {
		return false
	}
	var it attr.Item
	if err := it.UnmarshalJSON(s.data[start:s.pos]); err != nil {
		return false
	}
	*dst = it
	return true
}

// valueMap decodes ExpressionAttributeValues (map[string]attr.Value): null,
// or an object whose keys are plain ASCII without escapes, decoded by
// attr.Item.UnmarshalJSON. encoding/json would decode each entry with
// attr.Value.UnmarshalJSON, which runs the same parser from the same state
// as the item decoder does for each member; both keep the last of repeated
// keys, and a null entry (which encoding/json accepts as an empty value) is
// an error for the item decoder, so gives up. Plain keys rule out any
// difference in how keys are unquoted.
func (s *fastScanner) valueMap(dst *map[string]attr.Value) bool {
	if s.literal("null") {
		*dst = nil
		return true
	}
	start := s.pos
	if !s.consume('{') {
		return false
	}
	s.skipSpace()
	if !s.consume('}') {
		for {
			if _, ok := s.plainKey(); !ok || !s.colon() {
				return false
			}
			if !s.skipValue(1) {
				return false
			}
			s.skipSpace()
			if s.consume('}') {
				break
			}
			if !s.consume(',') {
				return false
			}
			s.skipSpace()
		}
	}
	var it attr.Item
	if err := it.UnmarshalJSON(s.data[start:s.pos]); err != nil {
		return false
	}
	*dst = map[string]attr.Value(it)
	return true
}

// skipValue moves past one JSON value at the cursor, validating it as
// strictly as encoding/json's scanner; false means invalid JSON or nesting
// deeper than fastMaxDepth.
func (s *fastScanner) skipValue(depth int) bool {
	if depth > fastMaxDepth || s.pos >= len(s.data) {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '"':
		return s.skipString()
	case c == '{':
		s.pos++
		s.skipSpace()
		if s.consume('}') {
			return true
		}
		for {
			if s.pos >= len(s.data) || s.data[s.pos] != '"' || !s.skipString() || !s.colon() || !s.skipValue(depth+1) {
				return false
			}
			s.skipSpace()
			if s.consume('}') {
				return true
			}
			if !s.consume(',') {
				return false
			}
			s.skipSpace()
		}
	case c == '[':
		s.pos++
		s.skipSpace()
		if s.consume(']') {
			return true
		}
		for {
			if !s.skipValue(depth + 1) {
				return false
			}
			s.skipSpace()
			if s.consume(']') {
				return true
			}
			if !s.consume(',') {
				return false
			}
			s.skipSpace()
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || isDigit(c):
		return s.skipNumber()
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipNumber moves past a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *fastScanner) skipNumber() bool {
	s.consume('-')
	switch {
	case s.consume('0'):
	case s.pos < len(s.data) && '1' <= s.data[s.pos] && s.data[s.pos] <= '9':
		s.digits()
	default:
		return false
	}
	if s.consume('.') && !s.digits() {
		return false
	}
	if s.consume('e') || s.consume('E') {
		if !s.consume('+') {
			s.consume('-')
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits consumes a run of digits and reports whether it was non-empty.
func (s *fastScanner) digits() bool {
	start := s.pos
	for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
		s.pos++
	}
	return s.pos > start
}

// skipString moves past a string (the cursor at its quote), validating its
// escapes and rejecting control characters, as encoding/json's scanner
// does. Invalid UTF-8 is valid JSON there (it decodes to U+FFFD).
func (s *fastScanner) skipString() bool {
	s.pos++
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return true
		case c == '\\':
			if !s.skipEscape() {
				return false
			}
			continue
		case c < 0x20:
			return false
		}
		s.pos++
	}
	return false
}

// skipEscape moves past a valid escape sequence at the cursor (at '\').
func (s *fastScanner) skipEscape() bool {
	if s.pos+1 >= len(s.data) {
		return false
	}
	switch s.data[s.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos += 2
		return true
	case 'u':
		if hex4(s.data[s.pos+2:]) < 0 {
			return false
		}
		s.pos += 6
		return true
	}
	return false
}

// hex4 parses four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case isDigit(c):
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// str decodes a JSON string at the cursor (which must be at its quote) as
// encoding/json would, giving up on invalid UTF-8 (which encoding/json
// would replace) and on anything that is not a valid string.
func (s *fastScanner) str() (string, bool) {
	if !s.consume('"') {
		return "", false
	}
	start := s.pos
	ascii := true
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw := s.data[start:s.pos]
			s.pos++
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c == '\\':
			return s.unescape(start)
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.pos++
	}
	return "", false
}

// unescape decodes the rest of a string that has an escape at the cursor,
// its contents starting at start, with encoding/json's rules for \u escapes
// (surrogate pairs joined, lone or mismatched surrogates as U+FFFD).
//
// The raw text between the quotes is checked to be valid UTF-8 as a whole:
// escapes are ASCII, so that holds exactly when every unescaped run is
// valid, which is when encoding/json copies each run unchanged.
func (s *fastScanner) unescape(start int) (string, bool) {
	out := make([]byte, 0, s.pos-start+16)
	out = append(out, s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !utf8.Valid(s.data[start : s.pos-1]) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.pos++
			continue
		}
		if s.pos+1 >= len(s.data) {
			return "", false
		}
		e := s.data[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(s.data[s.pos:])
			if r < 0 {
				return "", false
			}
			s.pos += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(s.data)-s.pos >= 6 && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
					r2 = hex4(s.data[s.pos+2:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					s.pos += 6
					r = dec
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}
