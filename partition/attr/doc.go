// Package attr is flotilla's data model: DynamoDB attribute values and items.
//
// It owns the Value type (the ten DynamoDB types S, N, B, BOOL, NULL, L, M,
// SS, NS, BS), its wire JSON form ({"S":"x"}, {"N":"1.5"}, ...), the
// validation rules DynamoDB applies to values (empty sets, duplicate set
// members, 32 levels of nesting, number range and precision), exact decimal
// numbers, item size computed DynamoDB's way, comparison of values, and a
// compact binary encoding for storage.
//
// Checking a request value is split in two, and callers run both:
//
//   - Value.UnmarshalJSON / Item.UnmarshalJSON check what only the JSON text
//     shows: each value has exactly one type key, each member has the right
//     JSON type (SerializationException otherwise), binaries are base64,
//     NULL is true, and numbers parse and are in range (they are stored in
//     canonical form). Serialization errors win over validation errors
//     found in the same input, as in DynamoDB.
//   - Validate / ValidateItem check the rules of the decoded value: a type
//     is set, sets are non-empty and without duplicates, nesting is at most
//     MaxDepth, numbers are in range. They also serve values built in code.
//
// Rules that depend on where a value is used (key attributes may not be
// empty, item size against MaxItemSize) are the caller's.
//
// Values are plain data: the package starts no goroutines, does no I/O, and
// a Value is safe to share between goroutines as long as nobody mutates it.
package attr
