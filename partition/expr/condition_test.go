package expr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestParseConditionErrors(t *testing.T) {
	const p = "Invalid ConditionExpression: "
	tests := []struct {
		expr string
		want string
	}{
		{"", p + "The expression can not be empty;"},
		{"foo", p + `Syntax error; token: "<EOF>", near: "foo"`},
		{"a = ", p + `Syntax error; token: "<EOF>", near: "="`},
		{"a == :s", p + `Syntax error; token: "=", near: "== :s"`},
		{"a = :s b", p + `Syntax error; token: "b", near: ":s b"`},
		{"a = 5", p + `Syntax error; token: "5", near: "= 5"`},
		{"a = :s AND __x = :s", p + `Syntax error; token: "_", near: "AND __"`},
		{"a / :s", p + `Syntax error; token: "/", near: "a / :s"`},
		{"(a = :s) = :t", p + `Syntax error; token: "=", near: ") = :t"`},
		{"a = (b = :s)", p + `Syntax error; token: "=", near: "b = :s"`},
		{"(a)", p + `Syntax error; token: "<EOF>", near: ")"`},
		{"NOT a", p + `Syntax error; token: "<EOF>", near: "a"`},
		{"a BETWEEN :n :m", p + `Syntax error; token: ":m", near: ":n :m"`},
		{"a IN :s", p + `Syntax error; token: ":s", near: "IN :s"`},
		{"a = :s AND", p + `Syntax error; token: "<EOF>", near: "AND"`},
		{"a[x] = :s", p + `Syntax error; token: "x", near: "[x]"`},
		{"a.:s = :s", p + `Syntax error; token: ":s", near: ".:s ="`},
		{"a = :s OR OR b = :s", p + `Syntax error; token: "OR", near: "OR OR b"`},
		{"attribute_exists()", p + `Syntax error; token: ")", near: "()"`},
		{"a = # ", p + `Syntax error; token: "#", near: "= #"`},
		{"a = é", p + `Syntax error; token: "é", near: "= é"`},
		{"#x = :s", p + "An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a = :x", p + "An expression attribute value used in expression is not defined; attribute value: :x"},
		{"name = :s", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"a.Size = :s", p + "Attribute name is a reserved keyword; reserved keyword: Size"},
		{"foo(a)", p + "Invalid function name; function: foo"},
		{"Begins_with(a, :s)", p + "Invalid function name; function: Begins_with"},
		{"if_not_exists(a, :s) = :s", p + "The function is not allowed in a condition expression; function: if_not_exists"},
		{"begins_with(a)", p + "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"attribute_exists(a, b)", p + "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"begins_with(a, :n)", p + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"begins_with(a, size(b))", p + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"size(a)", p + "The function is not allowed to be used this way in an expression; function: size"},
		{"size(:n) > :n", p + "Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"attribute_exists(a) = :bool", p + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"attribute_exists(:s)", p + "Operator or function requires a document path; operator or function: attribute_exists"},
		{"attribute_type(a, :n)", p + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, b)", p + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type(a, :typeBad)", p + "Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"a = a", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"begins_with(a.b[1], a.b[1])", p + "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [a, b, [1]]"},
		{"a BETWEEN :m AND :n", p + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:5}"},
		{"a BETWEEN :n AND :s", p + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:abc}"},
		{"((a = :s))", p + "The expression has redundant parentheses;"},
		{"((a)) = :s", p + "The expression has redundant parentheses;"},
		// Priorities: redundant parentheses before unknown functions before
		// reserved words before undefined placeholders.
		{"((foo(a))) AND name = :x", p + "The expression has redundant parentheses;"},
		{"foo(a) AND name = :x", p + "Invalid function name; function: foo"},
		{"name = :x", p + "Attribute name is a reserved keyword; reserved keyword: name"},
		{"a = :x AND begins_with(a)", p + "An expression attribute value used in expression is not defined; attribute value: :x"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseCondition("ConditionExpression", tt.expr, testEnv())
			wantMessage(t, err, tt.want)
		})
	}
}

func TestParseConditionLabel(t *testing.T) {
	_, err := ParseCondition("FilterExpression", "a <", testEnv())
	wantMessage(t, err, `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "<"`)
}

func TestParseConditionTooLong(t *testing.T) {
	long := "a = :s"
	for len(long) <= MaxExpressionSize {
		long += " OR a = :s"
	}
	_, err := ParseCondition("FilterExpression", long, testEnv())
	wantMessage(t, err, fmt.Sprintf("Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: %d", len(long)))
}

func TestParseConditionTooManyInOperands(t *testing.T) {
	expr := "a IN (:s"
	for i := 0; i < 100; i++ {
		expr += ", :s"
	}
	_, err := ParseCondition("ConditionExpression", expr+")", testEnv())
	wantMessage(t, err, "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101")
}

func TestParseConditionAccepts(t *testing.T) {
	for _, expr := range []string{
		"a = :s",
		":s = a",
		"#n = :s",
		"#dot = :s",
		"a.b[0].c <> :s",
		"a[ 1 ] . b = :s",
		"(a) = :s",
		"(a = :s)",
		"a = :s AND (b = :s OR c = :s)",
		"NOT a = :s",
		"NOT NOT a = :s",
		"not (a = :s) and b = :s or c = :s",
		"a BETWEEN :n AND :m",
		"a between :n and :n",
		"a IN (:s, :t, b)",
		"size(a) > :n",
		":n < size(a)",
		"size(a) = size(b)",
		"attribute_exists(a) AND attribute_not_exists(#n.b)",
		"attribute_type(a, :typeS)",
		"begins_with(a, :s)",
		"contains(a, :n)",
		"contains(a, b)",
		"a=:s",
		"a_b1 = :s",
		"\ta\n=\r:s ",
	} {
		t.Run(expr, func(t *testing.T) {
			if _, err := ParseCondition("ConditionExpression", expr, testEnv()); err != nil {
				t.Fatalf("ParseCondition(%q): %v", expr, err)
			}
		})
	}
}

func TestParseConditionDeepNesting(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want string
	}{
		{"parentheses", strings.Repeat("(", 1000) + "a = :s" + strings.Repeat(")", 1000), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"unclosed", strings.Repeat("(", 4000), `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("`},
		{"nots", strings.Repeat("NOT ", 1000) + "a = :s", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCondition("ConditionExpression", tt.expr, testEnv())
			if tt.want != "" {
				wantMessage(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.Eval(attr.Item{"a": str("abc")}) {
				t.Error("an even number of NOTs should keep the condition true")
			}
		})
	}
}

func TestConditionPaths(t *testing.T) {
	c, err := ParseCondition("FilterExpression", "#n = :s AND (size(a.b) > :n OR begins_with(l[1], :s))", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[name]", "[a, b]", "[l, [1]]"}
	got := c.Paths()
	if len(got) != len(want) {
		t.Fatalf("Paths = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("Paths[%d] = %s, want %s", i, got[i], want[i])
		}
	}
	if (*Condition)(nil).Paths() != nil {
		t.Error("nil Condition has paths")
	}
}
