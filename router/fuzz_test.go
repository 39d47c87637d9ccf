package router_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/node"
)

// fuzzARN is the ARN of the table every fuzz router starts with.
const fuzzARN = "arn:aws:dynamodb:us-east-1:000000000000:table/fuzz"

// fuzzOps lists every DynamoDB operation the router serves, each with one
// valid request body against the table fuzz (hash pk S, range sk N). The fuzz target picks the operation from its first byte.
var fuzzOps = []struct{ op, body string }{
	{"CreateTable", `{"TableName":"fuzz2","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`},
	{"DescribeTable", `{"TableName":"fuzz"}`},
	{"ListTables", `{"Limit":10,"ExclusiveStartTableName":"aaa"}`},
	{"DeleteTable", `{"TableName":"fuzz2"}`},
	{"UpdateTable", `{"TableName":"fuzz","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`},
	{"TagResource", `{"ResourceArn":"` + fuzzARN + `","Tags":[{"Key":"k","Value":"v"}]}`},
	{"UntagResource", `{"ResourceArn":"` + fuzzARN + `","TagKeys":["k"]}`},
	{"ListTagsOfResource", `{"ResourceArn":"` + fuzzARN + `"}`},
	{"DescribeEndpoints", `{}`},
	{"DescribeLimits", `{}`},
	{"PutItem", `{"TableName":"fuzz","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"l":{"L":[{"N":"1"},{"BOOL":true}]},"m":{"M":{"b":{"B":"AQI="}}}},"ConditionExpression":"attribute_not_exists(pk) OR #n < :v","ExpressionAttributeNames":{"#n":"sk"},"ExpressionAttributeValues":{":v":{"N":"5"}},"ReturnValues":"ALL_OLD"}`},
	{"GetItem", `{"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ProjectionExpression":"pk, l[0], m.b","ConsistentRead":true}`},
	{"UpdateItem", `{"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET c = if_not_exists(c, :z) + :one, l = list_append(l, :l) REMOVE m.b ADD s :s DELETE t :s","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"},":l":{"L":[{"S":"y"}]},":s":{"SS":["p","q"]}},"ReturnValues":"UPDATED_NEW"}`},
	{"DeleteItem", `{"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`},
	{"Query", `{"TableName":"fuzz","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","FilterExpression":"size(l) > :a","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"0"},":b":{"N":"9"}},"ScanIndexForward":false,"Limit":5,"Select":"COUNT"}`},
	{"Scan", `{"TableName":"fuzz","FilterExpression":"begins_with(g, :x)","ExpressionAttributeValues":{":x":{"S":"x"}},"Segment":0,"TotalSegments":2,"Limit":3}`},
	{"BatchGetItem", `{"RequestItems":{"fuzz":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}},{"pk":{"S":"b"},"sk":{"N":"2"}}],"ProjectionExpression":"#p","ExpressionAttributeNames":{"#p":"pk"}}},"ReturnConsumedCapacity":"TOTAL"}`},
	{"BatchWriteItem", `{"RequestItems":{"fuzz":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"2"},"n":{"NULL":true}}}},{"DeleteRequest":{"Key":{"pk":{"S":"c"},"sk":{"N":"3"}}}}]},"ReturnItemCollectionMetrics":"SIZE"}`},
}

// malformedBodies are bodies no operation accepts, seeded for every one.
var malformedBodies = []string{
	``,
	`{`,
	`null`,
	`[]`,
	`"x"`,
	`{"TableName":1}`,
	`{"TableName":"fuzz","Key":{"pk":{"S":"a","N":"1"}}}`,
	`{"TableName":"fuzz","Item":{"pk":{"N":"1e999"}}}`,
	`{"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET a.b[99999999999] = :v"}`,
	`{"RequestItems":{"fuzz":null}}`,
}

// newFuzzRouter returns the DynamoDB API of a real single-node cluster
// (catalog and partition Raft groups over a Pebble store in a temporary
// directory), with the table fuzz already created.
func newFuzzRouter(tb testing.TB) http.Handler {
	tb.Helper()
	cfg := node.DefaultConfig()
	cfg.DataDir = tb.TempDir()
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	n, err := node.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := n.Close(); err != nil {
			tb.Error(err)
		}
	})
	r := n.Handler()
	create := `{"TableName":"fuzz","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],` +
		`"BillingMode":"PAY_PER_REQUEST"}`
	if status, body := serve(r, "CreateTable", []byte(create)); status != http.StatusOK {
		tb.Fatalf("create table fuzz: %d %s", status, body)
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

// fuzzTimeout bounds one fuzzed request.
const fuzzTimeout = 10 * time.Second

// FuzzRequest sends arbitrary bodies to every operation of one router
// whose state (tables, items, tags) carries over from input to input, so
// that reads see earlier writes. Coverage therefore depends a little on the
// order of inputs; -fuzzminimizetime 200x keeps the minimizer from spending
// its whole default minute on such inputs.
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
		// A request that hangs stalls the fuzzer without failing it:
		// crash the worker instead, so that the input is recorded.
		watchdog := time.AfterFunc(fuzzTimeout, func() {
			panic(fmt.Sprintf("%s %q: no response after %v", o.op, body, fuzzTimeout))
		})
		defer watchdog.Stop()
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
