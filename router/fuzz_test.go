package router_test

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/node/catalog"
	"github.com/flotilla-db/flotilla/node/local"
	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/router"
)

// fuzzARN is the ARN of the table every fuzz router starts with.
const fuzzARN = "arn:aws:dynamodb:us-east-1:000000000000:table/fz"

// fuzzOps lists every DynamoDB operation the router serves, each with one
// valid request body against the table fz (hash pk S, range sk N, index
// gsi on g S). The fuzz target picks the operation from its first byte.
var fuzzOps = []struct{ op, body string }{
	{"CreateTable", `{"TableName":"fz2","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`},
	{"DescribeTable", `{"TableName":"fz"}`},
	{"ListTables", `{"Limit":10,"ExclusiveStartTableName":"a"}`},
	{"DeleteTable", `{"TableName":"fz2"}`},
	{"UpdateTable", `{"TableName":"fz","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`},
	{"TagResource", `{"ResourceArn":"` + fuzzARN + `","Tags":[{"Key":"k","Value":"v"}]}`},
	{"UntagResource", `{"ResourceArn":"` + fuzzARN + `","TagKeys":["k"]}`},
	{"ListTagsOfResource", `{"ResourceArn":"` + fuzzARN + `"}`},
	{"DescribeEndpoints", `{}`},
	{"DescribeLimits", `{}`},
	{"PutItem", `{"TableName":"fz","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"l":{"L":[{"N":"1"},{"BOOL":true}]},"m":{"M":{"b":{"B":"AQI="}}}},"ConditionExpression":"attribute_not_exists(pk) OR #n < :v","ExpressionAttributeNames":{"#n":"sk"},"ExpressionAttributeValues":{":v":{"N":"5"}},"ReturnValues":"ALL_OLD"}`},
	{"GetItem", `{"TableName":"fz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ProjectionExpression":"pk, l[0], m.b","ConsistentRead":true}`},
	{"UpdateItem", `{"TableName":"fz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET c = if_not_exists(c, :z) + :one, l = list_append(l, :l) REMOVE m.b ADD s :s DELETE t :s","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"},":l":{"L":[{"S":"y"}]},":s":{"SS":["p","q"]}},"ReturnValues":"UPDATED_NEW"}`},
	{"DeleteItem", `{"TableName":"fz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`},
	{"Query", `{"TableName":"fz","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","FilterExpression":"size(l) > :a","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"0"},":b":{"N":"9"}},"ScanIndexForward":false,"Limit":5,"Select":"COUNT"}`},
	{"Scan", `{"TableName":"fz","IndexName":"gsi","FilterExpression":"begins_with(g, :x)","ExpressionAttributeValues":{":x":{"S":"x"}},"Segment":0,"TotalSegments":2,"Limit":3}`},
	{"BatchGetItem", `{"RequestItems":{"fz":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}},{"pk":{"S":"b"},"sk":{"N":"2"}}],"ProjectionExpression":"#p","ExpressionAttributeNames":{"#p":"pk"}}},"ReturnConsumedCapacity":"TOTAL"}`},
	{"BatchWriteItem", `{"RequestItems":{"fz":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"2"},"n":{"NULL":true}}}},{"DeleteRequest":{"Key":{"pk":{"S":"c"},"sk":{"N":"3"}}}}]},"ReturnItemCollectionMetrics":"SIZE"}`},
}

// malformedBodies are bodies no operation accepts, seeded for every one.
var malformedBodies = []string{
	``,
	`{`,
	`null`,
	`[]`,
	`"x"`,
	`{"TableName":1}`,
	`{"TableName":"fz","Key":{"pk":{"S":"a","N":"1"}}}`,
	`{"TableName":"fz","Item":{"pk":{"N":"1e999"}}}`,
	`{"TableName":"fz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET a.b[99999999999] = :v"}`,
	`{"RequestItems":{"fz":null}}`,
}

// newFuzzRouter returns a Router over the real catalog and data plane on
// an in-memory Pebble, with the table fz already created.
func newFuzzRouter(tb testing.TB) *router.Router {
	tb.Helper()
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		tb.Fatal(err)
	}
	lcfg := local.DefaultConfig()
	lcfg.Open = func(id uint64, key schema.KeySchema) (local.Replica, error) {
		return partition.Open(db, id, key)
	}
	data, err := local.New(lcfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := data.Close(); err != nil {
			tb.Error(err)
		}
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	cat, err := catalog.Open(db, data)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := router.DefaultConfig()
	cfg.Catalog, cfg.Data = cat, data
	r, err := router.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	create := `{"TableName":"fz","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],` +
		`"GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],"BillingMode":"PAY_PER_REQUEST"}`
	if status, body := serve(r, "CreateTable", []byte(create)); status != http.StatusOK {
		tb.Fatalf("create table fz: %d %s", status, body)
	}
	return r
}

// serve sends one request to r and returns the response status and body.
func serve(r http.Handler, op string, body []byte) (int, []byte) {
	rec := serveRecord(r, op, body)
	return rec.Code, rec.Body.Bytes()
}

func serveRecord(r http.Handler, op string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

// checkResponse reports how a response breaks the router's promises: no
// 500 (a handler panic or fault), a JSON body, __type on every error and an
// x-amz-crc32 header that matches the body.
func checkResponse(t *testing.T, op string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	got := rec.Body.Bytes()
	if rec.Code == http.StatusInternalServerError {
		t.Fatalf("%s %q: status 500: %s", op, body, got)
	}
	var resp map[string]any
	if err := json.Unmarshal(got, &resp); err != nil {
		t.Fatalf("%s %q: response is not a JSON object (%v): %s", op, body, err, got)
	}
	if typ, _ := resp["__type"].(string); rec.Code != http.StatusOK && typ == "" {
		t.Fatalf("%s %q: status %d without __type: %s", op, body, rec.Code, got)
	}
	want := strconv.FormatUint(uint64(crc32.ChecksumIEEE(got)), 10)
	if crc := rec.Header().Get("x-amz-crc32"); crc != want {
		t.Fatalf("%s %q: x-amz-crc32 %q, body checksum %s", op, body, crc, want)
	}
}

func FuzzRequest(f *testing.F) {
	for i, o := range fuzzOps {
		f.Add(append([]byte{byte(i)}, o.body...))
		for _, m := range malformedBodies {
			f.Add(append([]byte{byte(i)}, m...))
		}
	}
	r := newFuzzRouter(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		o := fuzzOps[int(in[0])%len(fuzzOps)]
		body := in[1:]
		checkResponse(t, o.op, body, serveRecord(r, o.op, body))
	})
}

// TestFuzzSeeds checks that every seed operation is served and that each
// valid seed body succeeds on a fresh router, so that the fuzz corpus
// starts from requests that reach the data and control planes.
func TestFuzzSeeds(t *testing.T) {
	r := newFuzzRouter(t)
	for _, o := range fuzzOps {
		t.Run(o.op, func(t *testing.T) {
			rec := serveRecord(r, o.op, []byte(o.body))
			checkResponse(t, o.op, []byte(o.body), rec)
			if rec.Code != http.StatusOK {
				t.Errorf("valid %s: status %d: %s", o.op, rec.Code, rec.Body)
			}
		})
	}
}
