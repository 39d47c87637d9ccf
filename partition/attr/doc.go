// Package attr is flotilla's data model: DynamoDB attribute values and items.
//
// It owns the Value type (the ten DynamoDB types S, N, B, BOOL, NULL, L, M,
// SS, NS, BS), its wire JSON form ({"S":"x"}, {"N":"1.5"}, ...), the
// validation rules DynamoDB applies to values (empty sets, duplicate set
// members, 32 levels of nesting, number range and precision), exact decimal
// numbers, item size computed DynamoDB's way, comparison of values, and a
// compact binary encoding for storage.
//
// Values are plain data: the package starts no goroutines, does no I/O, and
// a Value is safe to share between goroutines as long as nobody mutates it.
package attr
