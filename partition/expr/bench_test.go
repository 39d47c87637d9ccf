package expr

import (
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func BenchmarkCondition(b *testing.B) {
	const expr = "attribute_exists(#n) AND (n BETWEEN :one AND :m OR begins_with(s, :s)) AND NOT contains(ss, :e)"
	it := evalItem()
	b.Run("op=parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseCondition("ConditionExpression", expr, testEnv()); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, err := ParseCondition("ConditionExpression", expr, testEnv())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Eval(it)
		}
	})
}

func BenchmarkUpdate(b *testing.B) {
	const expr = "SET n = n + :one, m.x = :s, l[1] = :s REMOVE s ADD ss :newss"
	it := applyItem()
	b.Run("op=parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseUpdate(expr, applyEnv()); err != nil {
				b.Fatal(err)
			}
		}
	})
	u, err := ParseUpdate(expr, applyEnv())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=apply", func(b *testing.B) {
		b.ReportAllocs()
		var out attr.Item
		for b.Loop() {
			if out, err = u.Apply(it); err != nil {
				b.Fatal(err)
			}
		}
		_ = out
	})
}
