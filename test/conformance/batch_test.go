package conformance

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func putReq(it Item) types.WriteRequest {
	return types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
}

func delReq(key Item) types.WriteRequest {
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key}}
}

func TestBatchWriteItem(t *testing.T) {
	t.Parallel()
	t1, t2 := hashTable(t), hashTable(t)
	ctx := ctxT(t)
	t.Run("25 puts", func(t *testing.T) {
		var reqs []types.WriteRequest
		for i := range 25 {
			reqs = append(reqs, putReq(Item{"pk": S(fmt.Sprintf("k%02d", i)), "v": N(strconv.Itoa(i))}))
		}
		out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{t1: reqs}})
		if err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
		if len(out.UnprocessedItems) != 0 {
			t.Fatalf("UnprocessedItems = %v, want empty", out.UnprocessedItems)
		}
		got, _ := scanAll(t, dynamodb.ScanInput{TableName: &t1})
		if len(got) != 25 {
			t.Fatalf("%d items after batch, want 25", len(got))
		}
	})
	t.Run("mixed put and delete over two tables", func(t *testing.T) {
		out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
			t1: {delReq(Item{"pk": S("k00")}), delReq(Item{"pk": S("k01")}), putReq(Item{"pk": S("new"), "v": S("n")}), delReq(Item{"pk": S("absent")})},
			t2: {putReq(Item{"pk": S("x"), "v": Bool(true)})},
		}})
		if err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
		if len(out.UnprocessedItems) != 0 {
			t.Fatalf("UnprocessedItems = %v, want empty", out.UnprocessedItems)
		}
		if get(t, t1, Item{"pk": S("k00")}) != nil || get(t, t1, Item{"pk": S("k01")}) != nil {
			t.Fatal("deleted items still present")
		}
		wantItem(t, get(t, t1, Item{"pk": S("new")}), Item{"pk": S("new"), "v": S("n")})
		wantItem(t, get(t, t2, Item{"pk": S("x")}), Item{"pk": S("x"), "v": Bool(true)})
	})
	tests := []struct {
		name  string
		items map[string][]types.WriteRequest
		code  string
		msg   string
		has   string
	}{
		{name: "26 requests", items: map[string][]types.WriteRequest{t1: manyPuts(26)}, code: validation,
			has: "Member must have length less than or equal to 25"},
		{name: "26 requests over two tables", items: map[string][]types.WriteRequest{t1: manyPuts(13), t2: manyPuts(13)}, code: validation,
			msg: "Too many items requested for the BatchWriteItem call"},
		{name: "duplicate puts", items: map[string][]types.WriteRequest{t1: {putReq(Item{"pk": S("d")}), putReq(Item{"pk": S("d"), "v": N("1")})}}, code: validation,
			msg: "Provided list of item keys contains duplicates"},
		{name: "put and delete of one key", items: map[string][]types.WriteRequest{t1: {putReq(Item{"pk": S("d")}), delReq(Item{"pk": S("d")})}}, code: validation,
			msg: "Provided list of item keys contains duplicates"},
		{name: "missing table", items: map[string][]types.WriteRequest{"no-such-table": {putReq(Item{"pk": S("d")})}}, code: notFound,
			msg: "Requested resource not found"},
		{name: "bad key", items: map[string][]types.WriteRequest{t1: {delReq(Item{"pk": N("1")})}}, code: validation,
			msg: "The provided key element does not match the schema"},
		{name: "request with neither put nor delete", items: map[string][]types.WriteRequest{t1: {{}}}, code: validation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := scanAll(t, dynamodb.ScanInput{TableName: &t1, ConsistentRead: aws.Bool(true)})
			_, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: tc.items})
			if tc.msg != "" {
				wantAPIError(t, err, tc.code, tc.msg)
			} else {
				wantAPIErrorContains(t, err, tc.code, tc.has)
			}
			after, _ := scanAll(t, dynamodb.ScanInput{TableName: &t1, ConsistentRead: aws.Bool(true)})
			if len(after) != len(before) {
				t.Fatalf("rejected batch changed the table: %d items before, %d after", len(before), len(after))
			}
		})
	}
}

func manyPuts(n int) []types.WriteRequest {
	var reqs []types.WriteRequest
	for i := range n {
		reqs = append(reqs, putReq(Item{"pk": S(fmt.Sprintf("many%d", i))}))
	}
	return reqs
}

