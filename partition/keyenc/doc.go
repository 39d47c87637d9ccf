// Package keyenc encodes DynamoDB key values (S, N and B) into byte strings
// whose bytes.Compare order equals DynamoDB's sort order, and hashes
// partition keys for placement and scan order.
//
// It owns the storage form of keys: strings and binaries compare by unsigned
// bytes, numbers numerically. Every encoding is self-delimiting, so a
// partition key encoding followed by a sort key encoding forms a composite
// key that still sorts by (partition key, sort key), and an encoding is never
// a proper prefix of another. Decoders reverse the encodings.
//
// Callers validate values first (numbers in DynamoDB's range, non-empty
// keys); keyenc only rejects text that is not a decimal number at all.
//
// All functions are pure and safe for concurrent use.
package keyenc
