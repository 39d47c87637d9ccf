package expr

import (
	"errors"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// checkParseError fails t unless err is nil or a *dberr.Error.
func checkParseError(t *testing.T, s string, err error) {
	var de *dberr.Error
	if err != nil && !errors.As(err, &de) {
		t.Fatalf("%q: error %v is %T, want *dberr.Error", s, err, err)
	}
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"a = :s", "NOT (a < :n OR b.c[1] >= :m) AND #n <> :s", "a BETWEEN :n AND :m",
		"a IN (:s, :t)", "size(a) > :n", "begins_with(a, :s)", "((a))", "attribute_type(a, :typeS)",
		"contains(ss, :e)", "a = :s AND", "(((((", "a[99999999999999999999] = :s",
	} {
		f.Add(s)
	}
	it := evalItem()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition("ConditionExpression", s, testEnv())
		checkParseError(t, s, err)
		if err == nil {
			c.Eval(it)
			c.Eval(nil)
		}
		_, err = ParseKeyCondition(s, testEnv(), hashRange)
		checkParseError(t, s, err)
		_, err = ParseProjection(s, testEnv())
		checkParseError(t, s, err)
	})
}

func FuzzParseUpdate(f *testing.F) {
	for _, s := range []string{
		"SET a = :s", "SET a = if_not_exists(a, :n) + :one REMOVE b[1], c ADD n :n DELETE ss :ss",
		"SET l = list_append(l, :l)", "SET a.b[2].c = :s", "REMOVE l[0], l[3]", "SET a = (b - :n)",
		"SET", "SET a = :s SET b = :s", "ADD a :s",
	} {
		f.Add(s)
	}
	it := applyItem()
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUpdate(s, applyEnv())
		checkParseError(t, s, err)
		if err != nil {
			return
		}
		before := it.Clone()
		_, err = u.Apply(it)
		checkParseError(t, s, err)
		if !itemsEqual(it, before) {
			t.Fatalf("%q: Apply modified its input", s)
		}
		_, err = u.Apply(attr.Item{})
		checkParseError(t, s, err)
	})
}
