package conformance

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestTypesRoundTrip(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	tests := []struct {
		name string
		v    types.AttributeValue
	}{
		{"S", S("héllo wörld ✓")},
		{"empty S", S("")},
		{"N int", N("42")},
		{"N negative decimal", N("-3.14159")},
		{"N 38 digits", N("12345678901234567890123456789012345678")},
		{"N tiny", N("1E-130")},
		{"N largest", N("9.9999999999999999999999999999999999999E+125")},
		{"B", B([]byte{0, 1, 2, 0xfe, 0xff})},
		{"empty B", B([]byte{})},
		{"BOOL true", Bool(true)},
		{"BOOL false", Bool(false)},
		{"NULL", Null()},
		{"L", L(S("a"), N("1"), Bool(false), Null(), L(), M(Item{}))},
		{"empty L", L()},
		{"M", M(Item{"a": S("b"), "n": M(Item{"deep": L(N("1"))})})},
		{"empty M", M(Item{})},
		{"SS", SS("x", "y", "z")},
		{"NS", NS("1", "-2.5", "1E+10")},
		{"BS", BS([]byte{1}, []byte{2, 3})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			item := Item{"pk": S(tc.name), "v": tc.v}
			put(t, table, item)
			got := get(t, table, Item{"pk": S(tc.name)})
			if tc.name == "N largest" || tc.name == "N tiny" || tc.name == "NS" {
				// DynamoDB may render exponents differently; compare numerically.
				if got == nil || !sameNumbers(got["v"], tc.v) {
					t.Fatalf("got %s, want %s", showItem(got), showItem(item))
				}
				return
			}
			wantItem(t, got, item)
		})
	}
}

// sameNumbers compares N or NS values by decimal value, not spelling.
func sameNumbers(a, b types.AttributeValue) bool {
	canon := func(v types.AttributeValue) []string {
		switch x := v.(type) {
		case *types.AttributeValueMemberN:
			return []string{canonNumber(x.Value)}
		case *types.AttributeValueMemberNS:
			var out []string
			for _, n := range x.Value {
				out = append(out, canonNumber(n))
			}
			return sortStrings(out)
		}
		return nil
	}
	return strings.Join(canon(a), ",") == strings.Join(canon(b), ",")
}

func TestNumberLimits(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	tests := []struct {
		n   string
		msg string
	}{
		{"12345678901234567890123456789012345678", ""},
		{"0.12345678901234567890123456789012345678", ""},
		{"1234567890123456789012345678901234567800000", ""}, // trailing zeros are not significant
		{"1E-130", ""},
		{"-1E-130", ""},
		{"9.9999999999999999999999999999999999999E+125", ""},
		{"123456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"},
		{"-1.23456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"},
		{"1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"-1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{"abc", "A value provided cannot be converted into a number"},
		{"", "A value provided cannot be converted into a number"},
	}
	for _, tc := range tests {
		t.Run("N="+tc.n, func(t *testing.T) {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("n" + tc.n), "v": N(tc.n)}})
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("PutItem: %v", err)
				}
				return
			}
			wantAPIError(t, err, validation, tc.msg)
		})
	}
}

func TestValueValidation(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeB})
	key := func() Item { return Item{"pk": S("k"), "sk": B([]byte{1})} }
	with := func(name string, v types.AttributeValue) Item {
		it := key()
		it[name] = v
		return it
	}
	const invalid = "One or more parameter values were invalid: "
	tests := []struct {
		name string
		item Item
		msg  string
		has  string
	}{
		{name: "empty string set", item: with("v", SS()), msg: invalid + "An string set  may not be empty"},
		{name: "empty number set", item: with("v", NS()), msg: invalid + "An number set  may not be empty"},
		{name: "empty binary set", item: with("v", BS()), msg: invalid + "Binary sets should not be empty"},
		{name: "duplicate strings", item: with("v", SS("a", "a")), msg: invalid + "Input collection [a, a] contains duplicates."},
		{name: "duplicate numbers", item: with("v", NS("1", "1")), has: "contains duplicates"},
		{name: "duplicate binaries", item: with("v", BS([]byte("b"), []byte("b"))), has: "contains duplicates"},
		{name: "empty partition key", item: Item{"pk": S(""), "sk": B([]byte{1})},
			msg: "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{name: "empty sort key", item: Item{"pk": S("k"), "sk": B([]byte{})},
			msg: "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk"},
		{name: "partition key over 2048 bytes", item: Item{"pk": S(strings.Repeat("p", 2049)), "sk": B([]byte{1})},
			msg: invalid + "Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{name: "sort key over 1024 bytes", item: Item{"pk": S("k"), "sk": B(make([]byte, 1025))},
			msg: invalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
		{name: "33 levels", item: with("v", nested(32)), has: "Nesting Levels have exceeded supported limits"},
		{name: "item over 400 KB", item: with("v", S(strings.Repeat("x", 400*1024))), msg: "Item size has exceeded the maximum allowed size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: tc.item})
			if tc.msg != "" {
				wantAPIError(t, err, validation, tc.msg)
			} else {
				wantAPIErrorContains(t, err, validation, tc.has)
			}
		})
	}
	accepted := []struct {
		name string
		item Item
	}{
		{"empty string outside keys", with("v", S(""))},
		{"empty binary outside keys", with("v", B([]byte{}))},
		{"empty string in a list and map", with("v", L(S(""), M(Item{"e": S("")})))},
		{"partition key of 2048 bytes", Item{"pk": S(strings.Repeat("p", 2048)), "sk": B([]byte{1})}},
		{"sort key of 1024 bytes", Item{"pk": S("k"), "sk": B(make([]byte, 1024))}},
		{"32 levels", with("v", nested(31))},
		// size = len("pk")+len("k") + len("sk")+1 + len("v")+len(value)
		{"item just under 400 KB", with("v", S(strings.Repeat("x", 400*1024-2-1-2-1-1-16)))},
	}
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			put(t, table, tc.item)
			k := Item{"pk": tc.item["pk"], "sk": tc.item["sk"]}
			wantItem(t, get(t, table, k), tc.item)
		})
	}
	t.Run("item of 400 KB plus one byte", func(t *testing.T) {
		_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: with("v", S(strings.Repeat("x", 400*1024-2-1-2-1-1+1)))})
		wantAPIError(t, err, validation, "Item size has exceeded the maximum allowed size")
	})
	t.Run("update past 400 KB", func(t *testing.T) {
		k := Item{"pk": S("grow"), "sk": B([]byte{1})}
		put(t, table, Item{"pk": S("grow"), "sk": B([]byte{1}), "a": S(strings.Repeat("a", 300*1024))})
		_, err := db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: k, UpdateExpression: aws.String("SET b = :b"),
			ExpressionAttributeValues: Item{":b": S(strings.Repeat("b", 200*1024))}})
		wantAPIError(t, err, validation, "Item size to update has exceeded the maximum allowed size")
	})
}

// nested wraps a string in depth single-key maps; DynamoDB accepts 31 wraps
// (the leaf at level 32) and rejects 32.
func nested(depth int) types.AttributeValue {
	v := S("leaf")
	for range depth {
		v = M(Item{"n": v})
	}
	return v
}
