package attr

import (
	"bytes"
	"errors"
	"testing"
)

func sampleItem() Item {
	return Item{
		"id":    Str("user#1"),
		"n":     num("-12.5"),
		"bin":   Bin([]byte{0, 1, 255}),
		"empty": Str(""),
		"t":     Bool(true),
		"f":     Bool(false),
		"nil":   Null(),
		"list":  List(Str("a"), num("1"), List(), Map(map[string]Value{})),
		"map": Map(map[string]Value{
			"inner": Map(map[string]Value{"deep": Value{T: TypeSS, SS: []string{"x", "y"}}}),
			"":      Str("empty key"),
		}),
		"ss": Value{T: TypeSS, SS: []string{"b", "a"}},
		"ns": Value{T: TypeNS, SS: []string{"3", "1"}},
		"bs": Value{T: TypeBS, BS: [][]byte{{1}, {}}},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		it   Item
	}{
		{"empty", Item{}},
		{"nil", nil},
		{"sample", sampleItem()},
		{"deep", Item{"d": nested(40)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := AppendItem(nil, tc.it)
			got, err := DecodeItem(enc)
			if err != nil {
				t.Fatalf("DecodeItem: %v", err)
			}
			if !Equal(Map(got), Map(tc.it)) {
				t.Fatalf("round trip: got %#v, want %#v", got, tc.it)
			}
			if again := AppendItem(nil, got); !bytes.Equal(again, enc) {
				t.Fatalf("re-encoding differs")
			}
		})
	}
}

func TestCodecDeterministic(t *testing.T) {
	first := AppendItem(nil, sampleItem())
	for range 50 {
		if got := AppendItem(nil, sampleItem()); !bytes.Equal(got, first) {
			t.Fatal("encoding depends on map order")
		}
	}
	prefix := []byte("prefix")
	if got := AppendItem(prefix, sampleItem()); !bytes.Equal(got[len(prefix):], first) || !bytes.HasPrefix(got, prefix) {
		t.Fatal("AppendItem does not append")
	}
}

func TestDecodeItemDoesNotAlias(t *testing.T) {
	enc := AppendItem(nil, Item{"b": Bin([]byte{7}), "bs": {T: TypeBS, BS: [][]byte{{8}}}})
	it, err := DecodeItem(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range enc {
		enc[i] = 0
	}
	if it["b"].B[0] != 7 || it["bs"].BS[0][0] != 8 {
		t.Fatal("decoded item shares memory with its input")
	}
}

func TestDecodeItemCorrupt(t *testing.T) {
	good := AppendItem(nil, sampleItem())
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"bad version", []byte{9, 0}},
		{"truncated count", []byte{codecVersion}},
		{"count past end", []byte{codecVersion, 5}},
		{"non-minimal varint", []byte{codecVersion, 0x80, 0x00}},
		{"bad varint", []byte{codecVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"missing value", []byte{codecVersion, 1, 1, 'a'}},
		{"unknown type", []byte{codecVersion, 1, 1, 'a', 99}},
		{"invalid type", []byte{codecVersion, 1, 1, 'a', 0}},
		{"bad bool", []byte{codecVersion, 1, 1, 'a', byte(TypeBOOL), 2}},
		{"string past end", []byte{codecVersion, 1, 1, 'a', byte(TypeS), 10, 'x'}},
		{"names out of order", []byte{codecVersion, 2, 1, 'b', byte(TypeNULL), 1, 'a', byte(TypeNULL)}},
		{"duplicate names", []byte{codecVersion, 2, 1, 'a', byte(TypeNULL), 1, 'a', byte(TypeNULL)}},
		{"trailing bytes", append(append([]byte{}, good...), 0)},
		{"truncated", good[:len(good)-1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeItem(tc.in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("DecodeItem = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestClone(t *testing.T) {
	orig := sampleItem()
	c := orig.Clone()
	if !Equal(Map(c), Map(orig)) {
		t.Fatal("clone differs")
	}
	c["bin"].B[0] = 42
	c["list"].L[0] = Str("changed")
	c["map"].M["inner"].M["deep"].SS[0] = "changed"
	c["bs"].BS[0][0] = 42
	c["new"] = Str("x")
	if !Equal(Map(orig), Map(sampleItem())) {
		t.Fatal("mutating the clone changed the original")
	}
	if Item(nil).Clone() != nil {
		t.Fatal("clone of nil item is not nil")
	}
}
