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
	b := []byte{commandVersion, byte(cmd.Op), 0}
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

func appendItemField(b []byte, it attr.Item) []byte {
	if it == nil {
		return binary.AppendUvarint(b, 0)
	}
	enc := attr.AppendItem(nil, it)
	return append(binary.AppendUvarint(b, uint64(len(enc))), enc...)
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
