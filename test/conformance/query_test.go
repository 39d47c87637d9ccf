package conformance

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// queryAll pages a Query to the end and returns every item in order.
func queryAll(t *testing.T, in dynamodb.QueryInput) (items []Item, pages int) {
	t.Helper()
	for {
		out, err := db.Query(ctxT(t), &in)
		if err != nil {
			t.Fatalf("Query page %d: %v", pages, err)
		}
		pages++
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items, pages
		}
		if pages > 10000 {
			t.Fatal("Query never ended")
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// scanAll pages a Scan to the end.
func scanAll(t *testing.T, in dynamodb.ScanInput) (items []Item, pages int) {
	t.Helper()
	for {
		out, err := db.Scan(ctxT(t), &in)
		if err != nil {
			t.Fatalf("Scan page %d: %v", pages, err)
		}
		pages++
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items, pages
		}
		if pages > 10000 {
			t.Fatal("Scan never ended")
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// attrs renders one attribute of every item, in order.
func attrs(items []Item, name string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		switch v := it[name].(type) {
		case *types.AttributeValueMemberN:
			out[i] = v.Value
		case *types.AttributeValueMemberS:
			out[i] = v.Value
		default:
			out[i] = show(v)
		}
	}
	return out
}

func nums(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestQueryNumericSortKey(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	var items []Item
	for i := 1; i <= 20; i++ {
		items = append(items, Item{"pk": S("q"), "sk": N(strconv.Itoa(i)), "even": Bool(i%2 == 0)})
	}
	items = append(items, Item{"pk": S("other"), "sk": N("5")}, Item{"pk": S("qq"), "sk": N("5")})
	batchPut(t, table, items)
	pk := Item{":pk": S("q")}
	with := func(extra Item) Item {
		out := Item{":pk": S("q")}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name    string
		cond    string
		values  Item
		forward *bool
		limit   int32
		want    []string
	}{
		{name: "hash only", cond: "pk = :pk", values: pk, want: nums(1, 20)},
		{name: "eq", cond: "pk = :pk AND sk = :v", values: with(Item{":v": N("5")}), want: []string{"5"}},
		{name: "lt", cond: "pk = :pk AND sk < :v", values: with(Item{":v": N("5")}), want: nums(1, 4)},
		{name: "le", cond: "pk = :pk AND sk <= :v", values: with(Item{":v": N("5")}), want: nums(1, 5)},
		{name: "gt", cond: "pk = :pk AND sk > :v", values: with(Item{":v": N("15")}), want: nums(16, 20)},
		{name: "ge", cond: "pk = :pk AND sk >= :v", values: with(Item{":v": N("15")}), want: nums(15, 20)},
		{name: "between", cond: "pk = :pk AND sk BETWEEN :a AND :b", values: with(Item{":a": N("3"), ":b": N("6")}), want: nums(3, 6)},
		{name: "backward", cond: "pk = :pk", values: pk, forward: aws.Bool(false), want: reversed(nums(1, 20))},
		{name: "backward range", cond: "pk = :pk AND sk BETWEEN :a AND :b", values: with(Item{":a": N("3"), ":b": N("6")}), forward: aws.Bool(false), want: reversed(nums(3, 6))},
		{name: "paged by 7", cond: "pk = :pk", values: pk, limit: 7, want: nums(1, 20)},
		{name: "paged by 1 backward", cond: "pk = :pk AND sk > :v", values: with(Item{":v": N("16")}), limit: 1, forward: aws.Bool(false), want: reversed(nums(17, 20))},
		{name: "no match", cond: "pk = :pk AND sk > :v", values: with(Item{":v": N("100")}), want: nil},
		{name: "with names", cond: "#p = :pk AND #s < :v", values: with(Item{":v": N("3")}), want: nums(1, 2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String(tc.cond), ExpressionAttributeValues: tc.values,
				ScanIndexForward: tc.forward, ConsistentRead: aws.Bool(true)}
			if strings.Contains(tc.cond, "#") {
				in.ExpressionAttributeNames = map[string]string{"#p": "pk", "#s": "sk"}
			}
			if tc.limit > 0 {
				in.Limit = aws.Int32(tc.limit)
			}
			got, pages := queryAll(t, in)
			if fmt.Sprint(attrs(got, "sk")) != fmt.Sprint(tc.want) {
				t.Fatalf("sort keys %v, want %v", attrs(got, "sk"), tc.want)
			}
			if tc.limit > 0 && pages < len(tc.want)/int(tc.limit) {
				t.Fatalf("%d pages for %d items with Limit %d", pages, len(tc.want), tc.limit)
			}
		})
	}
	t.Run("limit page", func(t *testing.T) {
		out, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :pk"), ExpressionAttributeValues: pk, Limit: aws.Int32(3)})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if out.Count != 3 || len(out.Items) != 3 || out.LastEvaluatedKey == nil {
			t.Fatalf("Count %d, %d items, LastEvaluatedKey %v; want 3, 3, set", out.Count, len(out.Items), out.LastEvaluatedKey)
		}
		wantItem(t, out.LastEvaluatedKey, Item{"pk": S("q"), "sk": N("3")})
	})
	t.Run("select count", func(t *testing.T) {
		out, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :pk"), ExpressionAttributeValues: pk, Select: types.SelectCount})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if out.Count != 20 || out.ScannedCount != 20 || len(out.Items) != 0 {
			t.Fatalf("Count %d ScannedCount %d items %d, want 20 20 0", out.Count, out.ScannedCount, len(out.Items))
		}
	})
	t.Run("filter", func(t *testing.T) {
		out, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :pk AND sk <= :ten"),
			FilterExpression: aws.String("even = :t"), ExpressionAttributeValues: with(Item{":t": Bool(true), ":ten": N("10")})})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if out.Count != 5 || out.ScannedCount != 10 || fmt.Sprint(attrs(out.Items, "sk")) != "[2 4 6 8 10]" {
			t.Fatalf("Count %d ScannedCount %d sk %v, want 5 10 [2 4 6 8 10]", out.Count, out.ScannedCount, attrs(out.Items, "sk"))
		}
	})
	t.Run("filter with limit counts scanned items", func(t *testing.T) {
		out, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :pk"),
			FilterExpression: aws.String("even = :t"), ExpressionAttributeValues: with(Item{":t": Bool(true)}), Limit: aws.Int32(4)})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if out.ScannedCount != 4 || out.Count != 2 || out.LastEvaluatedKey == nil {
			t.Fatalf("Count %d ScannedCount %d LEK %v, want 2 4 set", out.Count, out.ScannedCount, out.LastEvaluatedKey)
		}
	})
	t.Run("projection", func(t *testing.T) {
		out, err := db.Query(ctxT(t), &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :pk AND sk = :one"),
			ProjectionExpression: aws.String("even"), ExpressionAttributeValues: with(Item{":one": N("1")})})
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if len(out.Items) != 1 {
			t.Fatalf("%d items, want 1", len(out.Items))
		}
		wantItem(t, out.Items[0], Item{"even": Bool(false)})
	})
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	tests := []struct {
		name   string
		cond   string
		filter string
		values Item
		msg    string
		has    string
	}{
		{name: "missing hash key", cond: "sk = :v", values: Item{":v": N("1")}, msg: "Query condition missed key schema element: pk"},
		{name: "non-key attribute", cond: "pk = :p AND x = :v", values: Item{":p": S("a"), ":v": N("1")}, has: "Query"},
		{name: "hash key not equality", cond: "pk > :p", values: Item{":p": S("a")}, msg: "Query key condition not supported"},
		{name: "OR", cond: "pk = :p OR sk = :v", values: Item{":p": S("a"), ":v": N("1")}, has: "Invalid operator used in KeyConditionExpression: OR"},
		{name: "begins_with on number", cond: "pk = :p AND begins_with(sk, :v)", values: Item{":p": S("a"), ":v": N("1")}, has: "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{name: "key in filter", cond: "pk = :p", filter: "sk = :v", values: Item{":p": S("a"), ":v": N("1")}, has: "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"},
		{name: "wrong key type", cond: "pk = :p", values: Item{":p": N("1")}, msg: "One or more parameter values were invalid: Condition parameter type does not match schema type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String(tc.cond), ExpressionAttributeValues: tc.values}
			if tc.filter != "" {
				in.FilterExpression = aws.String(tc.filter)
			}
			_, err := db.Query(ctxT(t), in)
			if tc.msg != "" {
				wantAPIError(t, err, validation, tc.msg)
			} else {
				wantAPIErrorContains(t, err, validation, tc.has)
			}
		})
	}
}

