package attr

import (
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

func TestValidate(t *testing.T) {
	const prefix = "One or more parameter values were invalid: "
	large := manyStrings(40, true)
	tests := []struct {
		name string
		v    Value
		msg  string
	}{
		{"string", Str("x"), ""},
		{"empty string allowed", Str(""), ""},
		{"empty binary allowed", Bin(nil), ""},
		{"number", num("1.5"), ""},
		{"bad number", num("x"), msgNotANumber},
		{"number out of range", num("1e200"), msgNumberOverflow},
		{"no type", Value{}, msgEmptyValue},
		{"no type in list", List(Str("a"), Value{}), msgEmptyValue},
		{"no type in map", Map(map[string]Value{"a": {}}), msgEmptyValue},
		{"empty SS", Value{T: TypeSS}, prefix + "An string set  may not be empty"},
		{"empty NS", Value{T: TypeNS, SS: []string{}}, prefix + "An number set  may not be empty"},
		{"empty BS", Value{T: TypeBS}, prefix + "Binary sets should not be empty"},
		{"SS ok", Value{T: TypeSS, SS: []string{"a", "b", ""}}, ""},
		{"SS duplicates", Value{T: TypeSS, SS: []string{"a", "a"}}, prefix + "Input collection [a, a] contains duplicates."},
		{"SS duplicates listed in order", Value{T: TypeSS, SS: []string{"b", "a", "b"}}, prefix + "Input collection [b, a, b] contains duplicates."},
		{"NS ok", Value{T: TypeNS, SS: []string{"1", "2"}}, ""},
		{"NS duplicates", Value{T: TypeNS, SS: []string{"1", "1"}}, prefix + "Input collection contains duplicates."},
		{"NS numeric duplicates", Value{T: TypeNS, SS: []string{"1", "1.0"}}, prefix + "Input collection contains duplicates."},
		{"NS bad member", Value{T: TypeNS, SS: []string{"1", "one"}}, msgNotANumber},
		{"BS ok", Value{T: TypeBS, BS: [][]byte{{1}, {2}}}, ""},
		{"BS duplicates", Value{T: TypeBS, BS: [][]byte{{'b'}, {'b'}}}, prefix + "Input collection [Yg==, Yg==]of type BS contains duplicates."},
		{"large SS duplicates", Value{T: TypeSS, SS: large}, prefix + "Input collection [" + strings.Join(large, ", ") + "] contains duplicates."},
		{"large SS ok", Value{T: TypeSS, SS: manyStrings(40, false)}, ""},
		{"depth 32", nested(32), ""},
		{"depth 33", nested(33), msgNesting},
		{"nested set error", List(Map(map[string]Value{"s": {T: TypeSS}})), prefix + "An string set  may not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, Validate(tc.v), dberr.Validation, tc.msg)
		})
	}
}

func manyStrings(n int, dup bool) []string {
	ss := make([]string, n)
	for i := range ss {
		ss[i] = string(rune('A' + i))
	}
	if dup {
		ss[n-1] = ss[0]
	}
	return ss
}

func TestValidateItem(t *testing.T) {
	tests := []struct {
		name string
		it   Item
		msg  string
	}{
		{"ok", Item{"a": Str("x"), "b": nested(32)}, ""},
		{"empty item", Item{}, ""},
		{"too deep", Item{"a": Str("x"), "b": nested(33)}, msgItemNesting},
		{"first by name", Item{"z": {}, "a": {T: TypeNS}, "m": num("x")}, "One or more parameter values were invalid: An number set  may not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 { // map order must not change the answer
				wantErr(t, ValidateItem(tc.it), dberr.Validation, tc.msg)
			}
		})
	}
}
