package router

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

const (
	typeValidation  = "com.amazon.coral.validate#ValidationException"
	typeNotFound    = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
	typeConditional = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
)

// dataEnv is a Router over a fake catalog with three tables and a fake data
// plane that keeps items in memory and records every call.
type dataEnv struct {
	srv  *httptest.Server
	data *fakeData

	mu       sync.Mutex
	items    map[string]map[string]attr.Item // table -> canonical key -> item
	writes   []*partition.Command
	queries  []*partition.QueryInput
	scans    []*partition.ScanInput
	page     *partition.Page
	writeErr func(cmd *partition.Command) (partition.Result, error)
}

// dataTables are the tables every dataEnv starts with.
var dataTables = []schema.Table{
	{Name: "hash", Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}},
	{Name: "range", Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "sk", Type: attr.TypeS}}},
	{Name: "binrange", Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "sk", Type: attr.TypeB}}},
}

func newDataEnv(t *testing.T) *dataEnv {
	t.Helper()
	return newDataEnvWith(t, func(d *fakeData) Data { return d })
}

// encodedData adds EncodedReader to a fakeData.
type encodedData struct{ *fakeData }

func (d encodedData) GetEncoded(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, consistent bool) ([]byte, error) {
	it, err := d.Get(ctx, t, p, key, consistent)
	if err != nil || it == nil {
		return nil, err
	}
	return attr.AppendItem(nil, it), nil
}

// newDataEnvWith is newDataEnv with the router's Data made by wrap.
func newDataEnvWith(t *testing.T, wrap func(*fakeData) Data) *dataEnv {
	t.Helper()
	cat := newFakeCatalog()
	for _, tb := range dataTables {
		tb.Status, tb.BillingMode = schema.StatusActive, schema.BillingPayPerRequest
		if err := cat.CreateTable(context.Background(), &tb); err != nil {
			t.Fatal(err)
		}
	}
	e := &dataEnv{items: map[string]map[string]attr.Item{}}
	e.data = &fakeData{writeFn: e.write, getFn: e.get, queryFn: e.query, scanFn: e.scan}
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = cat, wrap(e.data)
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *dataEnv) write(_ context.Context, t *schema.Table, cmd *partition.Command) (partition.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.writes = append(e.writes, cmd)
	if e.writeErr != nil {
		return e.writeErr(cmd)
	}
	tbl := e.items[t.Name]
	if tbl == nil {
		tbl = map[string]attr.Item{}
		e.items[t.Name] = tbl
	}
	k := canonicalKey(t.Key.KeyOf(cmd.Item))
	old := tbl[k]
	switch cmd.Op {
	case partition.OpPut:
		tbl[k] = cmd.Item
	case partition.OpDelete:
		delete(tbl, k)
	}
	var res partition.Result
	if cmd.ReturnValues == partition.ReturnAllOld {
		res.Attributes = old
	}
	return res, nil
}

func (e *dataEnv) get(_ context.Context, t *schema.Table, key attr.Item, _ bool) (attr.Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.items[t.Name][canonicalKey(key)], nil
}

func (e *dataEnv) query(_ context.Context, _ *schema.Table, in *partition.QueryInput) (*partition.Page, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.queries = append(e.queries, in)
	return e.nextPage(), nil
}

func (e *dataEnv) scan(_ context.Context, _ *schema.Table, in *partition.ScanInput) (*partition.Page, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scans = append(e.scans, in)
	return e.nextPage(), nil
}

func (e *dataEnv) nextPage() *partition.Page {
	if e.page != nil {
		return e.page
	}
	return &partition.Page{}
}

func (e *dataEnv) setWriteErr(fn func(cmd *partition.Command) (partition.Result, error)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.writeErr = fn
}

func (e *dataEnv) setPage(p *partition.Page) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.page = p
}

func (e *dataEnv) lastWrite() *partition.Command {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.writes[len(e.writes)-1]
}

func (e *dataEnv) lastQuery() *partition.QueryInput {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.queries[len(e.queries)-1]
}

func (e *dataEnv) lastScan() *partition.ScanInput {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.scans[len(e.scans)-1]
}

