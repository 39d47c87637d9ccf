package badinput

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

const table = "bad"

// request is one generated request.
type request struct {
	target string
	body   []byte
	write  bool // might change items of the table under test if accepted
}

// gen produces requests from a seeded RNG.
type gen struct{ r *rand.Rand }

func av(t, v string) map[string]any { return map[string]any{t: v} }

// baseRequests returns valid requests for every operation. Writes carry
// random values so that an accepted write is visible in a Scan.
func (g *gen) baseRequests() map[string]map[string]any {
	v := fmt.Sprintf("v%d", g.r.IntN(1_000_000))
	k := av("S", fmt.Sprintf("k%d", g.r.IntN(5)))
	n := av("N", fmt.Sprint(g.r.IntN(3)))
	key := map[string]any{"pk": k, "sk": n}
	item := map[string]any{"pk": k, "sk": n, "v": av("S", v), "l": map[string]any{"L": []any{av("N", "1"), map[string]any{"M": map[string]any{"x": av("BOOL", "true")}}}},
		"ss": map[string]any{"SS": []any{"a", "b"}}, "b": av("B", "AAEC")}
	return map[string]map[string]any{
		"PutItem": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk) OR v <> :v",
			"ExpressionAttributeValues": map[string]any{":v": av("S", v)}, "ReturnValues": "ALL_OLD"},
		"PutItem.Expected": {"TableName": table, "Item": item, "Expected": map[string]any{"v": map[string]any{"ComparisonOperator": "NE", "AttributeValueList": []any{av("S", v)}}}},
		"UpdateItem": {"TableName": table, "Key": key, "UpdateExpression": "SET #v = :v, l[0] = :one ADD c :one, ss :ss REMOVE gone DELETE ss :del",
			"ConditionExpression":      "attribute_exists(pk) AND (size(v) > :zero OR begins_with(#v, :p))",
			"ExpressionAttributeNames": map[string]any{"#v": "v"},
			"ExpressionAttributeValues": map[string]any{":v": av("S", v), ":one": av("N", "1"), ":zero": av("N", "0"), ":p": av("S", "v"),
				":ss": map[string]any{"SS": []any{"c"}}, ":del": map[string]any{"SS": []any{"a"}}},
			"ReturnValues": "UPDATED_NEW"},
		"UpdateItem.AttributeUpdates": {"TableName": table, "Key": key, "AttributeUpdates": map[string]any{"v": map[string]any{"Action": "PUT", "Value": av("S", v)}, "c": map[string]any{"Action": "ADD", "Value": av("N", "2")}}},
		"DeleteItem":                  {"TableName": table, "Key": key, "ConditionExpression": "v <> :v", "ExpressionAttributeValues": map[string]any{":v": av("S", v)}, "ReturnValues": "ALL_OLD"},
		"BatchWriteItem": {"RequestItems": map[string]any{table: []any{
			map[string]any{"PutRequest": map[string]any{"Item": item}},
			map[string]any{"DeleteRequest": map[string]any{"Key": map[string]any{"pk": av("S", "k9"), "sk": av("N", "9")}}}}}},
		"GetItem": {"TableName": table, "Key": key, "ProjectionExpression": "#v, l[0], ss", "ExpressionAttributeNames": map[string]any{"#v": "v"}, "ConsistentRead": true},
		"Query": {"TableName": table, "KeyConditionExpression": "pk = :k AND sk BETWEEN :a AND :b", "FilterExpression": "contains(ss, :s)",
			"ExpressionAttributeValues": map[string]any{":k": k, ":a": av("N", "0"), ":b": av("N", "5"), ":s": av("S", "a")},
			"Limit":                     2, "ScanIndexForward": false, "ExclusiveStartKey": key, "Select": "ALL_ATTRIBUTES"},
		"Query.KeyConditions": {"TableName": table, "KeyConditions": map[string]any{"pk": map[string]any{"ComparisonOperator": "EQ", "AttributeValueList": []any{k}}},
			"QueryFilter": map[string]any{"v": map[string]any{"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": []any{av("S", "v")}}}},
		"Scan": {"TableName": table, "Segment": 0, "TotalSegments": 2, "Limit": 3, "FilterExpression": "attribute_type(v, :t)",
			"ExpressionAttributeValues": map[string]any{":t": av("S", "S")}},
		"BatchGetItem": {"RequestItems": map[string]any{table: map[string]any{"Keys": []any{key, map[string]any{"pk": av("S", "zz"), "sk": av("N", "1")}}, "AttributesToGet": []any{"v"}}}},
		"CreateTable": {"TableName": fmt.Sprintf("new-%d", g.r.IntN(1000)), "BillingMode": "PROVISIONED",
			"KeySchema":             []any{map[string]any{"AttributeName": "a", "KeyType": "HASH"}},
			"AttributeDefinitions":  []any{map[string]any{"AttributeName": "a", "AttributeType": "S"}},
			"ProvisionedThroughput": map[string]any{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
			"Tags":                  []any{map[string]any{"Key": "k", "Value": "v"}}},
		"DescribeTable":      {"TableName": "victim"},
		"UpdateTable":        {"TableName": "victim", "ProvisionedThroughput": map[string]any{"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}},
		"DeleteTable":        {"TableName": fmt.Sprintf("new-%d", g.r.IntN(1000))},
		"ListTables":         {"Limit": 5, "ExclusiveStartTableName": "a"},
		"TagResource":        {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/victim", "Tags": []any{map[string]any{"Key": "a", "Value": "b"}}},
		"UntagResource":      {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/victim", "TagKeys": []any{"a"}},
		"ListTagsOfResource": {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/victim"},
		"DescribeEndpoints":  {},
		"DescribeLimits":     {},
	}
}

var writeOps = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "BatchWriteItem": true}

func (g *gen) pick(names []string) string { return names[g.r.IntN(len(names))] }

func (g *gen) pickAny(vals []any) any { return vals[g.r.IntN(len(vals))] }

// next returns the next request.
func (g *gen) next() request {
	bases := g.baseRequests()
	names := make([]string, 0, len(bases))
	for n := range bases {
		names = append(names, n)
	}
	sort.Strings(names)
	name := g.pick(names)
	op, _, _ := strings.Cut(name, ".")
	base := bases[name]
	req := request{target: "DynamoDB_20120810." + op, write: writeOps[op]}
	valid, _ := json.Marshal(base)
	switch p := g.r.IntN(100); {
	case p < 55:
		mutated := g.mutate(base, 1+g.r.IntN(3))
		req.body, _ = json.Marshal(mutated)
	case p < 63:
		req.body = valid[:g.r.IntN(len(valid))]
	case p < 70:
		req.body = g.byteMutate(valid)
	case p < 74:
		req.body = g.randomBytes()
	case p < 80:
		req.body, _ = json.Marshal(g.deepen(base))
	case p < 86:
		req.body, _ = json.Marshal(g.huge(base))
	case p < 92:
		req.body = valid
		req.target = g.badTarget(op)
	default:
		req.body = []byte(g.pick(brokenJSON))
	}
	return req
}

var brokenJSON = []string{
	"", "{", "}", "[]", "null", "true", "1", `"str"`, "{,}", `{"TableName":}`, `{"TableName":"bad",}`,
	`{"TableName":"bad","Item":{"pk":{"S":"k0"},"sk":{"N":"1"}}`, `{"TableName":"bad" "Item":{}}`,
	"{\"TableName\":\"b\x00ad\"}", "{\"TableName\":\"\xff\xfe\"}", `{"TableName":"bad","Key":{"pk":{"S":"\ud800"}}}`,
	`{"TableName":"bad","Limit":1e400}`, `{"TableName":"bad","Limit":-1}`, `{"TableName":"bad","Limit":1.5}`,
	`{"TableName":"bad","Limit":99999999999999999999999}`, `{"TableName":"bad","TableName":"bad"}`,
	`{"__proto__":{"x":1}}`, strings.Repeat("[", 10000), strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
}

func (g *gen) badTarget(op string) string {
	return g.pick([]string{"", "DynamoDB_20120810.", "DynamoDB_20120810.NoSuchOperation", "DynamoDB_20111205." + op,
		"dynamodb_20120810." + op, op, "DynamoDB_20120810." + strings.ToLower(op), "DynamoDB_20120810." + op + " ",
		"DynamoDBStreams_20120810.NoSuch", strings.Repeat("X", 10000)})
}

func (g *gen) randomBytes() []byte {
	b := make([]byte, g.r.IntN(2000))
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

func (g *gen) byteMutate(b []byte) []byte {
	out := append([]byte(nil), b...)
	for range 1 + g.r.IntN(4) {
		if len(out) == 0 {
			break
		}
		i := g.r.IntN(len(out))
		switch g.r.IntN(3) {
		case 0:
			out[i] = byte(g.r.IntN(256))
		case 1:
			out = append(out[:i], out[i+1:]...)
		default:
			const chars = `{}[]":,\`
			out = append(out[:i], append([]byte{chars[g.r.IntN(len(chars))]}, out[i:]...)...)
		}
	}
	return out
}

// randomValue returns a JSON value of a random kind.
func (g *gen) randomValue() any {
	switch g.r.IntN(14) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return g.r.NormFloat64() * 1e6
	case 3:
		return -1
	case 4:
		return ""
	case 5:
		return g.pick([]string{"S", "N", "x", ":v", "#v", "ALL_NEW", "PAY_PER_REQUEST", "no-such-table", "1e999", "-0", "NaN", "\u0000", "é"})
	case 6:
		return []any{}
	case 7:
		return map[string]any{}
	case 8:
		return []any{g.randomAV(), 1, "x"}
	case 9:
		return g.randomAV()
	case 10:
		return map[string]any{"S": "a", "N": "1"}
	case 11:
		return strings.Repeat("x", 1+g.r.IntN(70_000))
	case 12:
		return map[string]any{g.pick([]string{"X", "s", "SS", "NULL", "BOOL", "M", "L"}): g.pickAny([]any{"1", false, nil, []any{}, map[string]any{}, 1})}
	default:
		return g.pickAny([]any{"a = :v", "SET", "REMOVE l[-1]", "ADD ss :ss, ss :ss", "#", ":", "size(", "a.b.c[99999999999]",
			"attribute_exists(pk) AND AND", "NOT NOT NOT x", "SET a = list_append(a)", "pk = :k AND sk = :a AND sk = :b", "((((((((((a))))))))))"})
	}
}

func (g *gen) randomAV() any {
	switch g.r.IntN(12) {
	case 0:
		return av("S", "s")
	case 1:
		return av("N", g.pick([]string{"1", "1e126", "1e-131", "abc", "", " 1", "0x10", "1234567890123456789012345678901234567890", "--1", "Infinity"}))
	case 2:
		return av("B", g.pick([]string{"AAEC", "not base64!", "", "====", "QQ"}))
	case 3:
		return map[string]any{"BOOL": g.pickAny([]any{true, "true", 1, nil})}
	case 4:
		return map[string]any{"NULL": g.pickAny([]any{true, false, "true", nil})}
	case 5:
		return map[string]any{"SS": g.pickAny([]any{[]any{}, []any{"a", "a"}, []any{1}, "a", nil})}
	case 6:
		return map[string]any{"NS": g.pickAny([]any{[]any{}, []any{"1", "1"}, []any{"x"}, []any{1}})}
	case 7:
		return map[string]any{"BS": g.pickAny([]any{[]any{}, []any{"AA==", "AA=="}, []any{"!!"}})}
	case 8:
		return map[string]any{"L": g.pickAny([]any{[]any{}, []any{map[string]any{}}, "x", map[string]any{}})}
	case 9:
		return map[string]any{"M": g.pickAny([]any{map[string]any{}, map[string]any{"a": "b"}, []any{}, map[string]any{"": av("S", "x")}})}
	case 10:
		return map[string]any{}
	default:
		return map[string]any{"Q": "x"}
	}
}

// mutate returns a deep copy of v with n random mutations.
func (g *gen) mutate(v map[string]any, n int) map[string]any {
	out := deepCopy(v).(map[string]any)
	for range n {
		g.mutateAt(out, 0)
	}
	return out
}

func (g *gen) mutateAt(node any, depth int) {
	switch x := node.(type) {
	case map[string]any:
		keys := sortedKeys(x)
		if len(keys) == 0 || g.r.IntN(4) == 0 {
			x[g.pick([]string{"Unknown", "TableName", "Item", "Key", "ReturnValues", "Select", "Limit", "ExpressionAttributeValues", "ExpressionAttributeNames", "ConditionExpression", ":x", "#x", "S"})] = g.randomValue()
			return
		}
		k := g.pick(keys)
		if depth > 0 && g.r.IntN(3) == 0 || g.r.IntN(6) == 0 {
			g.replace(x, k)
			return
		}
		if child, ok := x[k].(map[string]any); ok {
			g.mutateAt(child, depth+1)
			return
		}
		if child, ok := x[k].([]any); ok && len(child) > 0 {
			g.mutateAt(child, depth+1)
			return
		}
		g.replace(x, k)
	case []any:
		i := g.r.IntN(len(x))
		switch c := x[i].(type) {
		case map[string]any:
			g.mutateAt(c, depth+1)
		case []any:
			if len(c) > 0 {
				g.mutateAt(c, depth+1)
			}
		default:
			x[i] = g.randomValue()
		}
	}
}

// replace changes m[k]: deletes it, retypes it, or edits a string.
func (g *gen) replace(m map[string]any, k string) {
	switch s, isString := m[k].(string); {
	case g.r.IntN(4) == 0:
		delete(m, k)
	case isString && g.r.IntN(2) == 0:
		m[k] = g.editString(s)
	default:
		m[k] = g.randomValue()
	}
}

func (g *gen) editString(s string) string {
	b := []byte(s)
	for range 1 + g.r.IntN(3) {
		i := 0
		if len(b) > 0 {
			i = g.r.IntN(len(b) + 1)
		}
		tok := g.pick([]string{"(", ")", "#", ":", ".", "[", "]", "<", ">", "=", ",", " AND ", " OR ", " NOT ", "size", " ", "\x00", "é", "[0]", "9"})
		switch g.r.IntN(3) {
		case 0:
			b = append(b[:i], append([]byte(tok), b[i:]...)...)
		case 1:
			if i < len(b) {
				b = append(b[:i], b[i+1:]...)
			}
		default:
			b = b[:i]
		}
	}
	return string(b)
}

// deepen nests an attribute value 100 levels deep inside a request.
func (g *gen) deepen(v map[string]any) map[string]any {
	out := deepCopy(v).(map[string]any)
	var deep any = av("S", "leaf")
	kind := g.pick([]string{"M", "L"})
	for range 100 {
		if kind == "M" {
			deep = map[string]any{"M": map[string]any{"a": deep}}
		} else {
			deep = map[string]any{"L": []any{deep}}
		}
	}
	switch {
	case out["Item"] != nil:
		out["Item"].(map[string]any)["deep"] = deep
	case out["ExpressionAttributeValues"] != nil:
		out["ExpressionAttributeValues"].(map[string]any)[":deep"] = deep
	case out["Key"] != nil:
		out["Key"].(map[string]any)["pk"] = deep
	default:
		out["Deep"] = deep
	}
	return out
}

// huge puts an oversized value somewhere in a request.
func (g *gen) huge(v map[string]any) map[string]any {
	out := deepCopy(v).(map[string]any)
	big := strings.Repeat("x", 300_000+g.r.IntN(300_000))
	switch g.r.IntN(5) {
	case 0:
		out["TableName"] = big
	case 1:
		if it, ok := out["Item"].(map[string]any); ok {
			it["big"] = av("S", big)
			it["big2"] = av("B", strings.Repeat("QUFB", 40_000))
		} else {
			out["ConditionExpression"] = big
		}
	case 2:
		list := make([]any, 20_000)
		for i := range list {
			list[i] = av("N", "1")
		}
		out["ExpressionAttributeValues"] = map[string]any{":l": map[string]any{"L": list}}
	case 3:
		names := map[string]any{}
		for i := range 5000 {
			names[fmt.Sprintf("#n%d", i)] = "x"
		}
		out["ExpressionAttributeNames"] = names
	default:
		if k, ok := out["Key"].(map[string]any); ok {
			k["pk"] = av("S", strings.Repeat("k", 3000))
		} else {
			out["ProjectionExpression"] = strings.Repeat("a.", 50_000) + "a"
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
