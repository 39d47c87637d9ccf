package router

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// encodingJSON is what encoding/json writes for v, as the router did
// before responses wrote their own JSON.
func encodingJSON(t *testing.T, v any) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return string(bytes.TrimRight(buf.Bytes(), "\n")), err
}

func TestAppendResponseMatchesEncodingJSON(t *testing.T) {
	item := attr.Item{
		"pk":   attr.Str("a<b>&\"c\"\u2028"),
		"n":    {T: attr.TypeN, S: "-1.5E+3"},
		"bin":  attr.Bin([]byte{0, 1, 255}),
		"ok":   attr.Bool(true),
		"none": attr.Null(),
		"l":    attr.List(attr.Str("x"), attr.Map(map[string]attr.Value{"k": {T: attr.TypeN, S: "2"}})),
		"ss":   {T: attr.TypeSS, SS: []string{"b", "a"}},
		"ns":   {T: attr.TypeNS, SS: []string{"1", "2"}},
		"bs":   {T: attr.TypeBS, BS: [][]byte{{1}, {2}}},
	}
	half := &consumedCapacity{TableName: "t", CapacityUnits: 0.5}
	indexes := &consumedCapacity{TableName: "t", CapacityUnits: 2, Table: &capacityUnits{CapacityUnits: 2}}
	tests := []struct {
		name string
		v    any
	}{
		{"get empty", &getItemOutput{}},
		{"get empty item", &getItemOutput{Item: attr.Item{}}},
		{"get item", &getItemOutput{Item: item}},
		{"get capacity only", &getItemOutput{ConsumedCapacity: half}},
		{"get item and capacity", &getItemOutput{Item: item, ConsumedCapacity: indexes}},
		{"write empty", &writeOutput{}},
		{"write attributes", &writeOutput{Attributes: item}},
		{"write attributes and capacity", &writeOutput{Attributes: item, ConsumedCapacity: half}},
		{"write capacity", &writeOutput{ConsumedCapacity: indexes}},
		{"other response", &errorBody{Type: "x", Message: "<&>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := encodingJSON(t, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendResponse([]byte("junk")[:0], tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("appendResponse = %s\nencoding/json = %s", got, want)
			}
		})
	}
}

func TestAppendResponseRejectsUntypedValue(t *testing.T) {
	for _, it := range []attr.Item{
		{"x": {}},
		{"l": attr.List(attr.Str("a"), attr.Value{})},
		{"m": attr.Map(map[string]attr.Value{"k": {}})},
	} {
		if _, err := encodingJSON(t, &getItemOutput{Item: it}); err == nil {
			t.Fatalf("encoding/json accepted %v", it)
		}
		if got, err := appendResponse(nil, &getItemOutput{Item: it}); err == nil {
			t.Errorf("appendResponse(%v) = %s, want an error", it, got)
		}
		if got, err := appendResponse(nil, &writeOutput{Attributes: it}); err == nil {
			t.Errorf("appendResponse(%v) = %s, want an error", it, got)
		}
	}
}
