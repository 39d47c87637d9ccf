package partition

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Storage layout (see DESIGN.md): every key of partition id starts with
// 'p' + id (8 bytes big-endian), then
//
//	'm'                                   metadata (meta.encode)
//	'i' hash64(pk) enc(pk) [enc(sk)]      attr.AppendItem(item)
const (
	partitionTag = 'p'
	metaTag      = 'm'
	itemTag      = 'i'

	metaVersion = 1
	metaLen     = 1 + 3*8
)

// partitionPrefix returns 'p' + id.
func partitionPrefix(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{partitionTag}, id)
}

// meta is a partition's metadata, written in the same batch as every write.
type meta struct {
	applied uint64
	items   int64
	bytes   int64
}

func (m meta) encode() []byte {
	b := make([]byte, 0, metaLen)
	b = append(b, metaVersion)
	b = binary.BigEndian.AppendUint64(b, m.applied)
	b = binary.BigEndian.AppendUint64(b, uint64(m.items))
	return binary.BigEndian.AppendUint64(b, uint64(m.bytes))
}

func decodeMeta(b []byte) (meta, error) {
	if len(b) != metaLen || b[0] != metaVersion {
		return meta{}, fmt.Errorf("partition: bad metadata record (%d bytes)", len(b))
	}
	return meta{
		applied: binary.BigEndian.Uint64(b[1:]),
		items:   int64(binary.BigEndian.Uint64(b[9:])),
		bytes:   int64(binary.BigEndian.Uint64(b[17:])),
	}, nil
}

// keyspace builds the storage keys of one partition.
type keyspace struct {
	prefix []byte // 'p' + id
	schema schema.KeySchema
}

func (k keyspace) metaKey() []byte {
	return append(bytes.Clone(k.prefix), metaTag)
}

// itemsStart and itemsEnd bound every item key of the partition.
func (k keyspace) itemsStart() []byte { return append(bytes.Clone(k.prefix), itemTag) }
func (k keyspace) itemsEnd() []byte   { return append(bytes.Clone(k.prefix), itemTag+1) }

// hashStart is the first item key whose partition-key hash is h or more.
func (k keyspace) hashStart(h uint64) []byte {
	return binary.BigEndian.AppendUint64(k.itemsStart(), h)
}

// hashKeyPrefix is the common prefix of the item keys of partition key v.
func (k keyspace) hashKeyPrefix(v attr.Value) ([]byte, error) {
	b, err := keyenc.Append(k.hashStart(keyenc.Hash(v)), v)
	if err != nil {
		return nil, fmt.Errorf("partition: encode partition key: %w", err)
	}
	return b, nil
}

// itemKey returns the storage key of the item with primary key key (extra
// attributes are ignored). A key that does not match the schema is a
// ValidationException with DynamoDB's message.
func (k keyspace) itemKey(key attr.Item) ([]byte, error) {
	h, r, err := k.keyValues(key)
	if err != nil {
		return nil, err
	}
	b, err := k.hashKeyPrefix(h)
	if err != nil {
		return nil, err
	}
	if !k.schema.HasRange() {
		return b, nil
	}
	if b, err = keyenc.Append(b, r); err != nil {
		return nil, fmt.Errorf("partition: encode sort key: %w", err)
	}
	return b, nil
}

// errKeySchema is DynamoDB's message for a key of the wrong shape.
func errKeySchema() error {
	return dberr.Validationf("The provided key element does not match the schema")
}

// keyValues returns the partition and sort key values of key.
func (k keyspace) keyValues(key attr.Item) (h, r attr.Value, err error) {
	h, ok := key[k.schema.Hash.Name]
	if !ok || h.T != k.schema.Hash.Type {
		return h, r, errKeySchema()
	}
	if !k.schema.HasRange() {
		return h, r, nil
	}
	r, ok = key[k.schema.Range.Name]
	if !ok || r.T != k.schema.Range.Type {
		return h, r, errKeySchema()
	}
	return h, r, nil
}
