package partition

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// Command encoding (version 1), all lengths and counts as uvarints:
//
//	version byte (1), op byte, flags byte (bit 0: ReturnOldOnConditionFailure)
//	item         len + attr.AppendItem bytes (len 0: nil)
//	condition    len + text
//	update       len + text
//	returnValues len + text
//	names        count + (len + name, len + value)... sorted by name
//	values       len + attr.AppendItem bytes of the values as an item (0: nil)
//
// Maps are written in sorted order, so equal commands encode to equal bytes.
const (
	commandVersion     = 1
	flagReturnOldOnCCF = 1 << 0
)

// ErrBadCommand is returned by DecodeCommand for bytes EncodeCommand did not
// produce.
var ErrBadCommand = errors.New("partition: malformed command")

// EncodeCommand returns the deterministic binary encoding of cmd, as carried
// by the replication log.
func EncodeCommand(cmd *Command) []byte {
	b := append(make([]byte, 0, commandSizeHint(cmd)), commandVersion, byte(cmd.Op), 0)
	if cmd.ReturnOldOnConditionFailure {
		b[2] |= flagReturnOldOnCCF
	}
	b = appendItemField(b, cmd.Item)
	b = appendString(b, cmd.Condition)
	b = appendString(b, cmd.Update)
	b = appendString(b, cmd.ReturnValues)
	names := make([]string, 0, len(cmd.Names))
	for n := range cmd.Names {
		names = append(names, n)
	}
	sort.Strings(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendString(appendString(b, n), cmd.Names[n])
	}
	return appendItemField(b, attr.Item(cmd.Values))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendItemField appends it's length-prefixed encoding. The item is
// encoded once, straight into b, behind room for the largest length prefix
// it can need; the encoding then moves down to close the gap.
func appendItemField(b []byte, it attr.Item) []byte {
	if it == nil {
		return binary.AppendUvarint(b, 0)
	}
	const room = binary.MaxVarintLen64
	start := len(b)
	b = append(b, make([]byte, room)...)
	b = attr.AppendItem(b, it)
	var hdr [binary.MaxVarintLen64]byte
	h := binary.PutUvarint(hdr[:], uint64(len(b)-start-room))
	copy(b[start+h:], b[start+room:])
	copy(b[start:], hdr[:h])
	return b[:len(b)-(room-h)]
}

// commandSizeHint is a guess at cmd's encoded size, so that the encoding
// is built without regrowing.
func commandSizeHint(cmd *Command) int {
	n := 64 + len(cmd.Condition) + len(cmd.Update) + len(cmd.ReturnValues)
	for k, v := range cmd.Names {
		n += len(k) + len(v) + 2
	}
	return n + encodedSizeHint(cmd.Item) + encodedSizeHint(cmd.Values)
}

// encodedSizeHint is a guess at the size of attr.AppendItem(m).
func encodedSizeHint(m map[string]attr.Value) int {
	if m == nil {
		return 0
	}
	return attr.ItemSize(m) + 8*len(m) + 16
}

// DecodeCommand reverses EncodeCommand.
func DecodeCommand(b []byte) (*Command, error) {
	if len(b) < 3 || b[0] != commandVersion {
		return nil, fmt.Errorf("%w: bad header", ErrBadCommand)
	}
	cmd := &Command{Op: Op(b[1]), ReturnOldOnConditionFailure: b[2]&flagReturnOldOnCCF != 0}
	d := decoder{b: b[3:]}
	cmd.Item = d.item()
	cmd.Condition = d.string()
	cmd.Update = d.string()
	cmd.ReturnValues = d.string()
	if n := d.uvarint(); n > 0 && d.err == nil {
		if n > uint64(len(d.b)) {
			return nil, fmt.Errorf("%w: %d names in %d bytes", ErrBadCommand, n, len(d.b))
		}
		cmd.Names = make(map[string]string, n)
		for range n {
			k := d.string()
			cmd.Names[k] = d.string()
		}
	}
	cmd.Values = map[string]attr.Value(d.item())
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", ErrBadCommand, len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return cmd, nil
}

// decoder reads fields, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("%w: bad length", ErrBadCommand)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = fmt.Errorf("%w: field of %d bytes in %d", ErrBadCommand, n, len(d.b))
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) item() attr.Item {
	raw := d.bytes()
	if d.err != nil || len(raw) == 0 {
		return nil
	}
	it, err := attr.DecodeItem(raw)
	if err != nil {
		d.err = fmt.Errorf("%w: %w", ErrBadCommand, err)
	}
	return it
}