func TestQuerySortOrders(t *testing.T) {
	t.Parallel()
	t.Run("numbers numerically", func(t *testing.T) {
		table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
		want := []string{"-1E+10", "-100", "-10", "-1.5", "-0.001", "0", "0.0001", "2", "10", "10.5", "100", "1E+20"}
		var items []Item
		for _, n := range []int{7, 0, 3, 11, 5, 1, 9, 2, 6, 10, 4, 8} {
			items = append(items, Item{"pk": S("n"), "sk": N(want[n])})
		}
		batchPut(t, table, items)
		got, _ := queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: Item{":p": S("n")}})
		if len(got) != len(want) {
			t.Fatalf("%d items, want %d", len(got), len(want))
		}
		for i, it := range got {
			if g, w := parseNum(t, it["sk"]), parseNum(t, N(want[i])); g != w {
				t.Fatalf("position %d: %v, want %v (all: %v)", i, g, w, attrs(got, "sk"))
			}
		}
	})
	t.Run("strings by bytes", func(t *testing.T) {
		table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeS})
		vals := []string{"b", "a", "B", "ab", "é", "~", "A", "aa", "z", "0", "\u00ff", "\U0001F600", "Z"}
		var items []Item
		for _, v := range vals {
			items = append(items, Item{"pk": S("s"), "sk": S(v)})
		}
		batchPut(t, table, items)
		want := append([]string(nil), vals...)
		sort.Strings(want)
		got, _ := queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: Item{":p": S("s")}})
		if fmt.Sprintf("%q", attrs(got, "sk")) != fmt.Sprintf("%q", want) {
			t.Fatalf("order %q, want %q", attrs(got, "sk"), want)
		}
		got, _ = queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :a)"),
			ExpressionAttributeValues: Item{":p": S("s"), ":a": S("a")}})
		if fmt.Sprintf("%q", attrs(got, "sk")) != fmt.Sprintf("%q", []string{"a", "aa", "ab"}) {
			t.Fatalf("begins_with a: %q, want [a aa ab]", attrs(got, "sk"))
		}
	})
	t.Run("binary by unsigned bytes", func(t *testing.T) {
		table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeB})
		vals := [][]byte{{0x80}, {0x00}, {0xff}, {0x7f}, {0x00, 0x01}, {0x01}, {0xff, 0x00}, {0x80, 0x80}}
		var items []Item
		for _, v := range vals {
			items = append(items, Item{"pk": S("b"), "sk": B(v)})
		}
		batchPut(t, table, items)
		want := append([][]byte(nil), vals...)
		sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i], want[j]) < 0 })
		got, _ := queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: Item{":p": S("b")}})
		if len(got) != len(want) {
			t.Fatalf("%d items, want %d", len(got), len(want))
		}
		for i, it := range got {
			b, ok := it["sk"].(*types.AttributeValueMemberB)
			if !ok || !bytes.Equal(b.Value, want[i]) {
				t.Fatalf("position %d: %s, want %x", i, show(it["sk"]), want[i])
			}
		}
		got, _ = queryAll(t, dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :x)"),
			ExpressionAttributeValues: Item{":p": S("b"), ":x": B([]byte{0xff})}})
		if len(got) != 2 {
			t.Fatalf("begins_with 0xff: %d items, want 2", len(got))
		}
	})
}

