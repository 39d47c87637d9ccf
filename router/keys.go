package router

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// DynamoDB's key size limits, in bytes of the key value.
const (
	maxHashKeyBytes  = 2048
	maxRangeKeyBytes = 1024
)

// errKeySchema is DynamoDB's answer to a Key map whose attributes do not
// match the table's key schema.
func errKeySchema() *dberr.Error {
	return dberr.Validationf("The provided key element does not match the schema")
}

// validateItemKey checks that a whole item (PutItem, BatchWriteItem
// PutRequest) carries the table's key attributes with the declared types,
// non-empty and within the size limits.
func validateItemKey(item attr.Item, ks schema.KeySchema) error {
	if err := ks.CheckItem(item); err != nil {
		return err
	}
	return validateKeyValues(item, ks)
}

// validateKey checks a Key map (GetItem, UpdateItem, DeleteItem, batch
// keys): exactly the key attributes, each of the declared type, non-empty
// and within the size limits.
func validateKey(key attr.Item, ks schema.KeySchema) error {
	if err := matchKeySchema(key, ks); err != nil {
		return err
	}
	return validateKeyValues(key, ks)
}

// matchKeySchema reports errKeySchema unless key holds exactly the key
// attributes of ks with their declared types.
func matchKeySchema(key attr.Item, ks schema.KeySchema) error {
	attrs := ks.Attrs()
	if len(key) != len(attrs) {
		return errKeySchema()
	}
	for _, k := range attrs {
		v, ok := key[k.Name]
		if !ok || v.T != k.Type {
			return errKeySchema()
		}
	}
	return nil
}

// validateKeyValues checks the key attributes of a key or item whose types
// already match: no empty strings or binaries, and the size limits.
func validateKeyValues(item attr.Item, ks schema.KeySchema) error {
	for i, k := range ks.Attrs() {
		v := item[k.Name]
		n, kind := keyValueBytes(v)
		if n == 0 && kind != "" {
			return dberr.Validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", kind, k.Name)
		}
		if i == 0 && n > maxHashKeyBytes {
			return dberr.Invalidf("Size of hashkey has exceeded the maximum size limit of%d bytes", maxHashKeyBytes)
		}
		if i == 1 && n > maxRangeKeyBytes {
			return dberr.Invalidf("Aggregated size of all range keys has exceeded the size limit of %d bytes", maxRangeKeyBytes)
		}
	}
	return nil
}

// keyValueBytes returns the byte length of a string or binary key value and
// its kind for messages ("string", "binary"); numbers have no empty form and
// no size limit here, so kind is "" for them.
func keyValueBytes(v attr.Value) (int, string) {
	switch v.T {
	case attr.TypeS:
		return len(v.S), "string"
	case attr.TypeB:
		return len(v.B), "binary"
	}
	return 0, ""
}

// canonicalKey renders the attributes of key in a canonical form (sorted
// names, canonical values) so that equal keys give equal strings; it is used
// to find duplicates within a batch.
func canonicalKey(key attr.Item) string {
	names := make([]string, 0, len(key))
	for n := range key {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		v, err := json.Marshal(key[n])
		if err != nil {
			// Values that cannot be rendered were rejected by validation;
			// fall back to something unique to this key.
			v = []byte(err.Error())
		}
		b.WriteString(n)
		b.WriteByte(0)
		b.Write(v)
		b.WriteByte(0)
	}
	return b.String()
}
