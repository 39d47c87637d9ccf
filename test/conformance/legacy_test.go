package conformance

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func cond(op types.ComparisonOperator, vals ...types.AttributeValue) types.Condition {
	return types.Condition{ComparisonOperator: op, AttributeValueList: vals}
}

func TestLegacyExpected(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	item := Item{"pk": S("k"), "n": N("5"), "s": S("hello"), "ss": SS("a", "b")}
	put(t, table, item)
	tests := []struct {
		name     string
		expected map[string]types.ExpectedAttributeValue
		op       types.ConditionalOperator
		want     bool
	}{
		{"exists true", map[string]types.ExpectedAttributeValue{"n": {Value: N("5")}}, "", true},
		{"exists wrong value", map[string]types.ExpectedAttributeValue{"n": {Value: N("6")}}, "", false},
		{"exists false", map[string]types.ExpectedAttributeValue{"nope": {Exists: aws.Bool(false)}}, "", true},
		{"exists false on present", map[string]types.ExpectedAttributeValue{"n": {Exists: aws.Bool(false)}}, "", false},
		{"EQ", map[string]types.ExpectedAttributeValue{"s": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{S("hello")}}}, "", true},
		{"GT", map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{N("4")}}}, "", true},
		{"LT false", map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorLt, AttributeValueList: []types.AttributeValue{N("5")}}}, "", false},
		{"BETWEEN", map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{N("1"), N("5")}}}, "", true},
		{"IN", map[string]types.ExpectedAttributeValue{"s": {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{S("x"), S("hello")}}}, "", true},
		{"BEGINS_WITH", map[string]types.ExpectedAttributeValue{"s": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{S("he")}}}, "", true},
		{"CONTAINS set", map[string]types.ExpectedAttributeValue{"ss": {ComparisonOperator: types.ComparisonOperatorContains, AttributeValueList: []types.AttributeValue{S("a")}}}, "", true},
		{"NOT_CONTAINS", map[string]types.ExpectedAttributeValue{"s": {ComparisonOperator: types.ComparisonOperatorNotContains, AttributeValueList: []types.AttributeValue{S("ell")}}}, "", false},
		{"NULL", map[string]types.ExpectedAttributeValue{"nope": {ComparisonOperator: types.ComparisonOperatorNull}}, "", true},
		{"NOT_NULL", map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorNotNull}}, "", true},
		{"NE missing", map[string]types.ExpectedAttributeValue{"nope": {ComparisonOperator: types.ComparisonOperatorNe, AttributeValueList: []types.AttributeValue{N("1")}}}, "", true},
		{"AND default", map[string]types.ExpectedAttributeValue{
			"n": {Value: N("5")}, "s": {Value: S("nope")}}, "", false},
		{"OR", map[string]types.ExpectedAttributeValue{
			"n": {Value: N("5")}, "s": {Value: S("nope")}}, types.ConditionalOperatorOr, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: item, Expected: tc.expected, ConditionalOperator: tc.op})
			if tc.want {
				if err != nil {
					t.Fatalf("PutItem: %v", err)
				}
				return
			}
			wantAPIError(t, err, condFailed, condFailMsg)
		})
	}
	t.Run("mixed with expression", func(t *testing.T) {
		_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: item, ConditionExpression: aws.String("attribute_exists(pk)"),
			Expected: map[string]types.ExpectedAttributeValue{"n": {Value: N("5")}}})
		wantAPIError(t, err, validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
	})
	t.Run("Value and Exists false", func(t *testing.T) {
		_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: item,
			Expected: map[string]types.ExpectedAttributeValue{"n": {Value: N("5"), Exists: aws.Bool(false)}}})
		wantAPIError(t, err, validation, "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: n")
	})
	t.Run("wrong argument count", func(t *testing.T) {
		_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: item,
			Expected: map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{N("1")}}}})
		wantAPIError(t, err, validation, "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator")
	})
}