func parseNum(t *testing.T, v types.AttributeValue) float64 {
	t.Helper()
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		t.Fatalf("%s is not a number", show(v))
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		t.Fatalf("parse %q: %v", n.Value, err)
	}
	return f
}

// batchPut writes items 25 at a time with BatchWriteItem.
func batchPut(t *testing.T, table string, items []Item) {
	t.Helper()
	for len(items) > 0 {
		n := min(25, len(items))
		var reqs []types.WriteRequest
		for _, it := range items[:n] {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
		out, err := db.BatchWriteItem(ctxT(t), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
		if err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
		if len(out.UnprocessedItems) != 0 {
			t.Fatalf("BatchWriteItem left %d tables unprocessed", len(out.UnprocessedItems))
		}
		items = items[n:]
	}
}

func TestQueryPageSizeLimit(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	const itemBytes = 100 * 1024
	const count = 15 // ~1.5 MB under one partition key
	payload := strings.Repeat("x", itemBytes)
	var wg sync.WaitGroup
	errs := make(chan error, count)
	for i := range count {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("big"), "sk": N(strconv.Itoa(i)), "d": S(payload)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}
	in := dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: Item{":p": S("big")}}
	first, err := db.Query(ctxT(t), &in)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if first.LastEvaluatedKey == nil || len(first.Items) < 9 || len(first.Items) > 11 {
		t.Fatalf("first page has %d items of 100 KB (LastEvaluatedKey %v), want about 1 MB (9-11 items) and a LastEvaluatedKey",
			len(first.Items), first.LastEvaluatedKey)
	}
	all, _ := queryAll(t, in)
	if fmt.Sprint(attrs(all, "sk")) != fmt.Sprint(nums(0, count-1)) {
		t.Fatalf("paged sort keys %v, want 0..%d", attrs(all, "sk"), count-1)
	}
	scanFirst, err := db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if scanFirst.LastEvaluatedKey == nil || len(scanFirst.Items) > 11 {
		t.Fatalf("first Scan page has %d items of 100 KB (LastEvaluatedKey %v), want at most about 1 MB", len(scanFirst.Items), scanFirst.LastEvaluatedKey)
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	var items []Item
	want := map[string]bool{}
	for i := range 60 {
		pk := fmt.Sprintf("p%d", i%13)
		items = append(items, Item{"pk": S(pk), "sk": N(strconv.Itoa(i)), "v": N(strconv.Itoa(i % 3))})
		want[pk+"/"+strconv.Itoa(i)] = true
	}
	batchPut(t, table, items)
	keyOf := func(it Item) string { return attrs([]Item{it}, "pk")[0] + "/" + attrs([]Item{it}, "sk")[0] }
	checkAll := func(t *testing.T, got []Item) {
		t.Helper()
		seen := map[string]int{}
		for _, it := range got {
			seen[keyOf(it)]++
		}
		for k := range want {
			if seen[k] != 1 {
				t.Errorf("item %s returned %d times", k, seen[k])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d items, want %d", len(got), len(want))
		}
	}
	for _, limit := range []int32{0, 1, 7, 100} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			in := dynamodb.ScanInput{TableName: &table, ConsistentRead: aws.Bool(true)}
			if limit > 0 {
				in.Limit = aws.Int32(limit)
			}
			got, _ := scanAll(t, in)
			checkAll(t, got)
		})
	}
	for _, segs := range []int32{1, 2, 4, 7} {
		t.Run(fmt.Sprintf("segments=%d", segs), func(t *testing.T) {
			var got []Item
			for seg := range segs {
				part, _ := scanAll(t, dynamodb.ScanInput{TableName: &table, Segment: aws.Int32(seg), TotalSegments: aws.Int32(segs), Limit: aws.Int32(5)})
				got = append(got, part...)
			}
			checkAll(t, got)
		})
	}
	t.Run("filter and count", func(t *testing.T) {
		out, err := db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, FilterExpression: aws.String("v = :z"), ExpressionAttributeValues: Item{":z": N("0")}})
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		if out.Count != 20 || out.ScannedCount != 60 || len(out.Items) != 20 {
			t.Fatalf("Count %d ScannedCount %d items %d, want 20 60 20", out.Count, out.ScannedCount, len(out.Items))
		}
		out, err = db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, Select: types.SelectCount})
		if err != nil {
			t.Fatalf("Scan COUNT: %v", err)
		}
		if out.Count != 60 || len(out.Items) != 0 {
			t.Fatalf("COUNT: Count %d items %d, want 60 0", out.Count, len(out.Items))
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, Segment: aws.Int32(4), TotalSegments: aws.Int32(4)})
		wantAPIErrorContains(t, err, validation, "Segment")
		_, err = db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, Segment: aws.Int32(0)})
		wantAPIErrorContains(t, err, validation, "TotalSegments")
		_, err = db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, TotalSegments: aws.Int32(1000001)})
		wantAPIErrorContains(t, err, validation, "totalSegments")
		_, err = db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: &table, Limit: aws.Int32(0)})
		wantAPIError(t, err, validation, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
		_, err = db.Scan(ctxT(t), &dynamodb.ScanInput{TableName: aws.String("no-such-table")})
		wantAPIError(t, err, notFound, "Requested resource not found")
	})
}
