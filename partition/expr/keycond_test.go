package expr

import (
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

var (
	hashOnly  = schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}
	hashRange = schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "sk", Type: attr.TypeN}}
)

func TestParseKeyCondition(t *testing.T) {
	tests := []struct {
		expr string
		key  schema.KeySchema
		want KeyCondition
	}{
		{"pk = :s", hashOnly, KeyCondition{HashName: "pk", HashValue: str("abc")}},
		{":s = pk", hashOnly, KeyCondition{HashName: "pk", HashValue: str("abc")}},
		{"pk = :s", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc")}},
		{"pk = :s AND sk = :n", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeEQ, Values: [2]attr.Value{num("5")}}},
		{"sk < :n AND pk = :s", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeLT, Values: [2]attr.Value{num("5")}}},
		{"pk = :s AND :n < sk", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeGT, Values: [2]attr.Value{num("5")}}},
		{"pk = :s AND :n >= sk", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeLE, Values: [2]attr.Value{num("5")}}},
		{"pk = :s AND sk <= :n", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeLE, Values: [2]attr.Value{num("5")}}},
		{"pk = :s AND sk >= :n", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeGE, Values: [2]attr.Value{num("5")}}},
		{"(pk = :s) AND (sk BETWEEN :n AND :m)", hashRange, KeyCondition{HashName: "pk", HashValue: str("abc"), RangeName: "sk", Op: RangeBetween, Values: [2]attr.Value{num("5"), num("10")}}},
		{"#a = :s AND begins_with(#b, :t)", schema.KeySchema{Hash: schema.KeyAttr{Name: "a", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "b", Type: attr.TypeS}},
			KeyCondition{HashName: "a", HashValue: str("abc"), RangeName: "b", Op: RangeBeginsWith, Values: [2]attr.Value{str("xyz")}}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseKeyCondition(tt.expr, testEnv(), tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if got.HashName != tt.want.HashName || got.RangeName != tt.want.RangeName || got.Op != tt.want.Op ||
				!attr.Equal(got.HashValue, tt.want.HashValue) || !valuesEqual(got.Values, tt.want.Values) {
				t.Errorf("ParseKeyCondition = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func valuesEqual(a, b [2]attr.Value) bool {
	for i := range a {
		if a[i].T != b[i].T || (a[i].T != attr.TypeInvalid && !attr.Equal(a[i], b[i])) {
			return false
		}
	}
	return true
}

func TestParseKeyConditionErrors(t *testing.T) {
	tests := []struct {
		expr string
		key  schema.KeySchema
		want string
	}{
		{"", hashOnly, "Invalid KeyConditionExpression: The expression can not be empty;"},
		{"pk = :s a", hashOnly, `Invalid KeyConditionExpression: Syntax error; token: "a", near: ":s a"`},
		{"pk = :x", hashOnly, "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
		{"pk = :s OR pk = :t", hashOnly, "Invalid operator used in KeyConditionExpression: OR"},
		{"NOT pk = :s", hashOnly, "Invalid operator used in KeyConditionExpression: NOT"},
		{"pk IN (:s)", hashOnly, "Invalid operator used in KeyConditionExpression: IN"},
		{"pk <> :s", hashOnly, "Invalid operator used in KeyConditionExpression: <>"},
		{"pk = :s AND attribute_exists(sk)", hashRange, "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"pk = :s AND contains(sk, :n)", hashRange, "Invalid operator used in KeyConditionExpression: contains"},
		{"size(pk) = :n", hashOnly, "KeyConditionExpressions cannot contain nested operations"},
		{"pk = :s AND :n BETWEEN sk AND :m", hashRange, "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"pk = :s AND begins_with(:t, sk)", hashRange, "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
		{"pk = sk", hashRange, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"pk.a = :s", hashOnly, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{":s = :t", hashOnly, "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"pk = :s AND pk = :t", hashOnly, "KeyConditionExpressions must only contain one condition per key"},
		{"sk = :n", hashRange, "Query condition missed key schema element: pk"},
		{"qty = :s", hashOnly, "Query condition missed key schema element: pk"},
		{"pk = :s AND qty = :n", hashRange, "Query condition missed key schema element: sk"},
		{"pk = :s AND qty = :n", hashOnly, "Query key condition not supported"},
		{"pk > :s", hashOnly, "Query key condition not supported"},
		{"begins_with(pk, :s)", hashOnly, "Query key condition not supported"},
		{"pk = :n", hashOnly, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{":n > pk", hashOnly, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :s AND sk = :s", hashRange, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = :s AND sk BETWEEN :n AND :s", hashRange, "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:abc}"},
		{"pk = :s AND begins_with(sk, :n)", hashRange, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseKeyCondition(tt.expr, testEnv(), tt.key)
			wantMessage(t, err, tt.want)
		})
	}
}
