package expr

import (
	"reflect"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestParseUpdateErrors(t *testing.T) {
	const p = "Invalid UpdateExpression: "
	tests := []struct {
		expr string
		want string
	}{
		{"", p + "The expression can not be empty;"},
		{"SET", p + `Syntax error; token: "<EOF>", near: "SET"`},
		{"a = :s", p + `Syntax error; token: "a", near: "a ="`},
		{"SET a = VALUE 1", p + `Syntax error; token: "1", near: "VALUE 1"`},
		{"SET a = b +", p + `Syntax error; token: "<EOF>", near: "+"`},
		{"SET a = b / :n", p + `Syntax error; token: "/", near: "b / :n"`},
		{"SET a = b + c + d", p + `Syntax error; token: "+", near: "c + d"`},
		{"SET a :s", p + `Syntax error; token: ":s", near: "a :s"`},
		{"SET a = :s,", p + `Syntax error; token: "<EOF>", near: ","`},
		{"REMOVE a = :s", p + `Syntax error; token: "=", near: "a = :s"`},
		{"ADD a b", p + `Syntax error; token: "b", near: "a b"`},
		{"DELETE a", p + `Syntax error; token: "<EOF>", near: "a"`},
		{"SET set = :s", p + `Syntax error; token: "set", near: "SET set ="`},
		{"SET a = :s SET b = :s", p + `The "SET" section can only be used once in an update expression;`},
		{"remove a REMOVE b", p + `The "REMOVE" section can only be used once in an update expression;`},
		{"SET name = :s", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"SET a = foo(b)", p + "Invalid function name; function: foo"},
		{"SET a = size(b)", p + "The function is not allowed in an update expression; function: size"},
		{"SET #x = :s", p + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"SET a = :x", p + "An expression attribute value used in expression is not defined; attribute value: :x"},
		{"SET a = :s, a = :t", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :s REMOVE a.b", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET #a.b = :s REMOVE a.b[1]", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b, [1]]"},
		{"SET a[1] = :s REMOVE a.b", p + "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"},
		{"ADD a :s", p + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"ADD a :l", p + "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"},
		{"ADD a :map", p + "Incorrect operand type for operator or function; operator: ADD, operand type: MAP"},
		{"ADD a :bool", p + "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN"},
		{"DELETE a :n", p + "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"DELETE a :b", p + "Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY"},
		{"SET a = b + :s", p + "Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"SET a = :l - b", p + "Incorrect operand type for operator or function; operator or function: -, operand type: L"},
		{"SET a = list_append(b, :s)", p + "Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"SET a = list_append(b)", p + "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"SET a = if_not_exists(:s, b)", p + "Operator or function requires a document path; operator or function: if_not_exists"},
		// Priorities: reserved words come first, overlaps before operand types.
		{"SET a = foo(b), name = :s", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"SET a = :s, a = :s ADD b :s", p + "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseUpdate(tt.expr, testEnv())
			wantMessage(t, err, tt.want)
		})
	}
}

func TestUpdatePaths(t *testing.T) {
	u, err := ParseUpdate("SET a = :s, b.c[2] = :n REMOVE d ADD e :n DELETE f :ss", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []Path{
		{{Name: "a"}},
		{{Name: "b"}, {Name: "c"}, {Index: 2, IsIndex: true}},
		{{Name: "d"}}, {{Name: "e"}}, {{Name: "f"}},
	}
	if got := u.Paths(); !reflect.DeepEqual(got, want) {
		t.Errorf("Paths = %v, want %v", got, want)
	}
}

func applyItem() attr.Item {
	return attr.Item{
		"k":   str("key"),
		"n":   num("5"),
		"s":   str("abc"),
		"l":   attr.List(str("a"), str("b"), str("c"), str("d")),
		"m":   mp("x", num("1"), "l", attr.List(mp("y", num("2")))),
		"ss":  ss("a", "b"),
		"ns":  ns("1", "2"),
		"bs":  attr.Value{T: attr.TypeBS, BS: [][]byte{[]byte("a"), []byte("b")}},
		"qty": num("7"),
	}
}

func TestUpdateApply(t *testing.T) {
	tests := []struct {
		expr string
		want map[string]attr.Value // changed or added attributes; nil value means removed
	}{
		{"SET a = :s", map[string]attr.Value{"a": str("abc")}},
		{"SET s = :t, a = s", map[string]attr.Value{"s": str("xyz"), "a": str("abc")}},
		{"SET n = n + :one", map[string]attr.Value{"n": num("6")}},
		{"SET n = n - :m", map[string]attr.Value{"n": num("-5")}},
		{"SET n = :m - n", map[string]attr.Value{"n": num("5")}},
		{"SET a = n + qty", map[string]attr.Value{"a": num("12")}},
		{"SET n = (n + :one)", map[string]attr.Value{"n": num("6")}},
		{"SET a = if_not_exists(a, :n)", map[string]attr.Value{"a": num("5")}},
		{"SET n = if_not_exists(n, :m)", map[string]attr.Value{"n": num("5")}},
		{"SET a = if_not_exists(a, :n) + :one", map[string]attr.Value{"a": num("6")}},
		{"SET l = list_append(l, :l)", map[string]attr.Value{"l": attr.List(str("a"), str("b"), str("c"), str("d"), str("x"))}},
		{"SET l = list_append(:l, l)", map[string]attr.Value{"l": attr.List(str("x"), str("a"), str("b"), str("c"), str("d"))}},
		{"SET a = list_append(if_not_exists(a, :l), :l)", map[string]attr.Value{"a": attr.List(str("x"), str("x"))}},
		{"SET m.z = :s", map[string]attr.Value{"m": mp("x", num("1"), "l", attr.List(mp("y", num("2"))), "z", str("abc"))}},
		{"SET m.l[0].y = :s", map[string]attr.Value{"m": mp("x", num("1"), "l", attr.List(mp("y", str("abc"))))}},
		{"SET l[1] = :s", map[string]attr.Value{"l": attr.List(str("a"), str("abc"), str("c"), str("d"))}},
		{"SET l[10] = :s, l[11] = :t", map[string]attr.Value{"l": attr.List(str("a"), str("b"), str("c"), str("d"), str("abc"), str("xyz"))}},
		{"SET #dot = :s", map[string]attr.Value{"x.y": str("abc")}},
		{"REMOVE s, gone", map[string]attr.Value{"s": {}}},
		{"REMOVE l[1]", map[string]attr.Value{"l": attr.List(str("a"), str("c"), str("d"))}},
		{"REMOVE l[1], l[2]", map[string]attr.Value{"l": attr.List(str("a"), str("d"))}},
		{"REMOVE l[0], l[3], l[9]", map[string]attr.Value{"l": attr.List(str("b"), str("c"))}},
		{"REMOVE m.x, m.gone, gone.x, s.x", map[string]attr.Value{"m": mp("l", attr.List(mp("y", num("2"))))}},
		{"REMOVE m.l[0].y", map[string]attr.Value{"m": mp("x", num("1"), "l", attr.List(mp()))}},
		{"ADD n :m", map[string]attr.Value{"n": num("15")}},
		{"ADD a :n", map[string]attr.Value{"a": num("5")}},
		{"ADD m.x :n", map[string]attr.Value{"m": mp("x", num("6"), "l", attr.List(mp("y", num("2"))))}},
		{"ADD ss :ss", map[string]attr.Value{}},
		{"ADD ss :newss", map[string]attr.Value{"ss": ss("a", "b", "c")}},
		{"ADD ns :ns", map[string]attr.Value{}},
		{"ADD ns :ns3", map[string]attr.Value{"ns": ns("1", "2", "3")}},
		{"ADD a :ss", map[string]attr.Value{"a": ss("a", "b")}},
		{"DELETE ss :newss", map[string]attr.Value{"ss": ss("a")}},
		{"DELETE ss :ss", map[string]attr.Value{"ss": {}}},
		{"DELETE ns :ns3", map[string]attr.Value{"ns": ns("1")}},
		{"DELETE bs :bs", map[string]attr.Value{"bs": attr.Value{T: attr.TypeBS, BS: [][]byte{[]byte("a")}}}},
		{"DELETE gone :ss", map[string]attr.Value{}},
		{"SET a = :s REMOVE s ADD n :one DELETE ss :ss", map[string]attr.Value{"a": str("abc"), "s": {}, "n": num("6"), "ss": {}}},
		{"set a = :s remove s", map[string]attr.Value{"a": str("abc"), "s": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			env := applyEnv()
			u, err := ParseUpdate(tt.expr, env)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			in := applyItem()
			got, err := u.Apply(in)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := applyItem()
			for k, v := range tt.want {
				if v.T == attr.TypeInvalid {
					delete(want, k)
				} else {
					want[k] = v
				}
			}
			if !itemsEqual(got, want) {
				t.Errorf("Apply:\n got %v\nwant %v", got, want)
			}
			if !reflect.DeepEqual(in, applyItem()) {
				t.Errorf("Apply modified its input: %v", in)
			}
		})
	}
}

func applyEnv() *Env {
	env := testEnv()
	env.Values[":newss"] = ss("b", "c")
	env.Values[":ns3"] = ns("2", "3")
	env.Values[":bs"] = attr.Value{T: attr.TypeBS, BS: [][]byte{[]byte("b")}}
	return env
}

func itemsEqual(a, b attr.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !attr.Equal(v, w) {
			return false
		}
	}
	return true
}

func TestUpdateApplyErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"SET n = s + :one", "An operand in the update expression has an incorrect data type"},
		{"SET n = gone + :one", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET a = gone", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET l = list_append(l, s)", "An operand in the update expression has an incorrect data type"},
		{"SET l = list_append(gone, :l)", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET gone.x = :s", "The document path provided in the update expression is invalid for update"},
		{"SET s.x = :s", "The document path provided in the update expression is invalid for update"},
		{"SET s[0] = :s", "The document path provided in the update expression is invalid for update"},
		{"SET m.gone.x = :s", "The document path provided in the update expression is invalid for update"},
		{"SET l[9].x = :s", "The document path provided in the update expression is invalid for update"},
		{"SET m[0] = :s", "The document path provided in the update expression is invalid for update"},
		{"ADD s :n", "An operand in the update expression has an incorrect data type"},
		{"ADD n :ss", "An operand in the update expression has an incorrect data type"},
		{"ADD ss :ns", "An operand in the update expression has an incorrect data type"},
		{"ADD gone.x :n", "The document path provided in the update expression is invalid for update"},
		{"DELETE ss :ns", "An operand in the update expression has an incorrect data type"},
		{"DELETE n :ss", "An operand in the update expression has an incorrect data type"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			u, err := ParseUpdate(tt.expr, applyEnv())
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			in := applyItem()
			_, err = u.Apply(in)
			wantMessage(t, err, tt.want)
			if !reflect.DeepEqual(in, applyItem()) {
				t.Errorf("failed Apply modified its input: %v", in)
			}
		})
	}
}

func TestUpdateApplyNilItem(t *testing.T) {
	u, err := ParseUpdate("SET a = :s ADD n :n, ss :ss REMOVE gone", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.Apply(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := attr.Item{"a": str("abc"), "n": num("5"), "ss": ss("a", "b")}
	if !itemsEqual(got, want) {
		t.Errorf("Apply(nil) = %v, want %v", got, want)
	}
}
