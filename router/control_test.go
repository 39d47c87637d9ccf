package router

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	validationType   = "com.amazon.coral.validate#ValidationException"
	notFoundType     = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
	inUseType        = "com.amazonaws.dynamodb.v20120810#ResourceInUseException"
	serializeType    = "com.amazon.coral.service#SerializationException"
	unknownOpType    = "com.amazon.coral.service#UnknownOperationException"
	testARNPrefix    = "arn:aws:dynamodb:us-east-1:000000000000:table/"
	hashTableRequest = `{"TableName":"%s","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}%s}`
)

// controlEnv is a Router over in-memory fakes behind a real HTTP server,
// with a clock the test sets.
type controlEnv struct {
	srv  *httptest.Server
	cat  *fakeCatalog
	data *fakeData
	mu   sync.Mutex
	now  time.Time
}

func newControlEnv(t *testing.T) *controlEnv {
	t.Helper()
	e := &controlEnv{cat: newFakeCatalog(), data: &fakeData{}, now: time.UnixMilli(1_700_000_000_123)}
	cfg := DefaultConfig()
	cfg.Catalog, cfg.Data = e.cat, e.data
	cfg.Now = func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.now
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *controlEnv) setNow(now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = now
}

// response is one decoded HTTP answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// call sends body to operation op.
func (e *controlEnv) call(t *testing.T, op, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &out.body); err != nil {
		t.Fatalf("%s: response %q is not a JSON object: %v", op, raw, err)
	}
	return out
}

// ok sends a request that must succeed and returns its body.
func (e *controlEnv) ok(t *testing.T, op, body string) map[string]any {
	t.Helper()
	r := e.call(t, op, body)
	if r.status != http.StatusOK {
		t.Fatalf("%s %s: status %d, body %s", op, body, r.status, r.raw)
	}
	return r.body
}

// fails sends a request that must fail with typ and message msg.
func (e *controlEnv) fails(t *testing.T, op, body, typ, msg string) {
	t.Helper()
	r := e.call(t, op, body)
	if r.status != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400 (body %s)", op, r.status, r.raw)
	}
	if got := r.body["__type"]; got != typ {
		t.Errorf("%s: __type %v, want %s", op, got, typ)
	}
	if got := r.body["message"]; got != msg {
		t.Errorf("%s: message\n got %v\nwant %s", op, got, msg)
	}
}

func (e *controlEnv) createHashTable(t *testing.T, name, extra string) map[string]any {
	t.Helper()
	return e.ok(t, "CreateTable", fmt.Sprintf(hashTableRequest, name, extra))
}

// path walks a decoded JSON value along keys (map keys or slice indexes).
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

type errorCase struct {
	name string
	body string
	typ  string
	msg  string
}

func runErrorCases(t *testing.T, e *controlEnv, op string, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := tc.typ
			if typ == "" {
				typ = validationType
			}
			e.fails(t, op, tc.body, typ, tc.msg)
		})
	}
}

