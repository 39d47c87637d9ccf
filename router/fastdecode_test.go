package router

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// fastOps names the request types that have a fast path.
var fastOps = []struct {
	name string
	zero func() fastDecoder
}{
	{"GetItem", func() fastDecoder { return new(getItemInput) }},
	{"PutItem", func() fastDecoder { return new(putItemInput) }},
	{"UpdateItem", func() fastDecoder { return new(updateItemInput) }},
	{"DeleteItem", func() fastDecoder { return new(deleteItemInput) }},
}

func fastOp(t testing.TB, name string) func() fastDecoder {
	t.Helper()
	for _, op := range fastOps {
		if op.name == name {
			return op.zero
		}
	}
	t.Fatalf("no fast op %s", name)
	return nil
}

// Bodies the fast path must accept, as the AWS SDKs, boto3 and YCSB send
// them.
var fastAccept = []struct{ op, body string }{
	// GetItem.
	{"GetItem", `{"TableName":"usertable","Key":{"YCSB_KEY":{"S":"user6284781860667377211"}},"ConsistentRead":true}`},
	{"GetItem", `{"TableName": "usertable", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConsistentRead": false, "ReturnConsumedCapacity": "TOTAL"}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"B":"AQID"}},"ProjectionExpression":"#n, l[0], m.b","ExpressionAttributeNames":{"#n":"name"}}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"AttributesToGet":["a","b","c"]}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"AttributesToGet":[]}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"AttributesToGet":null,"ConsistentRead":null,"ProjectionExpression":null,"ExpressionAttributeNames":null,"ReturnConsumedCapacity":null}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"ExpressionAttributeNames":{}}`},
	{"GetItem", `{"TableName":"t","Key":null}`},
	{"GetItem", `{"TableName":"t","Key":{}}`},
	{"GetItem", `{}`},
	{"GetItem", " \t\r\n{ \"TableName\" :\n\"t\" ,\t\"Key\"\r: { \"pk\" : { \"S\" : \"a\" } } } \n"},
	// PutItem.
	{"PutItem", `{"TableName":"t","Item":{"s":{"S":"x"},"n":{"N":"-1.50e3"},"b":{"B":"AQI="},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true},"l":{"L":[{"S":"a"},{"N":"2"},{"L":[]},{"M":{}}]},"m":{"M":{"k":{"S":"v"},"nested":{"M":{"x":{"SS":["a"]}}}}},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5","-3"]},"bs":{"BS":["AQ==","Ag=="]}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"INDEXES","ReturnItemCollectionMetrics":"SIZE","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk) OR #n < :v","ExpressionAttributeNames":{"#n":"sk"},"ExpressionAttributeValues":{":v":{"N":"5"}},"ReturnValues":"ALL_OLD"}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"Expected":null,"ConditionalOperator":null,"ExpressionAttributeValues":null}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"ConditionalOperator":"AND"}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"},"X":{"S":"b","unknown":[1,-2.5e+10,0.1,true,null,{"a":[]}]}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a","N":null}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"},"pk":{"S":"b"}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"N":"0001.000"}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"},"h\u00e9":{"S":"b"}}}`},
	{"PutItem", "{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"\xff\xc3\"},\"\xe2\x82\":{\"S\":\"\\u00e9\xff\"}}}"},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"ExpressionAttributeValues":{},"ExpressionAttributeNames":{}}`},
	// UpdateItem.
	{"UpdateItem", `{"TableName":"usertable","Key":{"YCSB_KEY":{"S":"user6284781860667377211"}},"UpdateExpression":"SET #f0 = :v0","ExpressionAttributeNames":{"#f0":"field0"},"ExpressionAttributeValues":{":v0":{"S":"` + strings.Repeat("x", 100) + `"}}}`},
	{"UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET c = if_not_exists(c, :z) + :one, l = list_append(l, :l) REMOVE m.b ADD s :s DELETE t :s","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"},":l":{"L":[{"S":"y"}]},":s":{"SS":["p","q"]},":b":{"BS":["AQ=="]},":n":{"NS":["1"]},":m":{"M":{"a":{"NULL":true}}},":t":{"BOOL":true},":bin":{"B":"AA=="}},"ReturnValues":"UPDATED_NEW"}`},
	{"UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET a = :a","ConditionExpression":"attribute_exists(pk) AND #c \u003c :a","ExpressionAttributeNames":{"#c":"count"},"ExpressionAttributeValues":{":a":{"N":"1"}},"ReturnValues":"ALL_NEW","ReturnConsumedCapacity":"NONE"}`},
	{"UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"AttributeUpdates":null,"Expected":null,"UpdateExpression":null}`},
	{"UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"ExpressionAttributeValues":{":a":{"N":"1"},":a":{"N":"2"}},"UpdateExpression":"SET a = :a"}`},
	{"UpdateItem", `{"TableName": "t", "Key": {"pk": {"S": "caf\u00e9 \ud83d\ude00"}}, "UpdateExpression": "SET #n = :v", "ExpressionAttributeNames": {"#n": "na\u00efve"}, "ExpressionAttributeValues": {":v": {"S": "\u65e5\u672c"}}}`},
	// DeleteItem.
	{"DeleteItem", `{"TableName":"t","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`},
	{"DeleteItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"TOTAL","ReturnItemCollectionMetrics":"NONE"}`},
	{"DeleteItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"ConditionExpression":"#a = :v","ExpressionAttributeNames":{"#a":"x","#b":"y"},"ExpressionAttributeValues":{":v":{"BOOL":false},":w":{"NULL":true}}}`},
	// Strings: escapes, surrogates and raw UTF-8, decoded as encoding/json does.
	{"GetItem", `{"TableName":"caf\u00E9","ProjectionExpression":"\ud800","ReturnConsumedCapacity":"\ud800\u0041\udc00x"}`},
	{"GetItem", `{"TableName":"\ud83d\ude00\ud83d","ProjectionExpression":"\ud800\ud800\udc00","ReturnConsumedCapacity":"日本 é"}`},
	{"GetItem", `{"TableName":"","AttributesToGet":["\"","a\\b","\u0000"],"ExpressionAttributeNames":{"#\u0061":"\t","#b":""}}`},
}

// Bodies the fast path must give up on, for encoding/json to decide.
var fastGiveUp = []struct{ op, body string }{
	{"GetItem", `{"TableName":"t","Foo":1}`},
	{"GetItem", `{"TableName":"t","TableName":"u"}`},
	{"GetItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"Key":{"pk":{"S":"b"}}}`},
	{"GetItem", `{"tablename":"t"}`},
	{"GetItem", `{"TABLENAME":"t"}`},
	{"GetItem", `{"Table\u004eame":"t"}`},
	{"GetItem", `{"TableName":"t","Item":{"pk":{"S":"a"}}}`},
	{"GetItem", `{"TableName":"t","ConditionExpression":"x"}`},
	{"PutItem", `{"TableName":"t","Key":{"pk":{"S":"a"}}}`},
	{"PutItem", `{"TableName":"t","UpdateExpression":"SET a = :a"}`},
	{"DeleteItem", `{"TableName":"t","AttributeUpdates":null}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"Expected":{"pk":{"Exists":false}}}`},
	{"PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"}},"Expected":{}}`},
	{"UpdateItem", `{"TableName":"t","Key":{"pk":{"S":"a"}},"AttributeUpdates":{"a":{"Action":"PUT","Value":{"S":"x"}}}}`},
	{"GetItem", `{"TableName":"t"}x`},
	{"GetItem", `{"TableName":"t"}{}`},
	{"GetItem", `{"TableName":"t"},`},
	{"GetItem", `{"TableName":"t",}`},
	{"GetItem", `{"TableName":"t"`},
	{"GetItem", `{"TableName":"t"]`},
	{"GetItem", `{"TableName""t"}`},
	{"GetItem", `{,"TableName":"t"}`},
	{"GetItem", "\xef\xbb\xbf{\"TableName\":\"t\"}"},
	{"GetItem", "{\"TableName\":\"t\xff\"}"},
	{"GetItem", "{\"TableName\":\"t\xc3\"}"},
	{"GetItem", "{\"TableName\":\"\\u0041\xff\"}"},
	{"GetItem", "{\"TableName\":\"t\x01\"}"},
	{"GetItem", `{"TableName":"t\x"}`},
	{"GetItem", `{"TableName":"t\'"}`},
	{"GetItem", `{"TableName":"\u00zz"}`},
	{"GetItem", `{"TableName":"\ud800\u00zz"}`},
	{"GetItem", `{"TableName":1}`},
	{"GetItem", `{"TableName":true}`},
	{"GetItem", `{"TableName":["t"]}`},
	{"GetItem", `{"TableName":{}}`},
	{"GetItem", `{"TableName":nul}`},
	{"GetItem", `{"ConsistentRead":"true"}`},
	{"GetItem", `{"ConsistentRead":1}`},
	{"GetItem", `{"ConsistentRead":tru}`},
	{"GetItem", `{"ConsistentRead":truex}`},
	{"GetItem", `{"AttributesToGet":["a",null]}`},
	{"GetItem", `{"AttributesToGet":["a",1]}`},
	{"GetItem", `{"AttributesToGet":["a",]}`},
	{"GetItem", `{"AttributesToGet":"a"}`},
	{"GetItem", `{"ExpressionAttributeNames":{"#a":null}}`},
	{"GetItem", `{"ExpressionAttributeNames":{"#a":"x","#a":"y"}}`},
	{"GetItem", `{"ExpressionAttributeNames":{"#a":1}}`},
	{"GetItem", `{"ExpressionAttributeNames":["#a"]}`},
	{"GetItem", `{"Key":[]}`},
	{"GetItem", `{"Key":"pk"}`},
	{"GetItem", `{"Key":{"pk":{}}}`},
	{"GetItem", `{"Key":{"pk":null}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","N":"1"}}}`},
	{"GetItem", `{"Key":{"pk":{"N":"x"}}}`},
	{"GetItem", `{"Key":{"pk":{"N":"1e999"}}}`},
	{"GetItem", `{"Key":{"pk":{"S":1}}}`},
	{"GetItem", `{"Key":{"pk":{"B":"AQI"}}}`},
	{"GetItem", `{"Key":{"pk":{"NULL":false}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":01}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":+1}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":1.}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":.5}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":1e}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":-}}}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":"\q"}}}`},
	{"GetItem", "{\"Key\":{\"pk\":{\"S\":\"a\x1f\"}}}"},
	{"GetItem", `{"Key":{"pk":{"S":"a"}`},
	{"GetItem", `{"Key":{"pk":{"S":"a","X":[` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `]}}}`},
	{"PutItem", `{"ExpressionAttributeValues":{":a":null}}`},
	{"PutItem", `{"ExpressionAttributeValues":{":a":{}}}`},
	{"PutItem", `{"ExpressionAttributeValues":{":\u0061":{"S":"x"}}}`},
	{"PutItem", "{\"ExpressionAttributeValues\":{\":\xc3\xa9\":{\"S\":\"x\"}}}"},
	{"PutItem", `{"ExpressionAttributeValues":{":a":{"N":"x"},":a":{"N":"1"}}}`},
	{"PutItem", `{"ExpressionAttributeValues":[]}`},
	{"PutItem", `{"ReturnValues":5}`},
	{"UpdateItem", `{"UpdateExpression":{}}`},
	{"GetItem", ``},
	{"GetItem", ` `},
	{"GetItem", `null`},
	{"GetItem", `[]`},
	{"GetItem", `"x"`},
	{"GetItem", `{`},
	{"GetItem", `{"TableName`},
	{"GetItem", `{"TableName":`},
}

// checkFast decodes body with the fast path of a fresh zero value of the
// type zero makes and checks it against encoding/json: an accepted body
// must decode identically, and a refused one must leave the target zero.
func checkFast(t testing.TB, zero func() fastDecoder, body []byte) bool {
	t.Helper()
	got := zero()
	ok := got.decodeFast(body)
	if !ok {
		if !reflect.DeepEqual(got, zero()) {
			t.Fatalf("%T: gave up on %q but changed the target: %+v", got, body, got)
		}
		return false
	}
	want := zero()
	if err := json.Unmarshal(body, want); err != nil {
		t.Fatalf("%T: fast path accepted %q, which encoding/json rejects: %v", got, body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%T: %q decodes to\n%#v\nnot, as encoding/json,\n%#v", got, body, got, want)
	}
	return true
}

func TestFastDecodeAccepts(t *testing.T) {
	for _, c := range fastAccept {
		if !checkFast(t, fastOp(t, c.op), []byte(c.body)) {
			t.Errorf("%s: fast path gave up on %s", c.op, c.body)
		}
	}
}

func TestFastDecodeGivesUp(t *testing.T) {
	for _, c := range fastGiveUp {
		if checkFast(t, fastOp(t, c.op), []byte(c.body)) {
			t.Errorf("%s: fast path accepted %q", c.op, c.body)
		}
	}
}

// TestFastDecodeSameErrors checks that decode, fast path included, returns
// what the encoding/json path alone returns, errors included, for every
// table body and every fast request type.
func TestFastDecodeSameErrors(t *testing.T) {
	var bodies []string
	for _, c := range fastAccept {
		bodies = append(bodies, c.body)
	}
	for _, c := range fastGiveUp {
		bodies = append(bodies, c.body)
	}
	for _, op := range fastOps {
		for _, body := range bodies {
			got, want := op.zero(), op.zero()
			gotErr, wantErr := decode([]byte(body), got), decodeJSON([]byte(body), want)
			if !reflect.DeepEqual(gotErr, wantErr) {
				t.Errorf("%s %q: decode error %v, encoding/json path %v", op.name, body, gotErr, wantErr)
			}
			if wantErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: decode gives %+v, encoding/json path %+v", op.name, body, got, want)
			}
		}
	}
}

// FuzzFastDecode is a differential test of the fast path against
// encoding/json for each fast request type.
func FuzzFastDecode(f *testing.F) {
	for _, c := range fastAccept {
		f.Add([]byte(c.body))
	}
	for _, c := range fastGiveUp {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range fastOps {
			checkFast(t, op.zero, body)
		}
	})
}

var (
	benchGetItemBody    = []byte(`{"TableName":"usertable","Key":{"YCSB_KEY":{"S":"user6284781860667377211"}},"ConsistentRead":true}`)
	benchUpdateItemBody = []byte(`{"TableName":"usertable","Key":{"YCSB_KEY":{"S":"user6284781860667377211"}},"UpdateExpression":"SET #f0 = :v0","ExpressionAttributeNames":{"#f0":"field0"},"ExpressionAttributeValues":{":v0":{"S":"` + strings.Repeat("x", 100) + `"}}}`)
)

// benchDecode measures decode (fast path first) against the encoding/json
// path alone on one body.
func benchDecode[T any](b *testing.B, body []byte) {
	for _, path := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"fast", decode}, {"std", decodeJSON}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var in T
				if err := path.fn(body, &in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeGetItem(b *testing.B) { benchDecode[getItemInput](b, benchGetItemBody) }

func BenchmarkDecodeUpdateItem(b *testing.B) { benchDecode[updateItemInput](b, benchUpdateItemBody) }
