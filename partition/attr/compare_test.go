package attr

import (
	"fmt"
	"testing"
)

func TestEqual(t *testing.T) {
	bigA := make([]string, 100)
	bigB := make([]string, 100)
	for i := range bigA {
		bigA[i] = fmt.Sprint(i)
		bigB[99-i] = fmt.Sprintf("%d.0", i)
	}
	tests := []struct {
		name string
		a, b Value
		want bool
	}{
		{"same string", Str("a"), Str("a"), true},
		{"different string", Str("a"), Str("b"), false},
		{"different types", Str("1"), num("1"), false},
		{"numbers numerically", num("1"), num("1.00"), true},
		{"numbers differ", num("1"), num("2"), false},
		{"binary", Bin([]byte{1}), Bin([]byte{1}), true},
		{"empty binary vs nil", Bin([]byte{}), Bin(nil), true},
		{"bool", Bool(true), Bool(false), false},
		{"null", Null(), Value{T: TypeNULL}, true},
		{"list order matters", List(Str("a"), Str("b")), List(Str("b"), Str("a")), false},
		{"list equal", List(Str("a"), num("1")), List(Str("a"), num("1.0")), true},
		{"list length", List(Str("a")), List(Str("a"), Str("a")), false},
		{"map equal", Map(map[string]Value{"a": Str("x")}), Map(map[string]Value{"a": Str("x")}), true},
		{"map value differs", Map(map[string]Value{"a": Str("x")}), Map(map[string]Value{"a": Str("y")}), false},
		{"map key differs", Map(map[string]Value{"a": Str("x")}), Map(map[string]Value{"b": Str("x")}), false},
		{"SS order ignored", Value{T: TypeSS, SS: []string{"a", "b"}}, Value{T: TypeSS, SS: []string{"b", "a"}}, true},
		{"SS differ", Value{T: TypeSS, SS: []string{"a", "b"}}, Value{T: TypeSS, SS: []string{"a", "c"}}, false},
		{"SS subset", Value{T: TypeSS, SS: []string{"a"}}, Value{T: TypeSS, SS: []string{"a", "b"}}, false},
		{"NS numerically", Value{T: TypeNS, SS: []string{"1", "2"}}, Value{T: TypeNS, SS: []string{"2.0", "1"}}, true},
		{"NS large", Value{T: TypeNS, SS: bigA}, Value{T: TypeNS, SS: bigB}, true},
		{"NS large differ", Value{T: TypeNS, SS: bigA}, Value{T: TypeNS, SS: append(bigB[:99:99], "1000")}, false},
		{"BS", Value{T: TypeBS, BS: [][]byte{{1}, {2}}}, Value{T: TypeBS, BS: [][]byte{{2}, {1}}}, true},
		{"BS differ", Value{T: TypeBS, BS: [][]byte{{1}}}, Value{T: TypeBS, BS: [][]byte{{2}}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Equal(tc.a, tc.b); got != tc.want {
				t.Fatalf("Equal = %v, want %v", got, tc.want)
			}
			if got := Equal(tc.b, tc.a); got != tc.want {
				t.Fatalf("Equal (swapped) = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		a, b   Value
		want   int
		wantOK bool
	}{
		{"strings by bytes", Str("B"), Str("a"), -1, true},
		{"strings utf8", Str("z"), Str("é"), -1, true},
		{"numbers numerically", num("10"), num("9"), 1, true},
		{"negative numbers", num("-10"), num("-9"), -1, true},
		{"binary unsigned", Bin([]byte{0xff}), Bin([]byte{0x01}), 1, true},
		{"binary prefix", Bin([]byte{1}), Bin([]byte{1, 0}), -1, true},
		{"equal", Str("x"), Str("x"), 0, true},
		{"types differ", Str("1"), num("1"), 0, false},
		{"not scalar", Bool(true), Bool(true), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Compare(tc.a, tc.b)
			if got != tc.want || ok != tc.wantOK {
				t.Fatalf("Compare = %d, %v; want %d, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
