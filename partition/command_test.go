package partition

import (
	"bytes"
	"errors"
	"maps"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestCommandRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		cmd  *Command
	}{
		{"empty put", &Command{Op: OpPut}},
		{"put", &Command{Op: OpPut, Item: item("id", attr.Str("a"), "n", num("-1.5"), "b", attr.Bin([]byte{0, 1}),
			"l", attr.List(attr.Null(), attr.Bool(true)), "m", attr.Map(map[string]attr.Value{"x": attr.Str("y")}))}},
		{"update", &Command{
			Op: OpUpdate, Item: item("id", attr.Str("a")), Condition: "attribute_exists(#a) AND #b < :v",
			Update: "SET #a = :v ADD c :one", Names: map[string]string{"#a": "a", "#b": "b", "#c": "c"},
			Values:       map[string]attr.Value{":v": num("3"), ":one": num("1"), ":s": attr.Value{T: attr.TypeSS, SS: []string{"x", "y"}}},
			ReturnValues: ReturnUpdatedNew, ReturnOldOnConditionFailure: true,
		}},
		{"delete", &Command{Op: OpDelete, Item: item("id", attr.Str("ü\x00")), ReturnValues: ReturnAllOld}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := EncodeCommand(tt.cmd)
			for range 5 { // map iteration order must not leak into the bytes
				if again := EncodeCommand(tt.cmd); !bytes.Equal(enc, again) {
					t.Fatal("EncodeCommand is not deterministic")
				}
			}
			got, err := DecodeCommand(enc)
			if err != nil {
				t.Fatalf("DecodeCommand: %v", err)
			}
			c := tt.cmd
			if got.Op != c.Op || got.Condition != c.Condition || got.Update != c.Update ||
				got.ReturnValues != c.ReturnValues || got.ReturnOldOnConditionFailure != c.ReturnOldOnConditionFailure {
				t.Fatalf("got %+v, want %+v", got, c)
			}
			if !itemsEqual(got.Item, c.Item) || !itemsEqual(got.Values, c.Values) || !maps.Equal(got.Names, c.Names) {
				t.Fatalf("got item %s values %s names %v, want %s %s %v", show(got.Item), show(got.Values), got.Names,
					show(c.Item), show(c.Values), c.Names)
			}
			if !bytes.Equal(EncodeCommand(got), enc) {
				t.Fatal("re-encoding the decoded command differs")
			}
		})
	}
}

func TestDecodeCommandRejectsGarbage(t *testing.T) {
	valid := EncodeCommand(&Command{Op: OpUpdate, Item: item("id", attr.Str("a")), Update: "SET a = :v",
		Names: map[string]string{"#n": "n"}, Values: map[string]attr.Value{":v": num("1")}})
	tests := map[string][]byte{
		"empty":       nil,
		"bad version": append([]byte{9}, valid[1:]...),
		"trailing":    append(bytes.Clone(valid), 0),
		"huge count":  {commandVersion, byte(OpPut), 0, 0, 0, 0, 0, 0xFF, 0xFF, 0x03},
	}
	for i := 3; i < len(valid); i += 3 {
		tests["truncated at "+string(rune('0'+i%10))+"/"+string(rune('a'+i/10))] = valid[:i]
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeCommand(b); !errors.Is(err, ErrBadCommand) {
				t.Fatalf("DecodeCommand err = %v, want ErrBadCommand", err)
			}
		})
	}
}

// TestEncodeCommandItemLengths checks the in-place length prefix of the
// item field at the sizes where its uvarint grows from one to three bytes:
// the field must read back as AppendItem's bytes behind their length.
func TestEncodeCommandItemLengths(t *testing.T) {
	for _, size := range []int{0, 100, 127, 128, 300, 16383, 16384, 70000} {
		it := item("id", attr.Str("a"), "pad", attr.Str(string(bytes.Repeat([]byte{'x'}, size))))
		cmd := &Command{Op: OpPut, Item: it, Condition: "attribute_not_exists(id)"}
		enc := EncodeCommand(cmd)
		want := attr.AppendItem(nil, it)
		d := decoder{b: enc[3:]}
		n := d.uvarint()
		if d.err != nil || n != uint64(len(want)) || !bytes.Equal(d.b[:n], want) {
			t.Fatalf("pad %d: item field of %d bytes does not hold AppendItem's %d bytes", size, n, len(want))
		}
		got, err := DecodeCommand(enc)
		if err != nil || !itemsEqual(got.Item, it) || got.Condition != cmd.Condition {
			t.Fatalf("pad %d: DecodeCommand = %+v, %v", size, got, err)
		}
	}
}