func TestBatchGetItem(t *testing.T) {
	t.Parallel()
	t1 := hashTable(t)
	t2 := createTable(t, keySpec{"h", types.ScalarAttributeTypeN}, &keySpec{"r", types.ScalarAttributeTypeS})
	var items []Item
	for i := range 100 {
		items = append(items, Item{"pk": S(fmt.Sprintf("k%03d", i)), "v": N(strconv.Itoa(i)), "other": S("o")})
	}
	batchPut(t, t1, items)
	put(t, t2, Item{"h": N("1"), "r": S("a"), "x": S("y")})
	keys := func(n int) []Item {
		var out []Item
		for i := range n {
			out = append(out, Item{"pk": S(fmt.Sprintf("k%03d", i))})
		}
		return out
	}
	ctx := ctxT(t)
	t.Run("100 keys", func(t *testing.T) {
		out, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{t1: {Keys: keys(100), ConsistentRead: aws.Bool(true)}}})
		if err != nil {
			t.Fatalf("BatchGetItem: %v", err)
		}
		if len(out.UnprocessedKeys) != 0 {
			t.Fatalf("UnprocessedKeys = %v, want empty", out.UnprocessedKeys)
		}
		got := map[string]string{}
		for _, it := range out.Responses[t1] {
			got[attrs([]Item{it}, "pk")[0]] = attrs([]Item{it}, "v")[0]
		}
		if len(got) != 100 {
			t.Fatalf("%d items, want 100", len(got))
		}
		for i := range 100 {
			if got[fmt.Sprintf("k%03d", i)] != strconv.Itoa(i) {
				t.Fatalf("item k%03d: v=%q", i, got[fmt.Sprintf("k%03d", i)])
			}
		}
	})
	t.Run("two tables, missing keys, projection", func(t *testing.T) {
		out, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			t1: {Keys: []Item{{"pk": S("k005")}, {"pk": S("nope")}}, ProjectionExpression: aws.String("#v"), ExpressionAttributeNames: map[string]string{"#v": "v"}},
			t2: {Keys: []Item{{"h": N("1"), "r": S("a")}, {"h": N("1"), "r": S("b")}}},
		}})
		if err != nil {
			t.Fatalf("BatchGetItem: %v", err)
		}
		if len(out.UnprocessedKeys) != 0 {
			t.Fatalf("UnprocessedKeys = %v, want empty", out.UnprocessedKeys)
		}
		if r := out.Responses[t1]; len(r) != 1 {
			t.Fatalf("%s: %d items, want 1", t1, len(r))
		} else {
			wantItem(t, r[0], Item{"v": N("5")})
		}
		if r := out.Responses[t2]; len(r) != 1 {
			t.Fatalf("%s: %d items, want 1", t2, len(r))
		} else {
			wantItem(t, r[0], Item{"h": N("1"), "r": S("a"), "x": S("y")})
		}
	})
	tests := []struct {
		name  string
		items map[string]types.KeysAndAttributes
		code  string
		msg   string
		alt   string // another message DynamoDB is known to give
	}{
		{name: "101 keys", items: map[string]types.KeysAndAttributes{t1: {Keys: keys(101)}}, code: validation,
			msg: "Too many items requested for the BatchGetItem call", alt: "Member must have length less than or equal to 100"},
		{name: "101 keys over two tables", items: map[string]types.KeysAndAttributes{t1: {Keys: keys(100)}, t2: {Keys: []Item{{"h": N("1"), "r": S("a")}}}}, code: validation,
			msg: "Too many items requested for the BatchGetItem call"},
		{name: "duplicate keys", items: map[string]types.KeysAndAttributes{t1: {Keys: []Item{{"pk": S("k001")}, {"pk": S("k001")}}}}, code: validation,
			msg: "Provided list of item keys contains duplicates"},
		{name: "missing table", items: map[string]types.KeysAndAttributes{"no-such-table": {Keys: []Item{{"pk": S("a")}}}}, code: notFound,
			msg: "Requested resource not found"},
		{name: "bad key", items: map[string]types.KeysAndAttributes{t1: {Keys: []Item{{"pk": S("a"), "x": S("b")}}}}, code: validation,
			msg: "The provided key element does not match the schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: tc.items})
			if tc.alt != "" {
				if e, ok := apiErr(err); ok && e.code == tc.code && contains(e.msg, tc.alt) {
					return
				}
			}
			wantAPIError(t, err, tc.code, tc.msg)
		})
	}
}
