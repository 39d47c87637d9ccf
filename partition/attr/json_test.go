package attr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

func TestUnmarshalValue(t *testing.T) {
	tests := []struct {
		name, in string
		want     Value
	}{
		{"string", `{"S":"x"}`, Str("x")},
		{"empty string", `{"S":""}`, Str("")},
		{"escapes", `{"S":"a\"b\\c\/\n\t\u00e9\ud83d\ude00"}`, Str("a\"b\\c/\n\té😀")},
		{"lone surrogate", `{"S":"\ud83d"}`, Str("\uFFFD")},
		{"invalid utf8", "{\"S\":\"a\xffb\"}", Str("a\uFFFDb")},
		{"number canonicalised", `{"N":"1.50"}`, num("1.5")},
		{"number exponent", `{"N":"1e2"}`, num("100")},
		{"binary", `{"B":"AQI="}`, Bin([]byte{1, 2})},
		{"empty binary", `{"B":""}`, Bin([]byte{})},
		{"bool", `{"BOOL":true}`, Bool(true)},
		{"null", `{"NULL":true}`, Null()},
		{"list", `{"L":[{"S":"a"},{"N":"1"}]}`, List(Str("a"), num("1"))},
		{"empty list", `{"L":[]}`, List()},
		{"map", `{"M":{"a":{"S":"x"},"b":{"M":{}}}}`, Map(map[string]Value{"a": Str("x"), "b": Map(map[string]Value{})})},
		{"string set", `{"SS":["b","a"]}`, Value{T: TypeSS, SS: []string{"b", "a"}}},
		{"number set", `{"NS":["2.0","1e1"]}`, Value{T: TypeNS, SS: []string{"2", "10"}}},
		{"binary set", `{"BS":["AQ==","Ag=="]}`, Value{T: TypeBS, BS: [][]byte{{1}, {2}}}},
		{"unknown key ignored", `{"X":{"deep":[1,2,{"a":null}]},"S":"x"}`, Str("x")},
		{"null member absent", `{"S":null,"N":"1"}`, num("1")},
		{"white space", " { \"S\" : \"x\" } ", Str("x")},
		{"duplicate key last wins", `{"S":"a","S":"b"}`, Str("b")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Value
			if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !Equal(v, tc.want) {
				t.Fatalf("got %#v, want %#v", v, tc.want)
			}
			if tc.want.T == TypeN && v.S != tc.want.S {
				t.Fatalf("number text %q, want %q", v.S, tc.want.S)
			}
		})
	}
}

func TestUnmarshalValueErrors(t *testing.T) {
	const (
		ser = dberr.Serialization
		val = dberr.Validation
	)
	tests := []struct {
		name, in string
		kind     dberr.Kind
		msg      string
	}{
		{"empty", `{}`, val, msgEmptyValue},
		{"unknown key only", `{"X":1}`, val, msgEmptyValue},
		{"only null member", `{"S":null}`, val, msgEmptyValue},
		{"two types", `{"S":"a","N":"1"}`, val, msgMultipleTypes},
		{"null false", `{"NULL":false}`, val, "One or more parameter values were invalid: Null attribute value types must have the value of true"},
		{"bad number", `{"N":"abc"}`, val, msgNotANumber},
		{"empty number", `{"N":""}`, val, msgNotANumber},
		{"number digits", `{"N":"1234567890123456789012345678901234567890"}`, val, msgNumberDigits},
		{"number overflow", `{"N":"1e126"}`, val, msgNumberOverflow},
		{"number underflow", `{"NS":["1","1e-131"]}`, val, msgNumberUnder},
		{"empty in list", `{"L":[{}]}`, val, msgEmptyValue},
		{"null in list", `{"L":[null]}`, val, msgEmptyValue},
		{"empty in map", `{"M":{"a":{}}}`, val, msgEmptyValue},
		{"S number", `{"S":5}`, ser, "NUMBER_VALUE cannot be converted to String"},
		{"S true", `{"S":true}`, ser, "TRUE_VALUE cannot be converted to String"},
		{"S false", `{"S":false}`, ser, "FALSE_VALUE cannot be converted to String"},
		{"S object", `{"S":{}}`, ser, msgStartOfMap},
		{"S list", `{"S":[]}`, ser, msgStartOfList},
		{"N number", `{"N":5}`, ser, "NUMBER_VALUE cannot be converted to String"},
		{"BOOL string", `{"BOOL":"x"}`, ser, "STRING_VALUE cannot be converted to Boolean"},
		{"BOOL number", `{"BOOL":1}`, ser, "NUMBER_VALUE cannot be converted to Boolean"},
		{"NULL string", `{"NULL":"true"}`, ser, "STRING_VALUE cannot be converted to Boolean"},
		{"L object", `{"L":{}}`, ser, msgStartOfMap},
		{"L string", `{"L":"x"}`, ser, msgUnexpectedType},
		{"L element string", `{"L":["x"]}`, ser, msgUnexpectedType},
		{"L element list", `{"L":[[]]}`, ser, msgStartOfList},
		{"M list", `{"M":[]}`, ser, msgStartOfList},
		{"M string", `{"M":"x"}`, ser, msgUnexpectedType},
		{"SS member number", `{"SS":[1]}`, ser, "NUMBER_VALUE cannot be converted to String"},
		{"SS object", `{"SS":{}}`, ser, msgStartOfMap},
		{"NS member object", `{"NS":[{}]}`, ser, msgStartOfMap},
		{"B number", `{"B":5}`, ser, msgNotBase64},
		{"B bad length", `{"B":"abc"}`, ser, "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{"B bad char", `{"B":"ab*="}`, ser, msgUnexpectedType},
		{"B newline", `{"B":"AQ\n="}`, ser, msgUnexpectedType},
		{"BS bad member", `{"BS":["AQ==","x"]}`, ser, "Base64 encoded length is expected a multiple of 4 bytes but found: 1"},
		{"value is list", `[]`, ser, msgStartOfList},
		{"value is string", `"x"`, ser, msgUnexpectedType},
		{"serialization beats validation", `{"L":[{},{"S":1}]}`, ser, "NUMBER_VALUE cannot be converted to String"},
		{"first validation error wins", `{"L":[{"N":"x"},{}]}`, val, msgNotANumber},
		{"too deep to parse", strings.Repeat(`{"L":[`, maxParseDepth+2) + strings.Repeat(`]}`, maxParseDepth+2), val, msgNesting},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Value
			err := json.Unmarshal([]byte(tc.in), &v)
			wantErr(t, err, tc.kind, tc.msg)
		})
	}
}