func (e *dataEnv) writeCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.writes)
}

// call sends one request and returns the status and the decoded body.
func (e *dataEnv) call(t *testing.T, op, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: response %q is not JSON: %v", op, raw, err)
	}
	return resp.StatusCode, out
}

// mustOK sends a request that must succeed and returns its body.
func (e *dataEnv) mustOK(t *testing.T, op, body string) map[string]any {
	t.Helper()
	status, out := e.call(t, op, body)
	if status != http.StatusOK {
		t.Fatalf("%s %s: status %d, body %v", op, body, status, out)
	}
	return out
}

// jsonOf renders v as compact JSON for comparisons.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type errCase struct {
	name, op, body string
	typ, msg       string
}

// runErrCases asserts each request fails with exactly the given type and
// message and writes nothing.
func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newDataEnv(t)
			status, out := e.call(t, tc.op, tc.body)
			if status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400 (body %v)", status, out)
			}
			if out["__type"] != tc.typ {
				t.Errorf("__type = %v, want %s", out["__type"], tc.typ)
			}
			if out["message"] != tc.msg {
				t.Errorf("message =\n  %v\nwant\n  %s", out["message"], tc.msg)
			}
			if n := e.writeCount(); n != 0 {
				t.Errorf("%d writes reached the data plane, want 0", n)
			}
		})
	}
}

var bigString = strings.Repeat("a", 400*1024)

