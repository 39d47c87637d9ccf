package node

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/keyenc"
)

// TestOnDemandTableSpansPartitions checks that a PAY_PER_REQUEST table
// starts with two partitions, both holding items, and that batch writes,
// batch reads, queries and paged scans see every item across them.
func TestOnDemandTableSpansPartitions(t *testing.T) {
	r := start(t, t.TempDir())
	if status, out := r.call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable: %d %v", status, out)
	}
	tb, err := r.n.catalog.Table(context.Background(), "Users")
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Partitions) != 2 {
		t.Fatalf("Users has %d partitions, want 2", len(tb.Partitions))
	}
	const items = 40
	perPartition := map[uint64]int{}
	var keys []string
	for i := range items {
		id := fmt.Sprint("u", i)
		keys = append(keys, fmt.Sprintf(`{"UserID":{"S":%q}}`, id))
		perPartition[tb.PartitionFor(keyenc.Hash(attr.Str(id))).ID]++
	}
	if len(perPartition) != 2 {
		t.Fatalf("test keys fall in %d partitions, want 2", len(perPartition))
	}
	for lo := 0; lo < items; lo += 20 {
		var reqs []string
		for _, k := range keys[lo : lo+20] {
			reqs = append(reqs, `{"PutRequest":{"Item":`+k+`}}`)
		}
		body := `{"RequestItems":{"Users":[` + strings.Join(reqs, ",") + `]}}`
		if status, out := r.call(t, "BatchWriteItem", body); status != http.StatusOK || len(out["UnprocessedItems"].(map[string]any)) != 0 {
			t.Fatalf("BatchWriteItem: %d %v", status, out)
		}
	}
	t.Run("batch get", func(t *testing.T) {
		status, out := r.call(t, "BatchGetItem", `{"RequestItems":{"Users":{"Keys":[`+strings.Join(keys, ",")+`]}}}`)
		if status != http.StatusOK {
			t.Fatalf("BatchGetItem: %d %v", status, out)
		}
		if got := len(out["Responses"].(map[string]any)["Users"].([]any)); got != items {
			t.Fatalf("BatchGetItem returned %d items, want %d", got, items)
		}
	})
	t.Run("query", func(t *testing.T) {
		for i := range items {
			body := fmt.Sprintf(`{"TableName":"Users","KeyConditionExpression":"UserID = :u","ExpressionAttributeValues":{":u":{"S":"u%d"}}}`, i)
			if status, out := r.call(t, "Query", body); status != http.StatusOK || out["Count"] != float64(1) {
				t.Fatalf("Query u%d: %d %v", i, status, out)
			}
		}
	})
	for _, limit := range []int{1, 3, 7, 100} {
		t.Run(fmt.Sprint("scan limit=", limit), func(t *testing.T) {
			seen := scanIDs(t, r, limit)
			if len(seen) != items {
				t.Fatalf("scan returned %d distinct items, want %d", len(seen), items)
			}
			for id, n := range seen {
				if n != 1 {
					t.Fatalf("scan returned %s %d times", id, n)
				}
			}
		})
	}
	if status, out := r.call(t, "DescribeTable", `{"TableName":"Users"}`); status != http.StatusOK ||
		out["Table"].(map[string]any)["ItemCount"] != float64(items) {
		t.Fatalf("DescribeTable: %d %v, want ItemCount %d", status, out, items)
	}
}

// scanIDs pages through a Scan of Users and counts each UserID returned.
func scanIDs(t *testing.T, r *running, limit int) map[string]int {
	t.Helper()
	seen := map[string]int{}
	start := ""
	for pages := 0; pages < 200; pages++ {
		body := fmt.Sprintf(`{"TableName":"Users","Limit":%d%s}`, limit, start)
		status, out := r.call(t, "Scan", body)
		if status != http.StatusOK {
			t.Fatalf("Scan: %d %v", status, out)
		}
		for _, it := range out["Items"].([]any) {
			seen[it.(map[string]any)["UserID"].(map[string]any)["S"].(string)]++
		}
		lek, ok := out["LastEvaluatedKey"]
		if !ok {
			return seen
		}
		b, err := json.Marshal(lek)
		if err != nil {
			t.Fatal(err)
		}
		start = `,"ExclusiveStartKey":` + string(b)
	}
	t.Fatal("scan does not terminate")
	return nil
}
