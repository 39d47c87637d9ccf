package expr

import (
	"reflect"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestParseProjection(t *testing.T) {
	paths, err := ParseProjection("a, #n.b[2], c[0][1]", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []Path{
		{{Name: "a"}},
		{{Name: "name"}, {Name: "b"}, {Index: 2, IsIndex: true}},
		{{Name: "c"}, {Index: 0, IsIndex: true}, {Index: 1, IsIndex: true}},
	}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("ParseProjection = %v, want %v", paths, want)
	}
}

func TestParseProjectionErrors(t *testing.T) {
	const p = "Invalid ProjectionExpression: "
	tests := []struct {
		expr string
		want string
	}{
		{"", p + "The expression can not be empty;"},
		{"a,", p + `Syntax error; token: "<EOF>", near: ","`},
		{"a,,b", p + `Syntax error; token: ",", near: ",,b"`},
		{"a..b", p + `Syntax error; token: ".", near: "..b"`},
		{"a[b]", p + `Syntax error; token: "b", near: "[b]"`},
		{"(a)", p + `Syntax error; token: "(", near: "(a"`},
		{":a", p + `Syntax error; token: ":a", near: ":a"`},
		{"a-b", p + `Syntax error; token: "-", near: "a-b"`},
		{"whatever(stuff)", p + `Syntax error; token: "(", near: "whatever(stuff"`},
		{"name", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"#x", p + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a, a", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"a.b, a", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"a[0], a.b", p + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
		{"a.b, name, #x", p + "Attribute name is a reserved keyword; reserved keyword: name"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseProjection(tt.expr, testEnv())
			wantMessage(t, err, tt.want)
		})
	}
}

func TestProject(t *testing.T) {
	it := attr.Item{
		"a": mp("b", attr.List(str("b0"), str("b1"), str("b2")), "c", num("1")),
		"l": attr.List(attr.List(str("x"), str("y")), str("z")),
		"s": str("v"),
	}
	tests := []struct {
		expr string
		want attr.Item
	}{
		{"s", attr.Item{"s": str("v")}},
		{"s, gone", attr.Item{"s": str("v")}},
		{"gone", attr.Item{}},
		{"a.b[1]", attr.Item{"a": mp("b", attr.List(str("b1")))}},
		{"a.b[2], a.b[0]", attr.Item{"a": mp("b", attr.List(str("b0"), str("b2")))}},
		{"a.c, a.b[1]", attr.Item{"a": mp("b", attr.List(str("b1")), "c", num("1"))}},
		{"a.gone", attr.Item{}},
		{"a.b[9]", attr.Item{}},
		{"a.c.d", attr.Item{}},
		{"l[0][1], l[1]", attr.Item{"l": attr.List(attr.List(str("y")), str("z"))}},
		{"a", attr.Item{"a": it["a"]}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			paths, err := ParseProjection(tt.expr, testEnv())
			if err != nil {
				t.Fatal(err)
			}
			if got := Project(it, paths); !itemsEqual(got, tt.want) {
				t.Errorf("Project = %v, want %v", got, tt.want)
			}
		})
	}
	if got := Project(it, nil); !itemsEqual(got, it) {
		t.Errorf("Project(nil paths) = %v, want the whole item", got)
	}
}