func TestPutItemValidation(t *testing.T) {
	runErrCases(t, []errCase{
		{"missing table and item", "PutItem", `{}`, typeValidation,
			"2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; Value null at 'item' failed to satisfy constraint: Member must not be null"},
		{"bad enums", "PutItem", `{"TableName":"abc;","ReturnConsumedCapacity":"hi","ReturnItemCollectionMetrics":"hi","ReturnValues":"hi"}`, typeValidation,
			"5 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
				"Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value null at 'item' failed to satisfy constraint: Member must not be null; " +
				"Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " +
				"Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]"},
		{"expression and legacy", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"Expected":{"a":{}},"ExpressionAttributeNames":{},"ExpressionAttributeValues":{},"ConditionExpression":""}`, typeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{"names without expression", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"Expected":{"a":{}},"ExpressionAttributeNames":{},"ExpressionAttributeValues":{}}`, typeValidation,
			"ExpressionAttributeNames can only be specified when using expressions"},
		{"values without expression", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ExpressionAttributeValues":{":a":{"S":"a"}}}`, typeValidation,
			"ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{"empty names", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ExpressionAttributeNames":{},"ConditionExpression":"a = b"}`, typeValidation,
			"ExpressionAttributeNames must not be empty"},
		{"invalid name key", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ExpressionAttributeNames":{"a":"a"},"ConditionExpression":"a = b"}`, typeValidation,
			`ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"empty values", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ExpressionAttributeValues":{},"ConditionExpression":"a = b"}`, typeValidation,
			"ExpressionAttributeValues must not be empty"},
		{"invalid value key", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ExpressionAttributeValues":{"a":{"S":"a"}},"ConditionExpression":"a = b"}`, typeValidation,
			`ExpressionAttributeValues contains invalid key: Syntax error; key: "a"`},
		{"empty condition", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ConditionExpression":""}`, typeValidation,
			"Invalid ConditionExpression: The expression can not be empty;"},
		{"unused value", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_exists(pk)","ExpressionAttributeValues":{":x":{"S":"a"}}}`, typeValidation,
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"},
		{"ReturnValues ALL_NEW", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"}`, typeValidation,
			"ReturnValues can only be ALL_OLD or NONE"},
		{"item too large", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"},"b":{"S":"` + bigString + `"}}}`, typeValidation,
			"Item size has exceeded the maximum allowed size"},
		{"unknown table", "PutItem", `{"TableName":"nosuch","Item":{"pk":{"S":"a"}}}`, typeNotFound,
			"Requested resource not found"},
		{"missing hash key", "PutItem", `{"TableName":"hash","Item":{"b":{"S":"a"}}}`, typeValidation,
			"One or more parameter values were invalid: Missing the key pk in the item"},
		{"missing range key", "PutItem", `{"TableName":"range","Item":{"pk":{"S":"a"}}}`, typeValidation,
			"One or more parameter values were invalid: Missing the key sk in the item"},
		{"key type mismatch", "PutItem", `{"TableName":"hash","Item":{"pk":{"N":"1"}}}`, typeValidation,
			"One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
		{"empty string key", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":""}}}`, typeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"empty binary key", "PutItem", `{"TableName":"binrange","Item":{"pk":{"S":"a"},"sk":{"B":""}}}`, typeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk"},
		{"hash key too large", "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"` + strings.Repeat("a", 2049) + `"}}}`, typeValidation,
			"One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"range key too large", "PutItem", `{"TableName":"range","Item":{"pk":{"S":"a"},"sk":{"S":"` + strings.Repeat("a", 1025) + `"}}}`, typeValidation,
			"One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
	})
}

func TestKeyedOpsValidation(t *testing.T) {
	runErrCases(t, []errCase{
		{"get missing key", "GetItem", `{"TableName":"hash"}`, typeValidation,
			"1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"get extra key attribute", "GetItem", `{"TableName":"hash","Key":{"pk":{"S":"a"},"x":{"S":"b"}}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"get wrong key type", "GetItem", `{"TableName":"hash","Key":{"pk":{"N":"1"}}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"get missing range", "GetItem", `{"TableName":"range","Key":{"pk":{"S":"a"}}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"get empty key string", "GetItem", `{"TableName":"hash","Key":{"pk":{"S":""}}}`, typeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"get names without projection", "GetItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ExpressionAttributeNames":{"#a":"a"}}`, typeValidation,
			"ExpressionAttributeNames can only be specified when using expressions"},
		{"get AttributesToGet and projection", "GetItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"AttributesToGet":["a"],"ProjectionExpression":"a"}`, typeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
		{"get unknown table", "GetItem", `{"TableName":"nosuch","Key":{"pk":{"S":"a"}}}`, typeNotFound,
			"Requested resource not found"},
		{"delete ReturnValues", "DeleteItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ReturnValues":"UPDATED_NEW"}`, typeValidation,
			"ReturnValues can only be ALL_OLD or NONE"},
		{"delete bad key", "DeleteItem", `{"TableName":"range","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"delete bad ReturnValuesOnConditionCheckFailure", "DeleteItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ReturnValuesOnConditionCheckFailure":"ALL_NEW"}`, typeValidation,
			"1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"},
		{"update key attribute", "UpdateItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET pk = :v","ExpressionAttributeValues":{":v":{"S":"b"}}}`, typeValidation,
			"One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"update values without expressions", "UpdateItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ExpressionAttributeValues":{":v":{"S":"b"}}}`, typeValidation,
			"ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
		{"update mixes AttributeUpdates", "UpdateItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET a = :v","AttributeUpdates":{"a":{"Action":"DELETE"}},"ExpressionAttributeValues":{":v":{"S":"b"}}}`, typeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"},
		{"update empty expression", "UpdateItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"UpdateExpression":""}`, typeValidation,
			"Invalid UpdateExpression: The expression can not be empty;"},
	})
}

func TestQueryScanValidation(t *testing.T) {
	const kce = `"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}}`
	runErrCases(t, []errCase{
		{"no key condition", "Query", `{"TableName":"hash"}`, typeValidation,
			"Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"limit zero", "Query", `{"TableName":"hash",` + kce + `,"Limit":0}`, typeValidation,
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"bad select", "Query", `{"TableName":"hash",` + kce + `,"Select":"X"}`, typeValidation,
			"1 validation error detected: Value 'X' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"},
		{"count with projection", "Query", `{"TableName":"hash",` + kce + `,"Select":"COUNT","ProjectionExpression":"a"}`, typeValidation,
			"Cannot specify the ProjectionExpression when choosing to get only the Count"},
		{"all attributes with projection", "Query", `{"TableName":"hash",` + kce + `,"Select":"ALL_ATTRIBUTES","ProjectionExpression":"a"}`, typeValidation,
			"Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"},
		{"specific without projection", "Query", `{"TableName":"hash",` + kce + `,"Select":"SPECIFIC_ATTRIBUTES"}`, typeValidation,
			"1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"all projected without index", "Query", `{"TableName":"hash",` + kce + `,"Select":"ALL_PROJECTED_ATTRIBUTES"}`, typeValidation,
			"ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"unknown index", "Query", `{"TableName":"hash",` + kce + `,"IndexName":"idx"}`, typeValidation,
			"The table does not have the specified index: idx"},
		{"empty key condition", "Query", `{"TableName":"hash","KeyConditionExpression":""}`, typeValidation,
			"Invalid KeyConditionExpression: The expression can not be empty;"},
		{"start key not the schema", "Query", `{"TableName":"range",` + kce + `,"ExclusiveStartKey":{"pk":{"S":"a"}}}`, typeValidation,
			"The provided starting key is invalid"},
		{"start key outside", "Query", `{"TableName":"range",` + kce + `,"ExclusiveStartKey":{"pk":{"S":"b"},"sk":{"S":"x"}}}`, typeValidation,
			"The provided starting key is outside query boundaries based on provided conditions"},
		{"filter on key", "Query", `{"TableName":"range",` + strings.TrimSuffix(kce, "}}") + `},":s":{"S":"x"}},"FilterExpression":"sk = :s"}`, typeValidation,
			"Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"},
		{"QueryFilter on key", "Query", `{"TableName":"range","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}},"QueryFilter":{"sk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}}}`, typeValidation,
			"QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"},
		{"start key off the range predicate", "Query", `{"TableName":"range","KeyConditionExpression":"pk = :p AND sk > :s","ExpressionAttributeValues":{":p":{"S":"a"},":s":{"S":"m"}},"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"S":"b"}}}`, typeValidation,
			"The provided starting key does not match the range key predicate"},
		{"start key empty string", "Query", `{"TableName":"range",` + kce + `,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"S":""}}}`, typeValidation,
			"The provided starting key is invalid: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sk"},
		{"query unknown table", "Query", `{"TableName":"nosuch",` + kce + `}`, typeNotFound,
			"Requested resource not found"},
		{"segment without total", "Scan", `{"TableName":"hash","Segment":0}`, typeValidation,
			"The TotalSegments parameter is required but was not present in the request when Segment parameter is present"},
		{"total without segment", "Scan", `{"TableName":"hash","TotalSegments":4}`, typeValidation,
			"The Segment parameter is required but was not present in the request when parameter TotalSegments is present"},
		{"segment out of range", "Scan", `{"TableName":"hash","Segment":5,"TotalSegments":5}`, typeValidation,
			"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5"},
		{"too many segments", "Scan", `{"TableName":"hash","Segment":0,"TotalSegments":1000001}`, typeValidation,
			"1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"scan start key", "Scan", `{"TableName":"hash","ExclusiveStartKey":{"bad":{"S":"p"}}}`, typeValidation,
			"The provided starting key is invalid: The provided key element does not match the schema"},
		{"scan specific without projection", "Scan", `{"TableName":"hash","Select":"SPECIFIC_ATTRIBUTES"}`, typeValidation,
			"Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"scan values without filter", "Scan", `{"TableName":"hash","ExpressionAttributeValues":{":a":{"S":"a"}}}`, typeValidation,
			"ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"},
		{"scan filter and ScanFilter", "Scan", `{"TableName":"hash","FilterExpression":"a = :a","ScanFilter":{},"ExpressionAttributeValues":{":a":{"S":"a"}}}`, typeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}"},
	})
}

// batchKeys renders n distinct keys of table hash.
func batchKeys(prefix string, n int) string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(`{"pk":{"S":"%s%d"}}`, prefix, i)
	}
	return strings.Join(keys, ",")
}

