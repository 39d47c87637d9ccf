package attr

import "testing"

func TestSize(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want int
	}{
		{"string ascii", Str("hello"), 5},
		{"string utf8", Str("é😀"), 6},
		{"empty string", Str(""), 0},
		{"number one digit", num("1"), 2},
		{"number two digits", num("12"), 2},
		{"number three digits", num("123"), 3},
		{"trailing zeros not significant", num("1000000"), 2},
		{"leading zeros not significant", num("0.0001"), 2},
		{"negative", num("-12.5"), 3},
		{"zero", num("0"), 1},
		{"38 digits", num("12345678901234567890123456789012345678"), 20},
		{"binary", Bin([]byte{1, 2, 3}), 3},
		{"bool", Bool(true), 1},
		{"null", Null(), 1},
		{"empty list", List(), 3},
		{"empty map", Map(map[string]Value{}), 3},
		{"list", List(Str("ab"), Null()), 3 + 2 + 2 + 1},
		{"map", Map(map[string]Value{"key": Str("val")}), 3 + 1 + 3 + 3},
		{"string set", Value{T: TypeSS, SS: []string{"a", "bc"}}, 3},
		{"number set", Value{T: TypeNS, SS: []string{"1", "123"}}, 2 + 3},
		{"binary set", Value{T: TypeBS, BS: [][]byte{{1}, {1, 2}}}, 3},
		{"invalid", Value{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Size(tc.v); got != tc.want {
				t.Fatalf("Size = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestItemSize(t *testing.T) {
	it := Item{"id": Str("abc"), "n": num("42"), "flag": Bool(true)}
	if got, want := ItemSize(it), 2+3+1+2+4+1; got != want {
		t.Fatalf("ItemSize = %d, want %d", got, want)
	}
	if ItemSize(nil) != 0 {
		t.Fatal("ItemSize(nil) != 0")
	}
}
