package router

import (
	"reflect"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

func lnum(s string) attr.Value      { return attr.Value{T: attr.TypeN, S: s} }
func lss(ss ...string) attr.Value   { return attr.Value{T: attr.TypeSS, SS: ss} }
func lns(ss ...string) attr.Value   { return attr.Value{T: attr.TypeNS, SS: ss} }
func lstr(p string) *string         { return &p }
func lbool(b bool) *bool            { return &b }
func lval(v attr.Value) *attr.Value { return &v }
func lvals(vs ...attr.Value) []attr.Value {
	if vs == nil {
		return []attr.Value{}
	}
	return vs
}
func lcond(op string, vs ...attr.Value) legacyCondition {
	return legacyCondition{ComparisonOperator: &op, AttributeValueList: vs}
}

// legacyWant is the expected outcome of one translation.
type legacyWant struct {
	expr   string
	names  map[string]string
	values map[string]attr.Value
	err    string
}

// checkLegacy compares a translation's outcome with want.
func checkLegacy(t *testing.T, got string, err error, ln *legacyNames, want legacyWant) {
	t.Helper()
	if want.err != "" {
		if err == nil {
			t.Fatalf("got %q, want error %q", got, want.err)
		}
		if !dberr.Is(err, dberr.Validation) {
			t.Fatalf("error %v is not a ValidationException", err)
		}
		if err.Error() != want.err {
			t.Fatalf("error\n got %q\nwant %q", err.Error(), want.err)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	if got != want.expr {
		t.Errorf("expression\n got %q\nwant %q", got, want.expr)
	}
	if len(want.names) > 0 || len(ln.Names) > 0 {
		if !reflect.DeepEqual(ln.Names, want.names) {
			t.Errorf("names\n got %v\nwant %v", ln.Names, want.names)
		}
	}
	if len(want.values) > 0 || len(ln.Values) > 0 {
		if !reflect.DeepEqual(ln.Values, want.values) {
			t.Errorf("values\n got %v\nwant %v", ln.Values, want.values)
		}
	}
}

const invalid = "One or more parameter values were invalid: "

func TestExpectedExpression(t *testing.T) {
	a := attr.Str("a")
	tests := []struct {
		name     string
		expected map[string]legacyExpected
		op       *string
		want     legacyWant
	}{
		{name: "empty", want: legacyWant{}},
		{
			name:     "value means equal",
			expected: map[string]legacyExpected{"x": {Value: lval(a)}},
			want:     legacyWant{expr: "#l0 = :l0", names: map[string]string{"#l0": "x"}, values: map[string]attr.Value{":l0": a}},
		},
		{
			name:     "exists true with value",
			expected: map[string]legacyExpected{"x": {Value: lval(a), Exists: lbool(true)}},
			want:     legacyWant{expr: "#l0 = :l0", names: map[string]string{"#l0": "x"}, values: map[string]attr.Value{":l0": a}},
		},
		{
			name:     "exists false",
			expected: map[string]legacyExpected{"x": {Exists: lbool(false)}},
			want:     legacyWant{expr: "attribute_not_exists(#l0)", names: map[string]string{"#l0": "x"}},
		},
		{
			name: "several sorted and joined with AND",
			expected: map[string]legacyExpected{
				"b": {Exists: lbool(false)},
				"a": {Value: lval(a)},
				"c": {ComparisonOperator: lstr("BETWEEN"), AttributeValueList: lvals(lnum("1"), lnum("1"))},
			},
			want: legacyWant{
				expr:   "(#l0 = :l0) AND (attribute_not_exists(#l1)) AND (#l2 BETWEEN :l1 AND :l2)",
				names:  map[string]string{"#l0": "a", "#l1": "b", "#l2": "c"},
				values: map[string]attr.Value{":l0": a, ":l1": lnum("1"), ":l2": lnum("1")},
			},
		},
		{
			name: "OR",
			op:   lstr("OR"),
			expected: map[string]legacyExpected{
				"a": {ComparisonOperator: lstr("NULL")},
				"b": {ComparisonOperator: lstr("NOT_NULL")},
			},
			want: legacyWant{
				expr:  "(attribute_not_exists(#l0)) OR (attribute_exists(#l1))",
				names: map[string]string{"#l0": "a", "#l1": "b"},
			},
		},
		{
			name:     "comparison with Value",
			expected: map[string]legacyExpected{"a b.c": {ComparisonOperator: lstr("NE"), Value: lval(a)}},
			want:     legacyWant{expr: "#l0 <> :l0", names: map[string]string{"#l0": "a b.c"}, values: map[string]attr.Value{":l0": a}},
		},
		{
			name:     "IN",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("IN"), AttributeValueList: lvals(lnum("1"), lnum("2"))}},
			want: legacyWant{
				expr: "#l0 IN (:l0, :l1)", names: map[string]string{"#l0": "x"},
				values: map[string]attr.Value{":l0": lnum("1"), ":l1": lnum("2")},
			},
		},
		{
			name:     "no value and no exists",
			expected: map[string]legacyExpected{"x": {}},
			want:     legacyWant{err: invalid + "Value must be provided when Exists is null for Attribute: x"},
		},
		{
			name:     "exists true without value",
			expected: map[string]legacyExpected{"x": {Exists: lbool(true)}},
			want:     legacyWant{err: invalid + "Value must be provided when Exists is true for Attribute: x"},
		},
		{
			name:     "exists false with value",
			expected: map[string]legacyExpected{"x": {Exists: lbool(false), Value: lval(a)}},
			want:     legacyWant{err: invalid + "Value cannot be used when Exists is false for Attribute: x"},
		},
		{
			name:     "value and list",
			expected: map[string]legacyExpected{"x": {Value: lval(a), AttributeValueList: lvals(), ComparisonOperator: lstr("EQ")}},
			want:     legacyWant{err: invalid + "Value and AttributeValueList cannot be used together for Attribute: x"},
		},
		{
			name:     "exists with comparison",
			expected: map[string]legacyExpected{"x": {Exists: lbool(true), ComparisonOperator: lstr("LT")}},
			want:     legacyWant{err: invalid + "Exists and ComparisonOperator cannot be used together for Attribute: x"},
		},
		{
			name:     "comparison alone",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("LT")}},
			want:     legacyWant{err: invalid + "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: x"},
		},
		{
			name:     "list alone",
			expected: map[string]legacyExpected{"x": {AttributeValueList: lvals()}},
			want:     legacyWant{err: invalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: x"},
		},
		{
			name:     "list with exists",
			expected: map[string]legacyExpected{"x": {Exists: lbool(true), AttributeValueList: lvals()}},
			want:     legacyWant{err: invalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: x"},
		},
		{
			name:     "BETWEEN given one Value",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("BETWEEN"), Value: lval(a)}},
			want:     legacyWant{err: invalid + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		},
		{
			name:     "NULL given a Value",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("NULL"), Value: lval(a)}},
			want:     legacyWant{err: invalid + "Invalid number of argument(s) for the NULL ComparisonOperator"},
		},
		{
			name:     "IN of mixed types",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("IN"), AttributeValueList: lvals(attr.Str("b"), lnum("1"))}},
			want:     legacyWant{err: invalid + "AttributeValues inside AttributeValueList must be of same type"},
		},
		{
			name:     "unknown comparison operator",
			expected: map[string]legacyExpected{"x": {ComparisonOperator: lstr("XX"), Value: lval(a)}},
			want: legacyWant{err: "1 validation error detected: Value 'XX' at 'expected.x.member.comparisonOperator' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		},
		{
			name: "conditional operator without expected",
			op:   lstr("AND"),
			want: legacyWant{err: "ConditionalOperator cannot be used without Filter or Expected"},
		},
		{
			name:     "conditional operator with one condition",
			op:       lstr("OR"),
			expected: map[string]legacyExpected{"x": {Value: lval(a)}},
			want:     legacyWant{err: "ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		},
		{
			name:     "unknown conditional operator",
			op:       lstr("XOR"),
			expected: map[string]legacyExpected{"x": {Value: lval(a)}, "y": {Value: lval(a)}},
			want:     legacyWant{err: "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			got, err := expectedExpression(tc.expected, tc.op, &ln)
			checkLegacy(t, got, err, &ln, tc.want)
		})
	}
}

// TestComparisonArguments covers the argument rules shared by Expected,
// QueryFilter, ScanFilter and KeyConditions.
func TestComparisonArguments(t *testing.T) {
	types := map[string]attr.Value{
		"S": attr.Str("a"), "N": lnum("1"), "B": attr.Bin([]byte("a")), "BOOL": attr.Bool(true), "NULL": attr.Null(),
		"SS": lss("a"), "NS": lns("1"), "BS": {T: attr.TypeBS, BS: [][]byte{[]byte("a")}},
		"M": attr.Map(map[string]attr.Value{}), "L": attr.List(),
	}
	rejected := map[string][]string{
		"LT":           {"BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
		"LE":           {"BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
		"GT":           {"BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
		"GE":           {"BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
		"IN":           {"BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
		"CONTAINS":     {"SS", "NS", "BS", "M", "L"},
		"NOT_CONTAINS": {"SS", "NS", "BS", "M", "L"},
		"BEGINS_WITH":  {"N", "BOOL", "NULL", "SS", "NS", "BS", "M", "L"},
	}
	for op, bad := range rejected {
		for _, typ := range bad {
			t.Run(op+"/"+typ, func(t *testing.T) {
				var ln legacyNames
				_, err := filterExpression("ScanFilter", map[string]legacyCondition{"a": lcond(op, types[typ])}, nil, &ln)
				checkLegacy(t, "", err, &ln, legacyWant{err: invalid + "ComparisonOperator " + op + " is not valid for " + typ + " AttributeValue type"})
			})
		}
	}
	for _, typ := range []string{"BOOL", "NULL", "SS", "NS", "BS", "M", "L"} {
		t.Run("BETWEEN/"+typ, func(t *testing.T) {
			var ln legacyNames
			_, err := filterExpression("ScanFilter", map[string]legacyCondition{"a": lcond("BETWEEN", types[typ], types[typ])}, nil, &ln)
			checkLegacy(t, "", err, &ln, legacyWant{err: invalid + "ComparisonOperator BETWEEN is not valid for " + typ + " AttributeValue type"})
		})
	}
	for typ, v := range types {
		for _, op := range []string{"EQ", "NE"} {
			t.Run(op+"/"+typ+" accepted", func(t *testing.T) {
				var ln legacyNames
				if _, err := filterExpression("ScanFilter", map[string]legacyCondition{"a": lcond(op, v)}, nil, &ln); err != nil {
					t.Fatalf("unexpected error %v", err)
				}
			})
		}
	}
	s := attr.Str("a")
	counts := []legacyCondition{
		lcond("EQ"), lcond("NE"), lcond("LE"), lcond("LT"), lcond("GE"), lcond("GT"),
		lcond("CONTAINS"), lcond("NOT_CONTAINS"), lcond("BEGINS_WITH"), lcond("IN"), lcond("BETWEEN"),
		lcond("NULL", s), lcond("NOT_NULL", s),
		lcond("EQ", s, s), lcond("NE", s, s), lcond("LE", s, s), lcond("LT", s, s), lcond("GE", s, s), lcond("GT", s, s),
		lcond("CONTAINS", s, s), lcond("NOT_CONTAINS", s, s), lcond("BEGINS_WITH", s, s),
		lcond("BETWEEN", s), lcond("BETWEEN", s, s, s),
	}
	for _, c := range counts {
		op := *c.ComparisonOperator
		t.Run("count/"+op, func(t *testing.T) {
			var ln legacyNames
			_, err := filterExpression("ScanFilter", map[string]legacyCondition{"a": c}, nil, &ln)
			checkLegacy(t, "", err, &ln, legacyWant{err: invalid + "Invalid number of argument(s) for the " + op + " ComparisonOperator"})
		})
	}
}

func TestFilterExpression(t *testing.T) {
	s, n := attr.Str("x"), lnum("5")
	tests := []struct {
		name  string
		param string
		conds map[string]legacyCondition
		op    *string
		want  legacyWant
	}{
		{name: "empty", param: "ScanFilter", want: legacyWant{}},
		{
			name: "every operator", param: "ScanFilter",
			conds: map[string]legacyCondition{
				"a": lcond("EQ", s), "b": lcond("NE", s), "c": lcond("LE", n), "d": lcond("LT", n),
				"e": lcond("GE", n), "f": lcond("GT", n), "g": lcond("NOT_NULL"), "h": lcond("NULL"),
				"i": lcond("CONTAINS", s), "j": lcond("NOT_CONTAINS", s), "k": lcond("BEGINS_WITH", s),
				"l": lcond("IN", s), "m": lcond("BETWEEN", n, n),
			},
			want: legacyWant{
				expr: "(#l0 = :l0) AND (#l1 <> :l1) AND (#l2 <= :l2) AND (#l3 < :l3) AND (#l4 >= :l4) AND (#l5 > :l5) AND " +
					"(attribute_exists(#l6)) AND (attribute_not_exists(#l7)) AND (contains(#l8, :l6)) AND " +
					"(NOT contains(#l9, :l7)) AND (begins_with(#l10, :l8)) AND (#l11 IN (:l9)) AND (#l12 BETWEEN :l10 AND :l11)",
				names: map[string]string{
					"#l0": "a", "#l1": "b", "#l2": "c", "#l3": "d", "#l4": "e", "#l5": "f", "#l6": "g",
					"#l7": "h", "#l8": "i", "#l9": "j", "#l10": "k", "#l11": "l", "#l12": "m",
				},
				values: map[string]attr.Value{
					":l0": s, ":l1": s, ":l2": n, ":l3": n, ":l4": n, ":l5": n, ":l6": s,
					":l7": s, ":l8": s, ":l9": s, ":l10": n, ":l11": n,
				},
			},
		},
		{
			name: "OR", param: "QueryFilter", op: lstr("OR"),
			conds: map[string]legacyCondition{"b": lcond("EQ", s), "a": lcond("NULL")},
			want: legacyWant{
				expr:  "(attribute_not_exists(#l0)) OR (#l1 = :l0)",
				names: map[string]string{"#l0": "a", "#l1": "b"}, values: map[string]attr.Value{":l0": s},
			},
		},
		{
			name: "AND explicit", param: "QueryFilter", op: lstr("AND"),
			conds: map[string]legacyCondition{"b": lcond("EQ", s), "a": lcond("NULL")},
			want: legacyWant{
				expr:  "(attribute_not_exists(#l0)) AND (#l1 = :l0)",
				names: map[string]string{"#l0": "a", "#l1": "b"}, values: map[string]attr.Value{":l0": s},
			},
		},
		{
			name: "missing comparison operator", param: "QueryFilter",
			conds: map[string]legacyCondition{"a": {AttributeValueList: lvals(s)}},
			want:  legacyWant{err: "1 validation error detected: Value null at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"},
		},
		{
			name: "unknown comparison operator", param: "ScanFilter",
			conds: map[string]legacyCondition{"a": lcond("", s)},
			want: legacyWant{err: "1 validation error detected: Value '' at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		},
		{
			name: "BETWEEN strings reversed", param: "ScanFilter",
			conds: map[string]legacyCondition{"a": lcond("BETWEEN", attr.Str("b"), attr.Str("a"))},
			want:  legacyWant{err: "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		},
		{
			name: "BETWEEN numbers compare numerically", param: "ScanFilter",
			conds: map[string]legacyCondition{"a": lcond("BETWEEN", lnum("10"), lnum("9"))},
			want:  legacyWant{err: "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		},
		{
			name: "BETWEEN numbers in order", param: "ScanFilter",
			conds: map[string]legacyCondition{"a": lcond("BETWEEN", lnum("9"), lnum("10"))},
			want: legacyWant{
				expr: "#l0 BETWEEN :l0 AND :l1", names: map[string]string{"#l0": "a"},
				values: map[string]attr.Value{":l0": lnum("9"), ":l1": lnum("10")},
			},
		},
		{
			name: "BETWEEN of mixed types", param: "ScanFilter",
			conds: map[string]legacyCondition{"a": lcond("BETWEEN", lnum("9"), attr.Str("10"))},
			want:  legacyWant{err: invalid + "AttributeValues inside AttributeValueList must be of same type"},
		},
		{
			name: "conditional operator without filter", param: "ScanFilter", op: lstr("OR"),
			want: legacyWant{err: "ConditionalOperator cannot be used without Filter or Expected"},
		},
		{
			name: "conditional operator with one condition", param: "QueryFilter", op: lstr("AND"),
			conds: map[string]legacyCondition{"a": lcond("EQ", s)},
			want:  legacyWant{err: "ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			got, err := filterExpression(tc.param, tc.conds, tc.op, &ln)
			checkLegacy(t, got, err, &ln, tc.want)
		})
	}
}

func TestKeyConditionsExpression(t *testing.T) {
	s, n := attr.Str("h"), lnum("3")
	tests := []struct {
		name  string
		conds map[string]legacyCondition
		want  legacyWant
	}{
		{
			name:  "hash only",
			conds: map[string]legacyCondition{"pk": lcond("EQ", s)},
			want:  legacyWant{expr: "#l0 = :l0", names: map[string]string{"#l0": "pk"}, values: map[string]attr.Value{":l0": s}},
		},
		{
			name:  "hash and BETWEEN",
			conds: map[string]legacyCondition{"pk": lcond("EQ", s), "rk": lcond("BETWEEN", n, n)},
			want: legacyWant{
				expr:  "#l0 = :l0 AND #l1 BETWEEN :l1 AND :l2",
				names: map[string]string{"#l0": "pk", "#l1": "rk"}, values: map[string]attr.Value{":l0": s, ":l1": n, ":l2": n},
			},
		},
		{
			name:  "begins_with",
			conds: map[string]legacyCondition{"a": lcond("EQ", n), "b": lcond("BEGINS_WITH", s)},
			want: legacyWant{
				expr:  "#l0 = :l0 AND begins_with(#l1, :l1)",
				names: map[string]string{"#l0": "a", "#l1": "b"}, values: map[string]attr.Value{":l0": n, ":l1": s},
			},
		},
		{
			name:  "range comparisons",
			conds: map[string]legacyCondition{"a": lcond("EQ", n), "b": lcond("GE", s)},
			want: legacyWant{
				expr:  "#l0 = :l0 AND #l1 >= :l1",
				names: map[string]string{"#l0": "a", "#l1": "b"}, values: map[string]attr.Value{":l0": n, ":l1": s},
			},
		},
		{name: "empty", conds: map[string]legacyCondition{}, want: legacyWant{err: "Conditions can be of length 1 or 2 only"}},
		{
			name:  "three conditions",
			conds: map[string]legacyCondition{"a": lcond("EQ", s), "b": lcond("EQ", s), "c": lcond("EQ", s)},
			want:  legacyWant{err: "Conditions can be of length 1 or 2 only"},
		},
		{
			name:  "argument count before length",
			conds: map[string]legacyCondition{"a": lcond("EQ"), "b": lcond("NULL"), "c": lcond("NULL")},
			want:  legacyWant{err: invalid + "Invalid number of argument(s) for the EQ ComparisonOperator"},
		},
		{name: "NE", conds: map[string]legacyCondition{"a": lcond("NE", s)}, want: legacyWant{err: "Attempted conditional constraint is not an indexable operation"}},
		{name: "NULL", conds: map[string]legacyCondition{"a": lcond("NULL")}, want: legacyWant{err: "Attempted conditional constraint is not an indexable operation"}},
		{name: "NOT_NULL", conds: map[string]legacyCondition{"a": lcond("NOT_NULL")}, want: legacyWant{err: "Attempted conditional constraint is not an indexable operation"}},
		{name: "CONTAINS", conds: map[string]legacyCondition{"a": lcond("CONTAINS", s)}, want: legacyWant{err: "Attempted conditional constraint is not an indexable operation"}},
		{name: "NOT_CONTAINS", conds: map[string]legacyCondition{"a": lcond("NOT_CONTAINS", s)}, want: legacyWant{err: "Attempted conditional constraint is not an indexable operation"}},
		{
			name:  "IN on range",
			conds: map[string]legacyCondition{"a": lcond("EQ", s), "b": lcond("IN", s)},
			want:  legacyWant{err: "Attempted conditional constraint is not an indexable operation"},
		},
		{
			name:  "mixed IN types",
			conds: map[string]legacyCondition{"a": lcond("IN", s, n)},
			want:  legacyWant{err: invalid + "AttributeValues inside AttributeValueList must be of same type"},
		},
		{
			name:  "missing comparison operator",
			conds: map[string]legacyCondition{"a": {AttributeValueList: lvals(s)}},
			want:  legacyWant{err: "1 validation error detected: Value null at 'keyConditions.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			got, err := keyConditionsExpression(tc.conds, &ln)
			checkLegacy(t, got, err, &ln, tc.want)
		})
	}
}

func TestAttributeUpdatesExpression(t *testing.T) {
	s, n, l := attr.Str("v"), lnum("2"), attr.List(attr.Str("e"))
	empty := attr.Value{T: attr.TypeL, L: []attr.Value{}}
	tests := []struct {
		name    string
		updates map[string]legacyUpdate
		want    legacyWant
	}{
		{name: "nothing", want: legacyWant{}},
		{
			name:    "PUT is the default",
			updates: map[string]legacyUpdate{"a": {Value: lval(s)}},
			want:    legacyWant{expr: "SET #l0 = :l0", names: map[string]string{"#l0": "a"}, values: map[string]attr.Value{":l0": s}},
		},
		{
			name: "every action",
			updates: map[string]legacyUpdate{
				"a": {Action: lstr("PUT"), Value: lval(s)},
				"b": {Action: lstr("DELETE")},
				"c": {Action: lstr("ADD"), Value: lval(n)},
				"d": {Action: lstr("DELETE"), Value: lval(lss("x"))},
				"e": {Action: lstr("ADD"), Value: lval(l)},
				"f": {Action: lstr("ADD"), Value: lval(lns("1"))},
			},
			want: legacyWant{
				expr:   "SET #l0 = :l0, #l4 = list_append(if_not_exists(#l4, :l3), :l4) REMOVE #l1 ADD #l2 :l1, #l5 :l5 DELETE #l3 :l2",
				names:  map[string]string{"#l0": "a", "#l1": "b", "#l2": "c", "#l3": "d", "#l4": "e", "#l5": "f"},
				values: map[string]attr.Value{":l0": s, ":l1": n, ":l2": lss("x"), ":l3": empty, ":l4": l, ":l5": lns("1")},
			},
		},
		{
			name:    "PUT without value",
			updates: map[string]legacyUpdate{"a": {Action: lstr("PUT")}},
			want:    legacyWant{err: invalid + "Only DELETE action is allowed when no attribute value is specified"},
		},
		{
			name:    "default action without value",
			updates: map[string]legacyUpdate{"a": {}},
			want:    legacyWant{err: invalid + "Only DELETE action is allowed when no attribute value is specified"},
		},
		{
			name:    "ADD without value",
			updates: map[string]legacyUpdate{"a": {Action: lstr("ADD")}},
			want:    legacyWant{err: invalid + "Only DELETE action is allowed when no attribute value is specified"},
		},
		{
			name:    "unknown action",
			updates: map[string]legacyUpdate{"a": {Action: lstr("SET"), Value: lval(s)}},
			want:    legacyWant{err: "1 validation error detected: Value 'SET' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"},
		},
	}
	for _, typ := range []attr.Value{s, n, attr.Bin([]byte("b")), attr.Null(), attr.Bool(true), attr.Map(map[string]attr.Value{}), attr.List()} {
		tests = append(tests, struct {
			name    string
			updates map[string]legacyUpdate
			want    legacyWant
		}{
			name:    "DELETE of " + typ.T.String(),
			updates: map[string]legacyUpdate{"a": {Action: lstr("DELETE"), Value: lval(typ)}},
			want:    legacyWant{err: invalid + "DELETE action with value is not supported for the type " + typ.T.String()},
		})
	}
	for _, typ := range []attr.Value{s, attr.Bin([]byte("b")), attr.Null(), attr.Bool(true), attr.Map(map[string]attr.Value{})} {
		tests = append(tests, struct {
			name    string
			updates map[string]legacyUpdate
			want    legacyWant
		}{
			name:    "ADD of " + typ.T.String(),
			updates: map[string]legacyUpdate{"a": {Action: lstr("ADD"), Value: lval(typ)}},
			want:    legacyWant{err: invalid + "ADD action is not supported for the type " + typ.T.String()},
		})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			got, err := attributeUpdatesExpression(tc.updates, &ln)
			checkLegacy(t, got, err, &ln, tc.want)
		})
	}
}

func TestAttributesToGetProjection(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  legacyWant
	}{
		{name: "none", want: legacyWant{}},
		{
			name: "input order kept", names: []string{"z", "a.b", "x[1]"},
			want: legacyWant{expr: "#l0, #l1, #l2", names: map[string]string{"#l0": "z", "#l1": "a.b", "#l2": "x[1]"}},
		},
		{
			name: "duplicate", names: []string{"x", "y", "x"},
			want: legacyWant{err: invalid + "Duplicate value in attribute name: x"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			got, err := attributesToGetProjection(tc.names, &ln)
			checkLegacy(t, got, err, &ln, tc.want)
		})
	}
}

// TestLegacyNamesShared checks that translations of one request share a
// placeholder per attribute name and never reuse a value placeholder.
func TestLegacyNamesShared(t *testing.T) {
	ln := legacyNames{Names: map[string]string{}, Values: map[string]attr.Value{}}
	cond, err := expectedExpression(map[string]legacyExpected{"a": {Value: lval(attr.Str("old"))}}, nil, &ln)
	if err != nil {
		t.Fatal(err)
	}
	upd, err := attributeUpdatesExpression(map[string]legacyUpdate{"a": {Value: lval(attr.Str("new"))}, "b": {Action: lstr("DELETE")}}, &ln)
	if err != nil {
		t.Fatal(err)
	}
	checkLegacy(t, cond+" | "+upd, nil, &ln, legacyWant{
		expr:   "#l0 = :l0 | SET #l0 = :l1 REMOVE #l1",
		names:  map[string]string{"#l0": "a", "#l1": "b"},
		values: map[string]attr.Value{":l0": attr.Str("old"), ":l1": attr.Str("new")},
	})
}

func TestLegacyConstraints(t *testing.T) {
	tests := []struct {
		name string
		add  func(c *constraints)
		want string
	}{
		{name: "valid", add: func(c *constraints) {
			c.conditionalOperator(lstr("OR"))
			c.legacyConditions("scanFilter", map[string]legacyCondition{"a": lcond("EQ")})
			c.legacyExpected(map[string]legacyExpected{"a": {}})
			c.attributeUpdates(map[string]legacyUpdate{"a": {}, "b": {Action: lstr("ADD")}})
			c.attributesToGet(nil)
		}},
		{name: "all failures", add: func(c *constraints) {
			c.conditionalOperator(lstr("AN"))
			c.legacyConditions("queryFilter", map[string]legacyCondition{"b": lcond(""), "a": {}})
			c.legacyExpected(map[string]legacyExpected{"e": {ComparisonOperator: lstr("eq")}})
			c.attributeUpdates(map[string]legacyUpdate{"u": {Action: lstr("put")}})
			c.attributesToGet([]string{})
		}, want: "6 validation errors detected: " +
			"Value 'AN' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]; " +
			"Value null at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null; " +
			"Value '' at 'queryFilter.b.member.comparisonOperator' failed to satisfy constraint: " + comparisonOperatorEnum + "; " +
			"Value 'eq' at 'expected.e.member.comparisonOperator' failed to satisfy constraint: " + comparisonOperatorEnum + "; " +
			"Value 'put' at 'attributeUpdates.u.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]; " +
			"Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c constraints
			tc.add(&c)
			err := c.err()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestLegacyConditionSemantics parses generated conditions with the
// expression parser and evaluates them on sample items, checking the
// legacy semantics DynamoDB documents.
func TestLegacyConditionSemantics(t *testing.T) {
	item := attr.Item{
		"s":    attr.Str("hello"),
		"n":    lnum("5"),
		"ss":   lss("a", "b"),
		"ns":   lns("1", "2"),
		"a.b":  attr.Str("dotted"),
		"list": attr.List(attr.Str("x")),
	}
	tests := []struct {
		name  string
		conds map[string]legacyCondition
		op    *string
		want  bool
	}{
		{name: "EQ", conds: map[string]legacyCondition{"s": lcond("EQ", attr.Str("hello"))}, want: true},
		{name: "EQ missing", conds: map[string]legacyCondition{"zz": lcond("EQ", attr.Str("hello"))}, want: false},
		{name: "EQ other type", conds: map[string]legacyCondition{"n": lcond("EQ", attr.Str("5"))}, want: false},
		{name: "EQ set", conds: map[string]legacyCondition{"ss": lcond("EQ", lss("b", "a"))}, want: true},
		{name: "NE missing", conds: map[string]legacyCondition{"zz": lcond("NE", attr.Str("x"))}, want: true},
		{name: "NE other type", conds: map[string]legacyCondition{"n": lcond("NE", attr.Str("5"))}, want: true},
		{name: "NE equal", conds: map[string]legacyCondition{"n": lcond("NE", lnum("5.0"))}, want: false},
		{name: "LT numeric", conds: map[string]legacyCondition{"n": lcond("LT", lnum("10"))}, want: true},
		{name: "GE", conds: map[string]legacyCondition{"n": lcond("GE", lnum("5"))}, want: true},
		{name: "GT missing", conds: map[string]legacyCondition{"zz": lcond("GT", lnum("1"))}, want: false},
		{name: "NOT_NULL", conds: map[string]legacyCondition{"a.b": lcond("NOT_NULL")}, want: true},
		{name: "NULL", conds: map[string]legacyCondition{"zz": lcond("NULL")}, want: true},
		{name: "NULL present", conds: map[string]legacyCondition{"s": lcond("NULL")}, want: false},
		{name: "CONTAINS substring", conds: map[string]legacyCondition{"s": lcond("CONTAINS", attr.Str("ell"))}, want: true},
		{name: "CONTAINS set member", conds: map[string]legacyCondition{"ns": lcond("CONTAINS", lnum("2"))}, want: true},
		{name: "NOT_CONTAINS", conds: map[string]legacyCondition{"ss": lcond("NOT_CONTAINS", attr.Str("c"))}, want: true},
		{name: "NOT_CONTAINS missing", conds: map[string]legacyCondition{"zz": lcond("NOT_CONTAINS", attr.Str("c"))}, want: true},
		{name: "BEGINS_WITH", conds: map[string]legacyCondition{"s": lcond("BEGINS_WITH", attr.Str("he"))}, want: true},
		{name: "IN", conds: map[string]legacyCondition{"n": lcond("IN", lnum("4"), lnum("5"))}, want: true},
		{name: "IN absent", conds: map[string]legacyCondition{"n": lcond("IN", lnum("4"), lnum("6"))}, want: false},
		{name: "BETWEEN", conds: map[string]legacyCondition{"n": lcond("BETWEEN", lnum("5"), lnum("9"))}, want: true},
		{name: "BETWEEN outside", conds: map[string]legacyCondition{"n": lcond("BETWEEN", lnum("6"), lnum("9"))}, want: false},
		{
			name:  "AND",
			conds: map[string]legacyCondition{"s": lcond("EQ", attr.Str("hello")), "n": lcond("BETWEEN", lnum("6"), lnum("9"))},
			want:  false,
		},
		{
			name:  "OR",
			op:    lstr("OR"),
			conds: map[string]legacyCondition{"s": lcond("EQ", attr.Str("hello")), "n": lcond("BETWEEN", lnum("6"), lnum("9"))},
			want:  true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			s, err := filterExpression("ScanFilter", tc.conds, tc.op, &ln)
			if err != nil {
				t.Fatal(err)
			}
			env := expr.NewEnv(ln.Names, ln.Values)
			c, err := expr.ParseCondition("FilterExpression", s, env)
			if err != nil {
				t.Fatalf("parse %q: %v", s, err)
			}
			if err := env.CheckUnused(); err != nil {
				t.Fatalf("unused placeholders in %q: %v", s, err)
			}
			if got := c.Eval(item); got != tc.want {
				t.Fatalf("%q on %v = %v, want %v", s, item, got, tc.want)
			}
		})
	}
}

func TestLegacyExpectedSemantics(t *testing.T) {
	item := attr.Item{"a": attr.Str("x"), "b": lnum("1")}
	tests := []struct {
		name     string
		expected map[string]legacyExpected
		want     bool
	}{
		{name: "value matches", expected: map[string]legacyExpected{"a": {Value: lval(attr.Str("x"))}}, want: true},
		{name: "value differs", expected: map[string]legacyExpected{"a": {Value: lval(attr.Str("y"))}}, want: false},
		{name: "value on missing", expected: map[string]legacyExpected{"z": {Value: lval(attr.Str("x"))}}, want: false},
		{name: "exists false on missing", expected: map[string]legacyExpected{"z": {Exists: lbool(false)}}, want: true},
		{name: "exists false on present", expected: map[string]legacyExpected{"a": {Exists: lbool(false)}}, want: false},
		{
			name:     "comparison",
			expected: map[string]legacyExpected{"b": {ComparisonOperator: lstr("GT"), AttributeValueList: lvals(lnum("0"))}},
			want:     true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			s, err := expectedExpression(tc.expected, nil, &ln)
			if err != nil {
				t.Fatal(err)
			}
			env := expr.NewEnv(ln.Names, ln.Values)
			c, err := expr.ParseCondition("ConditionExpression", s, env)
			if err != nil {
				t.Fatalf("parse %q: %v", s, err)
			}
			if got := c.Eval(item); got != tc.want {
				t.Fatalf("%q = %v, want %v", s, got, tc.want)
			}
		})
	}
}

func TestLegacyUpdateSemantics(t *testing.T) {
	item := attr.Item{
		"pk":   attr.Str("k"),
		"n":    lnum("5"),
		"ss":   lss("a", "b"),
		"list": attr.List(attr.Str("x")),
		"gone": attr.Str("bye"),
	}
	updates := map[string]legacyUpdate{
		"n":     {Action: lstr("ADD"), Value: lval(lnum("2"))},
		"new":   {Action: lstr("ADD"), Value: lval(lnum("3"))},
		"ss":    {Action: lstr("DELETE"), Value: lval(lss("a"))},
		"list":  {Action: lstr("ADD"), Value: lval(attr.List(attr.Str("y")))},
		"list2": {Action: lstr("ADD"), Value: lval(attr.List(attr.Str("z")))},
		"gone":  {Action: lstr("DELETE")},
		"p.q":   {Value: lval(attr.Str("put"))},
	}
	want := attr.Item{
		"pk":    attr.Str("k"),
		"n":     lnum("7"),
		"new":   lnum("3"),
		"ss":    lss("b"),
		"list":  attr.List(attr.Str("x"), attr.Str("y")),
		"list2": attr.List(attr.Str("z")),
		"p.q":   attr.Str("put"),
	}
	var ln legacyNames
	s, err := attributeUpdatesExpression(updates, &ln)
	if err != nil {
		t.Fatal(err)
	}
	env := expr.NewEnv(ln.Names, ln.Values)
	u, err := expr.ParseUpdate(s, env)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	if err := env.CheckUnused(); err != nil {
		t.Fatalf("unused placeholders in %q: %v", s, err)
	}
	got, err := u.Apply(item)
	if err != nil {
		t.Fatalf("apply %q: %v", s, err)
	}
	if !attr.Equal(attr.Map(got), attr.Map(want)) {
		t.Fatalf("%q gave\n%v\nwant\n%v", s, got, want)
	}
}

func TestLegacyProjectionSemantics(t *testing.T) {
	item := attr.Item{"a.b": attr.Str("1"), "c": attr.Str("2"), "d": attr.Str("3")}
	var ln legacyNames
	s, err := attributesToGetProjection([]string{"a.b", "d", "missing"}, &ln)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := expr.ParseProjection(s, expr.NewEnv(ln.Names, ln.Values))
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	got := expr.Project(item, paths)
	want := attr.Item{"a.b": attr.Str("1"), "d": attr.Str("3")}
	if !attr.Equal(attr.Map(got), attr.Map(want)) {
		t.Fatalf("%q gave %v, want %v", s, got, want)
	}
}

func TestLegacyKeyConditionSemantics(t *testing.T) {
	key := schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "rk", Type: attr.TypeN}}
	tests := []struct {
		name  string
		conds map[string]legacyCondition
		op    expr.RangeOp
		err   string
	}{
		{name: "hash", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h"))}, op: expr.RangeNone},
		{name: "EQ", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("EQ", lnum("1"))}, op: expr.RangeEQ},
		{name: "LT", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("LT", lnum("1"))}, op: expr.RangeLT},
		{name: "LE", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("LE", lnum("1"))}, op: expr.RangeLE},
		{name: "GT", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("GT", lnum("1"))}, op: expr.RangeGT},
		{name: "GE", conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("GE", lnum("1"))}, op: expr.RangeGE},
		{
			name:  "BETWEEN",
			conds: map[string]legacyCondition{"pk": lcond("EQ", attr.Str("h")), "rk": lcond("BETWEEN", lnum("1"), lnum("2"))},
			op:    expr.RangeBetween,
		},
		{
			name:  "missing hash",
			conds: map[string]legacyCondition{"rk": lcond("EQ", lnum("1"))},
			err:   "Query condition missed key schema element: pk",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ln legacyNames
			s, err := keyConditionsExpression(tc.conds, &ln)
			if err != nil {
				t.Fatal(err)
			}
			kc, err := expr.ParseKeyCondition(s, expr.NewEnv(ln.Names, ln.Values), key)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("parse %q: got %v, want %q", s, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse %q: %v", s, err)
			}
			if kc.HashName != "pk" || kc.Op != tc.op || (tc.op != expr.RangeNone && kc.RangeName != "rk") {
				t.Fatalf("parse %q = %+v", s, kc)
			}
		})
	}
}