// batchPuts renders n distinct put requests.
func batchPuts(n int) string {
	reqs := make([]string, n)
	for i := range reqs {
		reqs[i] = fmt.Sprintf(`{"PutRequest":{"Item":{"pk":{"S":"k%d"}}}}`, i)
	}
	return strings.Join(reqs, ",")
}

func TestBatchValidation(t *testing.T) {
	runErrCases(t, []errCase{
		{"get no request items", "BatchGetItem", `{}`, typeValidation,
			"1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"},
		{"get too many keys in a table", "BatchGetItem", `{"RequestItems":{"hash":{"Keys":[` + batchKeys("k", 101) + `]}}}`, typeValidation,
			"1 validation error detected: Value '[101 keys]' at 'requestItems.hash.member.keys' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"get too many keys in all", "BatchGetItem", `{"RequestItems":{"hash":{"Keys":[` + batchKeys("k", 60) + `]},"range":{"Keys":[` + batchKeys("k", 60) + `]}}}`, typeValidation,
			"Too many items requested for the BatchGetItem call"},
		{"get duplicate keys", "BatchGetItem", `{"RequestItems":{"hash":{"Keys":[{"pk":{"S":"a"}},{"pk":{"S":"a"}}]}}}`, typeValidation,
			"Provided list of item keys contains duplicates"},
		{"get key not the schema", "BatchGetItem", `{"RequestItems":{"hash":{"Keys":[{"pk":{"N":"1"}}]}}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"get unknown table", "BatchGetItem", `{"RequestItems":{"nosuch":{"Keys":[{"pk":{"S":"a"}}]}}}`, typeNotFound,
			"Requested resource not found"},
		{"write no request items", "BatchWriteItem", `{}`, typeValidation,
			"1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"},
		{"write too many in a table", "BatchWriteItem", `{"RequestItems":{"hash":[` + batchPuts(26) + `]}}`, typeValidation,
			"1 validation error detected: Value '{hash=[26 requests]}' at 'requestItems' failed to satisfy constraint: " + batchWriteLengthConstraint},
		{"write too many in all", "BatchWriteItem", `{"RequestItems":{"hash":[` + batchPuts(13) + `],"range":[` + batchPuts(13) + `]}}`, typeValidation,
			"Too many items requested for the BatchWriteItem call"},
		{"write duplicate keys", "BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"a"}}}}]}}`, typeValidation,
			"Provided list of item keys contains duplicates"},
		{"write put missing key", "BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{"Item":{"x":{"S":"a"}}}}]}}`, typeValidation,
			"The provided key element does not match the schema"},
		{"write empty request", "BatchWriteItem", `{"RequestItems":{"hash":[{}]}}`, typeValidation,
			"Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{"write one bad table fails all", "BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}}],"nosuch":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}}]}}`, typeNotFound,
			"Requested resource not found"},
	})
}

func TestWriteResponses(t *testing.T) {
	e := newDataEnv(t)
	t.Run("put returns empty object", func(t *testing.T) {
		out := e.mustOK(t, "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}`)
		if got := jsonOf(t, out); got != `{}` {
			t.Errorf("response = %s, want {}", got)
		}
	})
	t.Run("put ALL_OLD returns old item and capacity", func(t *testing.T) {
		out := e.mustOK(t, "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"INDEXES"}`)
		want := `{"Attributes":{"n":{"N":"1"},"pk":{"S":"a"}},"ConsumedCapacity":{"CapacityUnits":1,"Table":{"CapacityUnits":1},"TableName":"hash"}}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
	})
	t.Run("update builds the command", func(t *testing.T) {
		e.mustOK(t, "UpdateItem", `{"TableName":"range","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET #n = :v","ConditionExpression":"attribute_exists(pk)","ExpressionAttributeNames":{"#n":"n"},"ExpressionAttributeValues":{":v":{"N":"2"}},"ReturnValues":"ALL_NEW","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`)
		cmd := e.lastWrite()
		if cmd.Op != partition.OpUpdate || cmd.Update != "SET #n = :v" || cmd.Condition != "attribute_exists(pk)" ||
			cmd.ReturnValues != "ALL_NEW" || !cmd.ReturnOldOnConditionFailure || cmd.Names["#n"] != "n" || cmd.Values[":v"].S != "2" {
			t.Errorf("command = %+v", cmd)
		}
		if got := jsonOf(t, cmd.Item); got != `{"pk":{"S":"a"},"sk":{"S":"b"}}` {
			t.Errorf("command key = %s", got)
		}
	})
	t.Run("legacy Expected becomes a condition", func(t *testing.T) {
		e.mustOK(t, "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"Expected":{"pk":{"Exists":false}}}`)
		cmd := e.lastWrite()
		if cmd.Condition == "" || len(cmd.Names) == 0 {
			t.Errorf("command = %+v, want a translated condition", cmd)
		}
	})
	t.Run("delete ALL_OLD", func(t *testing.T) {
		out := e.mustOK(t, "DeleteItem", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"TOTAL"}`)
		want := `{"Attributes":{"pk":{"S":"a"}},"ConsumedCapacity":{"CapacityUnits":1,"TableName":"hash"}}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
	})
}

func TestConditionalCheckFailed(t *testing.T) {
	e := newDataEnv(t)
	e.setWriteErr(func(*partition.Command) (partition.Result, error) {
		err := dberr.ConditionFailed()
		err.Item = attr.Item{"pk": attr.Str("a")}
		return partition.Result{Err: err}, nil
	})
	status, out := e.call(t, "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`)
	if status != http.StatusBadRequest || out["__type"] != typeConditional || out["message"] != "The conditional request failed" {
		t.Fatalf("status %d body %v", status, out)
	}
	if got := jsonOf(t, out["Item"]); got != `{"pk":{"S":"a"}}` {
		t.Errorf("Item = %s", got)
	}
}

// TestGetItemResponses checks GetItem's answers with a Data that returns
// items and with one that returns their encoding (EncodedReader).
func TestGetItemResponses(t *testing.T) {
	t.Run("items", func(t *testing.T) { testGetItemResponses(t, newDataEnv(t)) })
	t.Run("encoded", func(t *testing.T) {
		testGetItemResponses(t, newDataEnvWith(t, func(d *fakeData) Data { return encodedData{d} }))
	})
}

func testGetItemResponses(t *testing.T, e *dataEnv) {
	e.mustOK(t, "PutItem", `{"TableName":"hash","Item":{"pk":{"S":"a"},"x":{"S":"1"},"y":{"N":"2"}}}`)
	cases := []struct{ name, body, want string }{
		{"missing item", `{"TableName":"hash","Key":{"pk":{"S":"zz"}}}`, `{}`},
		{"whole item", `{"TableName":"hash","Key":{"pk":{"S":"a"}}}`, `{"Item":{"pk":{"S":"a"},"x":{"S":"1"},"y":{"N":"2"}}}`},
		{"projection", `{"TableName":"hash","Key":{"pk":{"S":"a"}},"ProjectionExpression":"#x","ExpressionAttributeNames":{"#x":"x"}}`, `{"Item":{"x":{"S":"1"}}}`},
		{"eventual capacity", `{"TableName":"hash","Key":{"pk":{"S":"zz"}},"ReturnConsumedCapacity":"TOTAL"}`, `{"ConsumedCapacity":{"CapacityUnits":0.5,"TableName":"hash"}}`},
		{"consistent capacity", `{"TableName":"hash","Key":{"pk":{"S":"zz"}},"ConsistentRead":true,"ReturnConsumedCapacity":"TOTAL"}`, `{"ConsumedCapacity":{"CapacityUnits":1,"TableName":"hash"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := jsonOf(t, e.mustOK(t, "GetItem", tc.body)); got != tc.want {
				t.Errorf("response = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestQueryScanResponses(t *testing.T) {
	e := newDataEnv(t)
	e.setPage(&partition.Page{
		Items:            []attr.Item{{"pk": attr.Str("a"), "sk": attr.Str("1")}},
		Count:            1,
		ScannedCount:     2,
		LastEvaluatedKey: attr.Item{"pk": attr.Str("a"), "sk": attr.Str("2")},
		ReadBytes:        100,
	})
	const page = `"Count":1,"Items":[{"pk":{"S":"a"},"sk":{"S":"1"}}],"LastEvaluatedKey":{"pk":{"S":"a"},"sk":{"S":"2"}},"ScannedCount":2`
	t.Run("query page", func(t *testing.T) {
		out := e.mustOK(t, "Query", `{"TableName":"range","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}},"ScanIndexForward":false,"Limit":5,"ReturnConsumedCapacity":"TOTAL"}`)
		want := `{"ConsumedCapacity":{"CapacityUnits":0.5,"TableName":"range"},` + page + `}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
		in := e.lastQuery()
		if in.Forward || in.Limit != 5 || in.Key == nil || in.Key.HashName != "pk" || in.Key.HashValue.S != "a" || in.CountOnly {
			t.Errorf("query input = %+v", in)
		}
	})
	t.Run("query legacy KeyConditions", func(t *testing.T) {
		e.mustOK(t, "Query", `{"TableName":"range","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"sk":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"x"}]}}}`)
		in := e.lastQuery()
		if in.Key.HashValue.S != "a" || in.Key.RangeName != "sk" || in.Key.Values[0].S != "x" {
			t.Errorf("key condition = %+v", in.Key)
		}
	})
	t.Run("query count omits items", func(t *testing.T) {
		out := e.mustOK(t, "Query", `{"TableName":"range","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}},"Select":"COUNT"}`)
		if _, ok := out["Items"]; ok {
			t.Errorf("Items present with Select=COUNT: %v", out)
		}
		if in := e.lastQuery(); !in.CountOnly || !in.Forward {
			t.Errorf("query input = %+v", in)
		}
	})
	t.Run("scan segment", func(t *testing.T) {
		out := e.mustOK(t, "Scan", `{"TableName":"hash","Segment":1,"TotalSegments":4}`)
		if got := jsonOf(t, out); got != `{`+page+`}` {
			t.Errorf("response = %s", got)
		}
		if in := e.lastScan(); in.HashFirst != 1<<62 || in.HashLast != 1<<63-1 {
			t.Errorf("scan input = %+v", in)
		}
	})
	t.Run("empty scan has empty items", func(t *testing.T) {
		e.setPage(&partition.Page{})
		if got := jsonOf(t, e.mustOK(t, "Scan", `{"TableName":"hash"}`)); got != `{"Count":0,"Items":[],"ScannedCount":0}` {
			t.Errorf("response = %s", got)
		}
	})
}

func TestBatchResponses(t *testing.T) {
	e := newDataEnv(t)
	t.Run("write puts and deletes", func(t *testing.T) {
		out := e.mustOK(t, "BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}},{"PutRequest":{"Item":{"pk":{"S":"b"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"c"}}}}]},"ReturnConsumedCapacity":"TOTAL"}`)
		want := `{"ConsumedCapacity":[{"CapacityUnits":3,"TableName":"hash"}],"UnprocessedItems":{}}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
		if n := e.writeCount(); n != 3 {
			t.Errorf("%d writes, want 3", n)
		}
	})
	t.Run("get found and missing", func(t *testing.T) {
		out := e.mustOK(t, "BatchGetItem", `{"RequestItems":{"hash":{"Keys":[{"pk":{"S":"a"}},{"pk":{"S":"zz"}}]},"range":{"Keys":[{"pk":{"S":"a"},"sk":{"S":"b"}}]}}}`)
		want := `{"Responses":{"hash":[{"pk":{"S":"a"}}],"range":[]},"UnprocessedKeys":{}}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
	})
	t.Run("throttled writes are unprocessed", func(t *testing.T) {
		e.setWriteErr(func(*partition.Command) (partition.Result, error) {
			return partition.Result{}, dberr.New(dberr.Throttling, "slow down")
		})
		defer e.setWriteErr(nil)
		out := e.mustOK(t, "BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{"Item":{"pk":{"S":"q"}}}}]}}`)
		want := `{"UnprocessedItems":{"hash":[{"PutRequest":{"Item":{"pk":{"S":"q"}}}}]}}`
		if got := jsonOf(t, out); got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
	})
}