func TestCreateTableValidation(t *testing.T) {
	e := newControlEnv(t)
	pt := `"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}`
	defsAB := `"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"}]`
	ksA := `"KeySchema":[{"AttributeName":"a","KeyType":"HASH"}]`
	defsA := `"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]`
	valid := `"TableName":"abc",` + defsA + `,` + ksA
	long := strings.Repeat("k", 129)
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i)
	}
	runErrorCases(t, e, "CreateTable", []errorCase{
		{"no TableName", `{}`, "", "The parameter 'TableName' is required but was not present in the request"},
		{"empty TableName", `{"TableName":""}`, "", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"short TableName", `{"TableName":"a;"}`, "", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"long TableName", `{"TableName":"` + strings.Repeat("a", 256) + `"}`, "", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"null members", `{"TableName":"abc;"}`, "", "3 validation errors detected: " +
			"Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
			"Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value null at 'keySchema' failed to satisfy constraint: Member must not be null"},
		{"empty ProvisionedThroughput", `{"TableName":"abc","AttributeDefinitions":[],"ProvisionedThroughput":{}}`, "", "3 validation errors detected: " +
			"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'keySchema' failed to satisfy constraint: Member must not be null"},
		{"low capacity and empty KeySchema", `{"TableName":"abc","AttributeDefinitions":[],"KeySchema":[],"ProvisionedThroughput":{"ReadCapacityUnits":-1,"WriteCapacityUnits":0}}`, "", "3 validation errors detected: " +
			"Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"key element members", `{"TableName":"abc","AttributeDefinitions":[],"KeySchema":[{"KeyType":"HASH"},{"AttributeName":"a"},{"KeyType":"Woop","AttributeName":"a"}],` + pt + `}`, "", "4 validation errors detected: " +
			"Value '[KeySchemaElement(attributeName=, keyType=HASH), KeySchemaElement(attributeName=a, keyType=), KeySchemaElement(attributeName=a, keyType=Woop)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2; " +
			"Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must not be null; " +
			"Value 'Woop' at 'keySchema.3.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"},
		{"attribute definition nulls", `{"TableName":"abc","AttributeDefinitions":[{}],` + ksA + `,` + pt + `}`, "", "2 validation errors detected: " +
			"Value null at 'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must not be null"},
		{"SS attribute type", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"SS"}],` + ksA + `,` + pt + `}`, "",
			"1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"},
		{"bad BillingMode", `{` + valid + `,"BillingMode":"FREE"}`, "",
			"1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"},
		{"bad TableClass", `{` + valid + `,` + pt + `,"TableClass":"COLD"}`, "",
			"1 validation error detected: Value 'COLD' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"},
		{"PAY_PER_REQUEST with throughput", `{` + valid + `,"BillingMode":"PAY_PER_REQUEST",` + pt + `}`, "",
			"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"default billing without throughput", `{` + valid + `}`, "",
			"No provisioned throughput specified for the table"},
		{"PROVISIONED without throughput", `{` + valid + `,"BillingMode":"PROVISIONED"}`, "",
			"One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"read capacity out of bounds", `{` + valid + `,"ProvisionedThroughput":{"ReadCapacityUnits":1000000000001,"WriteCapacityUnits":1000000000001}}`, "",
			"Given value 1000000000001 for ReadCapacityUnits is out of bounds"},
		{"write capacity out of bounds", `{` + valid + `,"ProvisionedThroughput":{"ReadCapacityUnits":1000000000000,"WriteCapacityUnits":1000000000001}}`, "",
			"Given value 1000000000001 for WriteCapacityUnits is out of bounds"},
		{"more keys than definitions", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}],"KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"b","KeyType":"RANGE"}],` + pt + `}`, "",
			"Invalid KeySchema: Some index key attribute have no definition"},
		{"key not defined", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}],` + ksA + `,` + pt + `}`, "",
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]"},
		{"duplicate definition", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"a","AttributeType":"N"}],` + ksA + `,` + pt + `}`, "",
			"Attribute Name is duplicated: a"},
		{"hash and range same name", `{"TableName":"abc",` + defsAB + `,"KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"a","KeyType":"HASH"}],` + pt + `}`, "",
			"Both the Hash Key and the Range Key element in the KeySchema have the same name"},
		{"second key not RANGE", `{"TableName":"abc",` + defsAB + `,"KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"b","KeyType":"HASH"}],` + pt + `}`, "",
			"Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"},
		{"first key not HASH", `{"TableName":"abc",` + defsAB + `,"KeySchema":[{"AttributeName":"a","KeyType":"RANGE"},{"AttributeName":"b","KeyType":"HASH"}],` + pt + `}`, "",
			"Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"extra definition", `{"TableName":"abc",` + defsAB + `,` + ksA + `,` + pt + `}`, "",
			"One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"local secondary indexes", `{` + valid + `,` + pt + `,"LocalSecondaryIndexes":[]}`, "",
			"LocalSecondaryIndexes are not supported by flotilla yet"},
		{"global secondary indexes", `{` + valid + `,` + pt + `,"GlobalSecondaryIndexes":[]}`, "",
			"GlobalSecondaryIndexes are not supported by flotilla yet"},
		{"stream enabled", `{` + valid + `,` + pt + `,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}`, "",
			"StreamSpecification is not supported by flotilla yet"},
		{"stream disabled with view type", `{` + valid + `,` + pt + `,"StreamSpecification":{"StreamEnabled":false,"StreamViewType":"NEW_IMAGE"}}`, "",
			"One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified"},
		{"stream without StreamEnabled", `{` + valid + `,` + pt + `,"StreamSpecification":{}}`, "",
			"1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null"},
		{"bad SSEType", `{` + valid + `,` + pt + `,"SSESpecification":{"Enabled":true,"SSEType":"ROT13"}}`, "",
			"1 validation error detected: Value 'ROT13' at 'sSESpecification.sSEType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]"},
		{"SSE AES256", `{` + valid + `,` + pt + `,"SSESpecification":{"Enabled":true,"SSEType":"AES256"}}`, "",
			"One or more parameter values were invalid: SSEType AES256 is not supported"},
		{"SSEType while disabled", `{` + valid + `,` + pt + `,"SSESpecification":{"Enabled":false,"SSEType":"KMS"}}`, "",
			"One or more parameter values were invalid: SSEType can not be specified if Enabled is false"},
		{"KMS key while disabled", `{` + valid + `,` + pt + `,"SSESpecification":{"KMSMasterKeyId":"k"}}`, "",
			"One or more parameter values were invalid: KMSMasterKeyId can not be specified if Enabled is false"},
		{"KMS key without SSEType", `{` + valid + `,` + pt + `,"SSESpecification":{"Enabled":true,"KMSMasterKeyId":"k"}}`, "",
			"One or more parameter values were invalid: SSEType KMS is required if KMSMasterKeyId is specified"},
		{"tag key too long", `{` + valid + `,` + pt + `,"Tags":[{"Key":"` + long + `","Value":"v"}]}`, "",
			"1 validation error detected: Value '" + long + "' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"tag key empty and value too long", `{` + valid + `,` + pt + `,"Tags":[{"Key":"","Value":"` + strings.Repeat("v", 257) + `"}]}`, "",
			"2 validation errors detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '" + strings.Repeat("v", 257) + "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"tag without key", `{` + valid + `,` + pt + `,"Tags":[{"Value":"v"}]}`, "",
			"1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null"},
		{"tag without value", `{` + valid + `,` + pt + `,"Tags":[{"Key":"k"}]}`, "", "The Tag Value provided is invalid, Value: null"},
		{"tag aws prefix", `{` + valid + `,` + pt + `,"Tags":[{"Key":"aws:x","Value":"v"}]}`, "", "Tag Key cannot be prefixed with aws:, Key: aws:x"},
		{"tag bad character", `{` + valid + `,` + pt + `,"Tags":[{"Key":"a<b","Value":"v"}]}`, "", "The Tag Key provided is invalid, Key: a<b"},
		{"duplicate tag", `{` + valid + `,` + pt + `,"Tags":[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]}`, "",
			"Duplicate Tag Keys provided as input: Duplicate Tag Key found k"},
		{"too many tags", `{` + valid + `,` + pt + `,"Tags":[` + strings.Join(many, ",") + `]}`, "",
			"Number of Tags exceed the current limit for the provided ResourceArn"},
		{"wrong JSON type", `{"TableName":5}`, serializeType, "Unexpected value type in payload: number cannot be converted to string"},
	})
	if names, _ := e.cat.ListTables(t.Context()); len(names) != 0 {
		t.Errorf("failed requests created tables %v", names)
	}
}