func TestLegacyAttributeUpdatesAndAttributesToGet(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	key := Item{"pk": S("k")}
	put(t, table, Item{"pk": S("k"), "n": N("1"), "s": S("x"), "ss": SS("a", "b"), "gone": S("bye")})
	out, err := db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: key, ReturnValues: types.ReturnValueAllNew,
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"n":    {Action: types.AttributeActionAdd, Value: N("2")},
			"s":    {Action: types.AttributeActionPut, Value: S("y")},
			"ss":   {Action: types.AttributeActionDelete, Value: SS("a")},
			"gone": {Action: types.AttributeActionDelete},
			"new":  {Value: S("put is the default")},
		}})
	if err != nil {
		t.Fatalf("UpdateItem with AttributeUpdates: %v", err)
	}
	want := Item{"pk": S("k"), "n": N("3"), "s": S("y"), "ss": SS("b"), "new": S("put is the default")}
	wantItem(t, out.Attributes, want)
	got, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: key, AttributesToGet: []string{"n", "ss", "nope"}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem with AttributesToGet: %v", err)
	}
	wantItem(t, got.Item, Item{"n": N("3"), "ss": SS("b")})
	_, err = db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: key, AttributesToGet: []string{"n"}, ProjectionExpression: aws.String("n")})
	wantAPIError(t, err, validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
	_, err = db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: key, AttributesToGet: []string{"n", "n"}})
	wantAPIError(t, err, validation, "One or more parameter values were invalid: Duplicate value in attribute name: n")
	_, err = db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: key, UpdateExpression: aws.String("SET a = :a"),
		ExpressionAttributeValues: Item{":a": N("1")}, AttributeUpdates: map[string]types.AttributeValueUpdate{"b": {Value: N("1")}}})
	wantAPIError(t, err, validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}")
}

func TestLegacyQueryAndScan(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	var items []Item
	for i := 1; i <= 10; i++ {
		items = append(items, Item{"pk": S("q"), "sk": N(strconv.Itoa(i)), "odd": Bool(i%2 == 1)})
	}
	batchPut(t, table, items)
	tests := []struct {
		name   string
		keys   map[string]types.Condition
		filter map[string]types.Condition
		want   []string
	}{
		{"EQ", map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, S("q"))}, nil, nums(1, 10)},
		{"LE", map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, S("q")), "sk": cond(types.ComparisonOperatorLe, N("3"))}, nil, nums(1, 3)},
		{"BETWEEN", map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, S("q")), "sk": cond(types.ComparisonOperatorBetween, N("4"), N("6"))}, nil, nums(4, 6)},
		{"GT with filter", map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, S("q")), "sk": cond(types.ComparisonOperatorGt, N("5"))},
			map[string]types.Condition{"odd": cond(types.ComparisonOperatorEq, Bool(true))}, []string{"7", "9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditions: tc.keys, QueryFilter: tc.filter})
			if fmt.Sprint(attrs(got, "sk")) != fmt.Sprint(tc.want) {
				t.Fatalf("sort keys %v, want %v", attrs(got, "sk"), tc.want)
			}
		})
	}
	t.Run("ScanFilter OR", func(t *testing.T) {
		got, _ := scanAll(t, dynamodb.ScanInput{TableName: &table, ConditionalOperator: types.ConditionalOperatorOr, ScanFilter: map[string]types.Condition{
			"sk":  cond(types.ComparisonOperatorLt, N("3")),
			"odd": cond(types.ComparisonOperatorEq, Bool(false)),
		}})
		if len(got) != 6 { // 1, 2, 4, 6, 8, 10
			t.Fatalf("%d items, want 6: %v", len(got), attrs(got, "sk"))
		}
	})
	t.Run("ScanFilter IN and NOT_NULL", func(t *testing.T) {
		got, _ := scanAll(t, dynamodb.ScanInput{TableName: &table, ScanFilter: map[string]types.Condition{
			"sk":  cond(types.ComparisonOperatorIn, N("2"), N("3"), N("99")),
			"odd": cond(types.ComparisonOperatorNotNull),
		}})
		if len(got) != 2 {
			t.Fatalf("%d items, want 2: %v", len(got), attrs(got, "sk"))
		}
	})
	t.Run("mixed", func(t *testing.T) {
		_, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditions: map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, S("q"))},
			KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: Item{":p": S("q")}})
		wantAPIError(t, err, validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}")
	})
}
