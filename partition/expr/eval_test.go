package expr

import (
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func evalItem() attr.Item {
	return attr.Item{
		"s":      str("abc"),
		"n":      num("5"),
		"n2":     num("5.0"),
		"b":      attr.Bin([]byte("abcd")),
		"bool":   attr.Bool(true),
		"nul":    attr.Null(),
		"l":      attr.List(str("x"), num("1")),
		"m":      mp("k", str("v"), "child", mp("deep", num("7"))),
		"ss":     ss("a", "b"),
		"ns":     ns("1", "2"),
		"name":   str("reserved"),
		"x.y":    str("dotted"),
		"nolist": attr.List(),
		"uni":    str("héllo"),
		"sb":     str("b"),
	}
}

func TestConditionEval(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		// Comparators across types.
		{"s = :s", true},
		{"s <> :s", false},
		{"s = :t", false},
		{"s <> :t", true},
		{"s < :t", true},
		{"s <= :s", true},
		{"s > :t", false},
		{"s >= :s", true},
		{"n = :n", true},
		{"n2 = :n", true},
		{"n < :m", true},
		{"n > :m", false},
		{":m > n", true},
		{"n = :s", false},
		{"n <> :s", true},
		{"n < :s", false},
		{"n >= :s", false},
		{"gone = :s", false},
		{"gone <> :s", true},
		{"gone < :s", false},
		{"bool = :bool", true},
		{"bool < :bool", false},
		{"nul = :null", true},
		{"l = :l", false},
		{"m.k = :s", false},
		{"m = :map", false},
		{"ss = :ss", true},
		{"ns = :ns", true},
		{"b > :b", true},
		{"s = sb", false},
		{"n = n2", true},
		// Document paths.
		{"m.child.deep = :m", false},
		{"m.child.deep > :n", true},
		{"l[1] = :one", true},
		{"l[2] = :one", false},
		{"l.x = :s", false},
		{"m[0] = :s", false},
		{"#n = :t", false},
		{"#dot = :s", false},
		{"attribute_exists(#dot)", true},
		{"attribute_exists(x.y)", false},
		// BETWEEN and IN.
		{"n BETWEEN :one AND :m", true},
		{"n BETWEEN :n AND :n", true},
		{"n BETWEEN :one AND :one", false},
		{"s BETWEEN :s AND :t", true},
		{"s BETWEEN :one AND :m", false},
		{"gone BETWEEN :one AND :m", false},
		{"n IN (:s, :n)", true},
		{"n IN (:s, :t)", false},
		{"ss IN (:ss)", true},
		{"gone IN (:s)", false},
		// Functions.
		{"attribute_exists(s)", true},
		{"attribute_exists(gone)", false},
		{"attribute_not_exists(gone)", true},
		{"attribute_not_exists(m.k)", false},
		{"attribute_exists(l[0])", true},
		{"attribute_exists(l[5])", false},
		{"attribute_type(s, :typeS)", true},
		{"attribute_type(n, :typeS)", false},
		{"attribute_type(gone, :typeS)", false},
		{"begins_with(s, :s)", true},
		{"begins_with(s, :e)", false},
		{"begins_with(b, :b)", true},
		{"begins_with(n, :s)", false},
		{"begins_with(gone, :s)", false},
		{"contains(s, :e)", false},
		{"contains(ss, :e)", false},
		{"contains(ss, :typeS)", false},
		{"contains(ns, :one)", true},
		{"contains(ns, :n)", false},
		{"contains(l, :one)", true},
		{"contains(l, :s)", false},
		{"contains(s, sb)", true},
		{"contains(gone, :s)", false},
		{"size(s) = :n", false},
		{"size(s) < :n", true},
		{"size(uni) = :n", false},
		{"size(l) < :n", true},
		{"size(m) < :n", true},
		{"size(ss) < :n", true},
		{"size(b) < :n", true},
		{"size(n) < :m", false},
		{"size(gone) < :m", false},
		{"size(nolist) < :one", true},
		// Logic and precedence.
		{"s = :s AND n = :n", true},
		{"s = :s AND n = :m", false},
		{"s = :t OR n = :n", true},
		{"NOT s = :t", true},
		{"NOT s = :s", false},
		{"NOT s = :s OR n = :n", true},
		{"NOT (s = :s OR n = :n)", false},
		{"s = :t AND n = :n OR s = :s", true},
		{"s = :t AND (n = :n OR s = :s)", false},
		{"s = :s OR n = :m AND s = :t", true},
		{"(s = :s OR n = :m) AND s = :t", false},
		{"NOT attribute_exists(gone) AND NOT NOT s = :s", true},
	}
	it := evalItem()
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c, err := ParseCondition("ConditionExpression", tt.expr, testEnv())
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if got := c.Eval(it); got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConditionEvalNilItem(t *testing.T) {
	for expr, want := range map[string]bool{
		"attribute_not_exists(a)": true,
		"attribute_exists(a)":     false,
		"a = :s":                  false,
		"a <> :s":                 true,
	} {
		t.Run(expr, func(t *testing.T) {
			c, err := ParseCondition("ConditionExpression", expr, testEnv())
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Eval(nil); got != want {
				t.Errorf("Eval(nil) = %v, want %v", got, want)
			}
		})
	}
}