func TestUnmarshalMalformed(t *testing.T) {
	for _, in := range []string{``, `{`, `{"S"`, `{"S":"x"`, `{"S":"x"}}`, `{"S":"x",}`, `{S:"x"}`, "{\"S\":\"a\x01\"}", `{"S":"\x"}`, `{"S":"\u12"}`, `{"X":tru}`, `{"X":-}`} {
		t.Run(in, func(t *testing.T) {
			var v Value
			err := v.UnmarshalJSON([]byte(in))
			if !dberr.Is(err, dberr.Serialization) {
				t.Fatalf("UnmarshalJSON(%q) = %v, want SerializationException", in, err)
			}
		})
	}
}

func TestUnmarshalNullLeavesValue(t *testing.T) {
	v := Str("keep")
	if err := v.UnmarshalJSON([]byte("null")); err != nil {
		t.Fatal(err)
	}
	if !Equal(v, Str("keep")) {
		t.Fatalf("null changed value to %#v", v)
	}
}

func TestUnmarshalItem(t *testing.T) {
	tests := []struct {
		name, in string
		want     Item
		kind     dberr.Kind
		msg      string
	}{
		{name: "item", in: `{"a":{"S":"x"},"b":{"N":"01"}}`, want: Item{"a": Str("x"), "b": num("1")}},
		{name: "empty item", in: `{}`, want: Item{}},
		{name: "attribute null", in: `{"a":null}`, kind: dberr.Validation, msg: msgEmptyValue},
		{name: "item is list", in: `[]`, kind: dberr.Serialization, msg: msgStartOfList},
		{name: "serialization in later attribute wins", in: `{"a":{},"b":{"S":1}}`, kind: dberr.Serialization, msg: "NUMBER_VALUE cannot be converted to String"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var it Item
			err := json.Unmarshal([]byte(tc.in), &it)
			wantErr(t, err, tc.kind, tc.msg)
			if tc.msg == "" && !Equal(Map(it), Map(tc.want)) {
				t.Fatalf("got %#v, want %#v", it, tc.want)
			}
		})
	}
}

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"string", Str("x"), `{"S":"x"}`},
		{"escapes", Str("a\"\\\n\x01é\u2028\xff"), `{"S":"a\"\\\n\u0001é\u2028\ufffd"}`},
		{"number", num("-1.5"), `{"N":"-1.5"}`},
		{"binary", Bin([]byte{1, 2}), `{"B":"AQI="}`},
		{"bool", Bool(false), `{"BOOL":false}`},
		{"null", Null(), `{"NULL":true}`},
		{"list", List(Str("a"), Null()), `{"L":[{"S":"a"},{"NULL":true}]}`},
		{"map sorted", Map(map[string]Value{"b": Bool(true), "a": num("1")}), `{"M":{"a":{"N":"1"},"b":{"BOOL":true}}}`},
		{"string set in order", Value{T: TypeSS, SS: []string{"z", "a"}}, `{"SS":["z","a"]}`},
		{"number set", Value{T: TypeNS, SS: []string{"2", "1"}}, `{"NS":["2","1"]}`},
		{"binary set", Value{T: TypeBS, BS: [][]byte{{1}, {}}}, `{"BS":["AQ==",""]}`},
		{"empty list", List(), `{"L":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.v.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
			var back Value
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("decode back: %v", err)
			}
			if !Equal(back, tc.v) && tc.name != "escapes" {
				t.Fatalf("round trip: got %#v, want %#v", back, tc.v)
			}
		})
	}
}

func TestMarshalInvalidType(t *testing.T) {
	if _, err := (Value{}).MarshalJSON(); err == nil {
		t.Fatal("MarshalJSON of a value without a type succeeded")
	}
	if _, err := List(Value{}).MarshalJSON(); err == nil {
		t.Fatal("MarshalJSON of a list holding a value without a type succeeded")
	}
}

func TestMarshalItem(t *testing.T) {
	it := Item{"b": Str("2"), "a": num("1")}
	got, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":{"N":"1"},"b":{"S":"2"}}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if got, _ := json.Marshal(Item(nil)); string(got) != "null" {
		t.Fatalf("nil item = %s, want null", got)
	}
	if got := AppendItemJSON([]byte("x"), Item{"k": Bool(true)}); string(got) != `x{"k":{"BOOL":true}}` {
		t.Fatalf("AppendItemJSON = %s", got)
	}
}