func TestCreateTableErrorCap(t *testing.T) {
	e := newControlEnv(t)
	defs := make([]string, 12)
	for i := range defs {
		defs[i] = `{}`
	}
	r := e.call(t, "CreateTable", `{"TableName":"abc","AttributeDefinitions":[`+strings.Join(defs, ",")+`]}`)
	msg, _ := r.body["message"].(string)
	if !strings.HasPrefix(msg, "10 validation errors detected: ") || strings.Count(msg, "failed to satisfy constraint") != 10 {
		t.Errorf("message %q, want exactly 10 constraint failures", msg)
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateTableDescription(t *testing.T) {
	e := newControlEnv(t)
	tests := []struct {
		name string
		body string
		want map[string]any
	}{
		{
			name: "provisioned hash and range",
			body: `{"TableName":"Music","AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},{"AttributeName":"Year","AttributeType":"N"}],` +
				`"KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},{"AttributeName":"Year","KeyType":"RANGE"}],` +
				`"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":10}}`,
			want: map[string]any{
				"AttributeDefinitions": []any{
					map[string]any{"AttributeName": "Artist", "AttributeType": "S"},
					map[string]any{"AttributeName": "Year", "AttributeType": "N"},
				},
				"TableName": "Music",
				"KeySchema": []any{
					map[string]any{"AttributeName": "Artist", "KeyType": "HASH"},
					map[string]any{"AttributeName": "Year", "KeyType": "RANGE"},
				},
				"TableStatus":      "ACTIVE",
				"CreationDateTime": 1700000000.123,
				"ProvisionedThroughput": map[string]any{
					"NumberOfDecreasesToday": 0.0, "ReadCapacityUnits": 5.0, "WriteCapacityUnits": 10.0,
				},
				"TableSizeBytes":            0.0,
				"ItemCount":                 0.0,
				"TableArn":                  testARNPrefix + "Music",
				"DeletionProtectionEnabled": false,
			},
		},
		{
			name: "on demand with class, protection and encryption",
			body: `{"TableName":"Orders","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"B"}],` +
				`"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",` +
				`"TableClass":"STANDARD_INFREQUENT_ACCESS","DeletionProtectionEnabled":true,` +
				`"SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"alias/orders"},"Tags":[{"Key":"team","Value":"shop"}]}`,
			want: map[string]any{
				"AttributeDefinitions": []any{map[string]any{"AttributeName": "id", "AttributeType": "B"}},
				"TableName":            "Orders",
				"KeySchema":            []any{map[string]any{"AttributeName": "id", "KeyType": "HASH"}},
				"TableStatus":          "ACTIVE",
				"CreationDateTime":     1700000000.123,
				"ProvisionedThroughput": map[string]any{
					"NumberOfDecreasesToday": 0.0, "ReadCapacityUnits": 0.0, "WriteCapacityUnits": 0.0,
				},
				"TableSizeBytes": 0.0,
				"ItemCount":      0.0,
				"TableArn":       testARNPrefix + "Orders",
				"BillingModeSummary": map[string]any{
					"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": 1700000000.123,
				},
				"TableClassSummary": map[string]any{"TableClass": "STANDARD_INFREQUENT_ACCESS"},
				"SSEDescription": map[string]any{
					"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": "arn:aws:kms:us-east-1:000000000000:alias/orders",
				},
				"DeletionProtectionEnabled": true,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(t, "CreateTable", tc.body)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if !strings.Contains(string(r.raw), `"CreationDateTime":1700000000.123`) {
				t.Errorf("CreationDateTime is not epoch seconds with a fraction: %s", r.raw)
			}
			got, _ := r.body["TableDescription"].(map[string]any)
			id, _ := got["TableId"].(string)
			if !uuidPattern.MatchString(id) {
				t.Errorf("TableId %q is not a version 4 UUID", id)
			}
			delete(got, "TableId")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("TableDescription\n got %v\nwant %v", got, tc.want)
			}
			d := e.ok(t, "DescribeTable", `{"TableName":"`+tc.want["TableName"].(string)+`"}`)
			table, _ := d["Table"].(map[string]any)
			if table["TableId"] != id {
				t.Errorf("DescribeTable TableId %v, CreateTable said %s", table["TableId"], id)
			}
			delete(table, "TableId")
			if !reflect.DeepEqual(table, tc.want) {
				t.Errorf("DescribeTable\n got %v\nwant %v", table, tc.want)
			}
		})
	}
	t.Run("default KMS key", func(t *testing.T) {
		d := e.createHashTable(t, "Secret", `,"SSESpecification":{"Enabled":true}`)
		arn, _ := path(d, "TableDescription", "SSEDescription", "KMSMasterKeyArn").(string)
		key, ok := strings.CutPrefix(arn, "arn:aws:kms:us-east-1:000000000000:key/")
		if !ok || !uuidPattern.MatchString(key) {
			t.Errorf("KMSMasterKeyArn %q, want a key ARN", arn)
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		e.fails(t, "CreateTable", fmt.Sprintf(hashTableRequest, "Music", ""), inUseType, "Table already exists: Music")
	})
}

func TestDescribeTable(t *testing.T) {
	e := newControlEnv(t)
	e.createHashTable(t, "Things", "")
	e.data.items, e.data.bytes = 3, 120
	runErrorCases(t, e, "DescribeTable", []errorCase{
		{"no TableName", `{}`, "", "The parameter 'TableName' is required but was not present in the request"},
		{"short TableName", `{"TableName":"a;"}`, "", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"bad pattern", `{"TableName":"abc;"}`, "", "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"unknown table", `{"TableName":"Nothing"}`, notFoundType, "Requested resource not found: Table: Nothing not found"},
		{"malformed JSON", `{"TableName":`, serializeType, "Start of structure or map found where not expected"},
	})
	t.Run("stats", func(t *testing.T) {
		d := e.ok(t, "DescribeTable", `{"TableName":"Things"}`)
		if got := path(d, "Table", "ItemCount"); got != 3.0 {
			t.Errorf("ItemCount %v, want 3", got)
		}
		if got := path(d, "Table", "TableSizeBytes"); got != 120.0 {
			t.Errorf("TableSizeBytes %v, want 120", got)
		}
		if got := path(d, "Table", "BillingModeSummary"); got != nil {
			t.Errorf("BillingModeSummary %v on a table created without BillingMode", got)
		}
	})
}

func TestListTables(t *testing.T) {
	e := newControlEnv(t)
	t.Run("empty", func(t *testing.T) {
		r := e.call(t, "ListTables", `{}`)
		if string(r.raw) != `{"TableNames":[]}` {
			t.Errorf("body %s, want an empty list", r.raw)
		}
	})
	for _, n := range []string{"ccc", "aaa", "bbb", "ddd"} {
		e.createHashTable(t, n, "")
	}
	runErrorCases(t, e, "ListTables", []errorCase{
		{"empty start", `{"ExclusiveStartTableName":""}`, "", "2 validation errors detected: " +
			"Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"short start and high limit", `{"ExclusiveStartTableName":"a;","Limit":500}`, "", "3 validation errors detected: " +
			"Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
			"Value '500' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"long start", `{"ExclusiveStartTableName":"` + strings.Repeat("a", 256) + `"}`, "", "1 validation error detected: " +
			"Value '" + strings.Repeat("a", 256) + "' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"low limit", `{"Limit":0}`, "", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"string limit", `{"Limit":"5"}`, serializeType, "Unexpected value type in payload: string cannot be converted to int64"},
	})
	pages := []struct {
		name string
		body string
		want string
	}{
		{"all", `{}`, `{"TableNames":["aaa","bbb","ccc","ddd"]}`},
		{"first page", `{"Limit":2}`, `{"TableNames":["aaa","bbb"],"LastEvaluatedTableName":"bbb"}`},
		{"second page", `{"Limit":2,"ExclusiveStartTableName":"bbb"}`, `{"TableNames":["ccc","ddd"]}`},
		{"start between names", `{"ExclusiveStartTableName":"abc","Limit":1}`, `{"TableNames":["bbb"],"LastEvaluatedTableName":"bbb"}`},
		{"limit equals count", `{"Limit":4}`, `{"TableNames":["aaa","bbb","ccc","ddd"]}`},
		{"past the end", `{"ExclusiveStartTableName":"zzz"}`, `{"TableNames":[]}`},
		{"null members", `{"ExclusiveStartTableName":null,"Limit":null}`, `{"TableNames":["aaa","bbb","ccc","ddd"]}`},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			r := e.call(t, "ListTables", p.body)
			if r.status != http.StatusOK || string(r.raw) != p.want {
				t.Errorf("status %d body %s, want %s", r.status, r.raw, p.want)
			}
		})
	}
}

func TestDeleteTable(t *testing.T) {
	e := newControlEnv(t)
	e.createHashTable(t, "Keep", `,"DeletionProtectionEnabled":true`)
	e.createHashTable(t, "Drop", "")
	runErrorCases(t, e, "DeleteTable", []errorCase{
		{"no TableName", `{}`, "", "The parameter 'TableName' is required but was not present in the request"},
		{"unknown", `{"TableName":"Nothing"}`, notFoundType, "Requested resource not found: Table: Nothing not found"},
		{"protected", `{"TableName":"Keep"}`, "", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."},
	})
	t.Run("delete", func(t *testing.T) {
		d := e.ok(t, "DeleteTable", `{"TableName":"Drop"}`)
		if got := path(d, "TableDescription", "TableStatus"); got != "DELETING" {
			t.Errorf("TableStatus %v, want DELETING", got)
		}
		if got := path(d, "TableDescription", "TableName"); got != "Drop" {
			t.Errorf("TableName %v, want Drop", got)
		}
		e.fails(t, "DescribeTable", `{"TableName":"Drop"}`, notFoundType, "Requested resource not found: Table: Drop not found")
		e.fails(t, "DeleteTable", `{"TableName":"Drop"}`, notFoundType, "Requested resource not found: Table: Drop not found")
	})
	t.Run("unprotect then delete", func(t *testing.T) {
		e.ok(t, "UpdateTable", `{"TableName":"Keep","DeletionProtectionEnabled":false}`)
		e.ok(t, "DeleteTable", `{"TableName":"Keep"}`)
		if names, _ := e.cat.ListTables(t.Context()); len(names) != 0 {
			t.Errorf("tables left: %v", names)
		}
	})
}

func TestUpdateTableValidation(t *testing.T) {
	e := newControlEnv(t)
	e.createHashTable(t, "Prov", "")
	e.ok(t, "CreateTable", `{"TableName":"Demand","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],`+
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`)
	runErrorCases(t, e, "UpdateTable", []errorCase{
		{"no TableName", `{}`, "", "The parameter 'TableName' is required but was not present in the request"},
		{"nothing to do", `{"TableName":"Prov"}`, "", "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, " +
			"GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, " +
			"MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"},
		{"empty index updates", `{"TableName":"Prov","GlobalSecondaryIndexUpdates":[]}`, "", "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, " +
			"GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, " +
			"MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"},
		{"constraints", `{"TableName":"Pr;v","BillingMode":"X","ProvisionedThroughput":{"ReadCapacityUnits":0}}`, "", "4 validation errors detected: " +
			"Value 'Pr;v' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value 'X' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]; " +
			"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
			"Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"out of bounds", `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":1000000000001,"WriteCapacityUnits":1}}`, "",
			"Given value 1000000000001 for ReadCapacityUnits is out of bounds"},
		{"unchanged throughput", `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`, "",
			"The provisioned throughput for the table will not change. The requested value equals the current value. " +
				"Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. " +
				"Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. " +
				"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."},
		{"on demand with throughput", `{"TableName":"Prov","BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, "",
			"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"throughput on an on-demand table", `{"TableName":"Demand","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, "",
			"One or more parameter values were invalid: ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST"},
		{"provisioned without throughput", `{"TableName":"Demand","BillingMode":"PROVISIONED"}`, "",
			"One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED"},
		{"table class with throughput", `{"TableName":"Prov","TableClass":"STANDARD","ProvisionedThroughput":{"ReadCapacityUnits":6,"WriteCapacityUnits":6}}`, "",
			"One or more parameter values were invalid: TableClass modification must be the only operation in the request"},
		{"protection with billing", `{"TableName":"Prov","DeletionProtectionEnabled":true,"BillingMode":"PAY_PER_REQUEST"}`, "",
			"One or more parameter values were invalid: DeletionProtection modification must be the only operation in the request"},
		{"encryption with class", `{"TableName":"Prov","SSESpecification":{"Enabled":true},"TableClass":"STANDARD"}`, "",
			"One or more parameter values were invalid: Server-Side Encryption modification must be the only operation in the request"},
		{"disable default encryption", `{"TableName":"Prov","SSESpecification":{"Enabled":false}}`, "",
			"One or more parameter values were invalid: Table is already encrypted by default"},
		{"bad table class", `{"TableName":"Prov","TableClass":"COLD"}`, "",
			"1 validation error detected: Value 'COLD' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"},
		{"index updates", `{"TableName":"Prov","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"idx"}}]}`, "",
			"GlobalSecondaryIndexUpdates are not supported by flotilla yet"},
		{"streams", `{"TableName":"Prov","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}`, "",
			"StreamSpecification is not supported by flotilla yet"},
		{"unknown table", `{"TableName":"Nothing","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, notFoundType,
			"Requested resource not found: Table: Nothing not found"},
	})
}

func TestUpdateTableChanges(t *testing.T) {
	e := newControlEnv(t)
	e.createHashTable(t, "Prov", "")
	day := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	epoch := func(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
	steps := []struct {
		name  string
		now   time.Time
		body  string
		check map[string]any // path "a.b" → want
	}{
		{"increase", day, `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":10,"WriteCapacityUnits":5}}`, map[string]any{
			"ProvisionedThroughput.ReadCapacityUnits": 10.0, "ProvisionedThroughput.WriteCapacityUnits": 5.0,
			"ProvisionedThroughput.LastIncreaseDateTime": epoch(day), "ProvisionedThroughput.LastDecreaseDateTime": nil,
			"ProvisionedThroughput.NumberOfDecreasesToday": 0.0, "TableStatus": "ACTIVE",
		}},
		{"decrease", day.Add(time.Hour), `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":2,"WriteCapacityUnits":5}}`, map[string]any{
			"ProvisionedThroughput.ReadCapacityUnits": 2.0, "ProvisionedThroughput.LastDecreaseDateTime": epoch(day.Add(time.Hour)),
			"ProvisionedThroughput.LastIncreaseDateTime": epoch(day), "ProvisionedThroughput.NumberOfDecreasesToday": 1.0,
		}},
		{"decrease again same day", day.Add(2 * time.Hour), `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":5}}`, map[string]any{
			"ProvisionedThroughput.NumberOfDecreasesToday": 2.0,
		}},
		{"decrease next day", day.Add(24 * time.Hour), `{"TableName":"Prov","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":4}}`, map[string]any{
			"ProvisionedThroughput.NumberOfDecreasesToday": 1.0,
		}},
		{"to on demand", day.Add(25 * time.Hour), `{"TableName":"Prov","BillingMode":"PAY_PER_REQUEST"}`, map[string]any{
			"BillingModeSummary.BillingMode": "PAY_PER_REQUEST", "BillingModeSummary.LastUpdateToPayPerRequestDateTime": epoch(day.Add(25 * time.Hour)),
			"ProvisionedThroughput.ReadCapacityUnits": 0.0, "ProvisionedThroughput.WriteCapacityUnits": 0.0,
		}},
		{"back to provisioned", day.Add(26 * time.Hour), `{"TableName":"Prov","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":4}}`, map[string]any{
			"BillingModeSummary.BillingMode": "PROVISIONED", "BillingModeSummary.LastUpdateToPayPerRequestDateTime": epoch(day.Add(25 * time.Hour)),
			"ProvisionedThroughput.ReadCapacityUnits": 3.0, "ProvisionedThroughput.WriteCapacityUnits": 4.0,
		}},
		{"table class", day, `{"TableName":"Prov","TableClass":"STANDARD_INFREQUENT_ACCESS"}`, map[string]any{
			"TableClassSummary.TableClass": "STANDARD_INFREQUENT_ACCESS",
		}},
		{"protection", day, `{"TableName":"Prov","DeletionProtectionEnabled":true}`, map[string]any{
			"DeletionProtectionEnabled": true,
		}},
		{"encryption", day, `{"TableName":"Prov","SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"1234"}}`, map[string]any{
			"SSEDescription.Status": "ENABLED", "SSEDescription.KMSMasterKeyArn": "arn:aws:kms:us-east-1:000000000000:key/1234",
		}},
		{"encryption off", day, `{"TableName":"Prov","SSESpecification":{"Enabled":false}}`, map[string]any{
			"SSEDescription": nil,
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.setNow(s.now)
			d := e.ok(t, "UpdateTable", s.body)
			described := e.ok(t, "DescribeTable", `{"TableName":"Prov"}`)
			for p, want := range s.check {
				keys := []any{}
				for _, k := range strings.Split(p, ".") {
					keys = append(keys, k)
				}
				if got := path(d, append([]any{"TableDescription"}, keys...)...); !reflect.DeepEqual(got, want) {
					t.Errorf("UpdateTable %s = %v, want %v", p, got, want)
				}
				if got := path(described, append([]any{"Table"}, keys...)...); !reflect.DeepEqual(got, want) {
					t.Errorf("DescribeTable %s = %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestTags(t *testing.T) {
	e := newControlEnv(t)
	e.createHashTable(t, "Tagged", `,"Tags":[{"Key":"env","Value":"dev"}]`)
	arn := testARNPrefix + "Tagged"
	missing := testARNPrefix + "Missing"
	other := "arn:aws:dynamodb:eu-west-1:000000000000:table/Tagged"
	t.Run("TagResource errors", func(t *testing.T) {
		many := make([]string, 50)
		for i := range many {
			many[i] = fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i)
		}
		runErrorCases(t, e, "TagResource", []errorCase{
			{"no arn", `{}`, "", "Invalid TableArn"},
			{"empty arn", `{"ResourceArn":"","Tags":[]}`, "", "Invalid TableArn"},
			{"null tags", `{"ResourceArn":"a:b:c:d:e:f/g"}`, "", "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"},
			{"bad arn", `{"ResourceArn":"a:b:c:d:e:f/g","Tags":[]}`, "", "Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g"},
			{"short table name", `{"ResourceArn":"` + testARNPrefix + `ab","Tags":[]}`, "", "Invalid TableArn: Invalid ResourceArn provided as input " + testARNPrefix + "ab"},
			{"other region", `{"ResourceArn":"` + other + `","Tags":[{"Key":"a","Value":"b"}]}`, "", "Invalid TableArn: Invalid ResourceArn provided as input " + other},
			{"no tags", `{"ResourceArn":"` + arn + `","Tags":[]}`, "", "Atleast one Tag needs to be provided as Input."},
			{"aws prefix", `{"ResourceArn":"` + arn + `","Tags":[{"Key":"aws:a","Value":"b"}]}`, "", "Tag Key cannot be prefixed with aws:, Key: aws:a"},
			{"unknown table", `{"ResourceArn":"` + missing + `","Tags":[{"Key":"a","Value":"b"}]}`, notFoundType, "Requested resource not found: ResourcArn: " + missing + " not found"},
			{"over the limit with existing", `{"ResourceArn":"` + arn + `","Tags":[` + strings.Join(many, ",") + `]}`, "", "Number of Tags exceed the current limit for the provided ResourceArn"},
		})
	})
	t.Run("UntagResource errors", func(t *testing.T) {
		runErrorCases(t, e, "UntagResource", []errorCase{
			{"no arn", `{}`, "", "Invalid TableArn"},
			{"null keys", `{"ResourceArn":"a:b:c:d:e:f/g"}`, "", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"},
			{"bad arn", `{"ResourceArn":"a:b:c:d:e:f/g","TagKeys":[]}`, "", "Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g"},
			{"no keys", `{"ResourceArn":"` + arn + `","TagKeys":[]}`, "", "Atleast one Tag Key needs to be provided as Input."},
			{"unknown table", `{"ResourceArn":"` + missing + `","TagKeys":["a"]}`, notFoundType, "Requested resource not found"},
		})
	})
	t.Run("ListTagsOfResource errors", func(t *testing.T) {
		runErrorCases(t, e, "ListTagsOfResource", []errorCase{
			{"no arn", `{}`, "", "Invalid TableArn"},
			{"bad arn", `{"ResourceArn":"a:b:c:d:e:f/g"}`, "", "Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g"},
			{"unknown table", `{"ResourceArn":"` + missing + `"}`, notFoundType, "Requested resource not found: ResourcArn: " + missing + " not found"},
		})
	})
	steps := []struct {
		name string
		op   string
		body string
		want string // ListTagsOfResource body afterwards
	}{
		{"created with tags", "", "", `{"Tags":[{"Key":"env","Value":"dev"}]}`},
		{"add and overwrite", "TagResource", `{"ResourceArn":"` + arn + `","Tags":[{"Key":"team","Value":"db"},{"Key":"env","Value":"prod"}]}`,
			`{"Tags":[{"Key":"env","Value":"prod"},{"Key":"team","Value":"db"}]}`},
		{"empty value", "TagResource", `{"ResourceArn":"` + arn + `","Tags":[{"Key":"flag","Value":""}]}`,
			`{"Tags":[{"Key":"env","Value":"prod"},{"Key":"team","Value":"db"},{"Key":"flag","Value":""}]}`},
		{"untag", "UntagResource", `{"ResourceArn":"` + arn + `","TagKeys":["env","flag","absent"]}`, `{"Tags":[{"Key":"team","Value":"db"}]}`},
		{"untag all", "UntagResource", `{"ResourceArn":"` + arn + `","TagKeys":["team"]}`, `{"Tags":[]}`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.op != "" {
				r := e.call(t, s.op, s.body)
				if r.status != http.StatusOK || string(r.raw) != "{}" {
					t.Fatalf("%s: status %d body %s", s.op, r.status, r.raw)
				}
			}
			r := e.call(t, "ListTagsOfResource", `{"ResourceArn":"`+arn+`"}`)
			if string(r.raw) != s.want {
				t.Errorf("tags %s, want %s", r.raw, s.want)
			}
		})
	}
}

func TestEndpointsAndLimits(t *testing.T) {
	e := newControlEnv(t)
	host := strings.TrimPrefix(e.srv.URL, "http://")
	tests := []struct {
		op   string
		want string
	}{
		{"DescribeEndpoints", `{"Endpoints":[{"Address":"` + host + `","CachePeriodInMinutes":1440}]}`},
		{"DescribeLimits", `{"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000}`},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			r := e.call(t, tc.op, `{}`)
			if r.status != http.StatusOK || string(r.raw) != tc.want {
				t.Errorf("status %d body %s, want %s", r.status, r.raw, tc.want)
			}
		})
	}
}

func TestProtocol(t *testing.T) {
	e := newControlEnv(t)
	tests := []struct {
		name   string
		target string
		body   string
		status int
		typ    string
	}{
		{"success", "DynamoDB_20120810.ListTables", `{}`, http.StatusOK, ""},
		{"unknown operation", "DynamoDB_20120810.FlyToMoon", `{}`, http.StatusBadRequest, unknownOpType},
		{"wrong service", "DynamoDB_20990101.ListTables", `{}`, http.StatusBadRequest, unknownOpType},
		{"malformed JSON", "DynamoDB_20120810.ListTables", `{"Limit":`, http.StatusBadRequest, serializeType},
		{"validation", "DynamoDB_20120810.DescribeTable", `{}`, http.StatusBadRequest, validationType},
	}
	idPattern := regexp.MustCompile(`^[0-9A-Z]{52}$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Amz-Target", tc.target)
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.status, raw)
			}
			var body map[string]any
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("body %q: %v", raw, err)
			}
			if tc.typ != "" && body["__type"] != tc.typ {
				t.Errorf("__type %v, want %s", body["__type"], tc.typ)
			}
			if id := resp.Header.Get("x-amzn-RequestId"); !idPattern.MatchString(id) {
				t.Errorf("x-amzn-RequestId %q", id)
			}
			if got, want := resp.Header.Get("x-amz-crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(raw)), 10); got != want {
				t.Errorf("x-amz-crc32 %s, want %s", got, want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}
