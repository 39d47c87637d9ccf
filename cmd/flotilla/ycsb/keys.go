package ycsb

import (
	"strconv"
)

// FNVHash64 is YCSB's Utils.fnvhash64: FNV-1a over the eight bytes of v,
// least significant first, made non-negative as Java's Math.abs does.
func FNVHash64(v int64) int64 {
	const (
		offsetBasis = 0xCBF29CE484222325
		prime       = 1099511628211
	)
	h := uint64(offsetBasis)
	for range 8 {
		h ^= uint64(v & 0xff)
		h *= prime
		v >>= 8
	}
	s := int64(h)
	if s < 0 {
		s = -s // Math.abs: MinInt64 stays negative, as in Java
	}
	return s
}

// KeyName is the key of record keynum, as YCSB builds it with hashed
// insert order: "user" followed by the FNV hash of the number.
func KeyName(keynum int64) string {
	return "user" + strconv.FormatInt(FNVHash64(keynum), 10)
}

// BucketName is the hash key of record keynum in workload E's table: one
// of buckets names "b0".."b<buckets-1>", chosen from the key's hash so
// that the records of a bucket are spread over the whole key space.
func BucketName(keynum int64, buckets int) string {
	return "b" + strconv.FormatInt(FNVHash64(keynum)%int64(buckets), 10)
}

// FieldName is the name of field i: field0..field9.
func FieldName(i int) string { return "field" + strconv.Itoa(i) }
