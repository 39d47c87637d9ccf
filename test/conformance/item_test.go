package conformance

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func condItem() Item {
	return Item{
		"pk":  S("c"),
		"s":   S("hello"),
		"n":   N("5"),
		"l":   L(N("1"), S("a")),
		"m":   M(Item{"x": N("1"), "deep": M(Item{"y": S("z")})}),
		"ss":  SS("a", "b"),
		"ns":  NS("1", "2", "3"),
		"b":   B([]byte{1, 2, 3}),
		"t":   Bool(true),
		"nul": Null(),
		"e":   S(""),
	}
}

var condValues = Item{
	":S": S("S"), ":N": S("N"), ":SS": S("SS"), ":NULL": S("NULL"), ":BOOL": S("BOOL"), ":L": S("L"), ":M": S("M"), ":B": S("B"), ":NS": S("NS"),
	":hello": S("hello"), ":he": S("he"), ":ell": S("ell"), ":x": S("x"), ":a": S("a"), ":z": S("z"),
	":one": N("1"), ":two": N("2"), ":four": N("4"), ":five": N("5"), ":six": N("6"), ":eleven": N("11"),
	":true": Bool(true), ":b12": B([]byte{1, 2}), ":empty": S(""),
}

// usedValues returns the subset of condValues that expr mentions, since
// DynamoDB rejects unused ExpressionAttributeValues.
func usedValues(expr string) Item {
	out := Item{}
	for k, v := range condValues {
		if containsToken(expr, k) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func containsToken(expr, tok string) bool {
	for i := 0; i+len(tok) <= len(expr); i++ {
		if expr[i:i+len(tok)] != tok {
			continue
		}
		end := i + len(tok)
		if end == len(expr) || !isNameChar(expr[end]) {
			return true
		}
	}
	return false
}

func isNameChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func TestConditionExpressions(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	put(t, table, condItem())
	tests := []struct {
		expr  string
		names map[string]string
		want  bool
	}{
		{expr: "attribute_exists(s)", want: true},
		{expr: "attribute_exists(nope)", want: false},
		{expr: "attribute_not_exists(nope)", want: true},
		{expr: "attribute_not_exists(pk)", want: false},
		{expr: "attribute_exists(m.deep.y)", want: true},
		{expr: "attribute_exists(l[1])", want: true},
		{expr: "attribute_exists(l[2])", want: false},
		{expr: "attribute_type(s, :S)", want: true},
		{expr: "attribute_type(n, :S)", want: false},
		{expr: "attribute_type(n, :N)", want: true},
		{expr: "attribute_type(ss, :SS)", want: true},
		{expr: "attribute_type(ns, :NS)", want: true},
		{expr: "attribute_type(nul, :NULL)", want: true},
		{expr: "attribute_type(t, :BOOL)", want: true},
		{expr: "attribute_type(l, :L)", want: true},
		{expr: "attribute_type(m, :M)", want: true},
		{expr: "attribute_type(b, :B)", want: true},
		{expr: "begins_with(s, :he)", want: true},
		{expr: "begins_with(s, :x)", want: false},
		{expr: "begins_with(b, :b12)", want: true},
		{expr: "begins_with(n, :he)", want: false},
		{expr: "contains(s, :ell)", want: true},
		{expr: "contains(s, :x)", want: false},
		{expr: "contains(ss, :a)", want: true},
		{expr: "contains(ss, :z)", want: false},
		{expr: "contains(ns, :two)", want: true},
		{expr: "contains(l, :one)", want: true},
		{expr: "contains(l, :a)", want: true},
		{expr: "contains(l, :two)", want: false},
		{expr: "size(s) = :five", want: true},
		{expr: "size(l) = :two", want: true},
		{expr: "size(ss) > :one", want: true},
		{expr: "size(m) = :two", want: true},
		{expr: "size(b) = :six", want: false},
		{expr: "size(e) < :one", want: true},
		{expr: "n = :five", want: true},
		{expr: "n <> :four", want: true},
		{expr: "n <> :five", want: false},
		{expr: "n < :six", want: true},
		{expr: "n < :five", want: false},
		{expr: "n <= :five", want: true},
		{expr: "n > :four", want: true},
		{expr: "n > :five", want: false},
		{expr: "n >= :five", want: true},
		{expr: "n >= :six", want: false},
		{expr: "n > :eleven", want: false}, // numeric, not string, comparison
		{expr: "s > :he", want: true},
		{expr: "s < :he", want: false},
		{expr: "n BETWEEN :four AND :six", want: true},
		{expr: "n BETWEEN :six AND :eleven", want: false},
		{expr: "s IN (:x, :hello)", want: true},
		{expr: "s IN (:x, :a)", want: false},
		{expr: "n IN (:five)", want: true},
		{expr: "t = :true", want: true},
		{expr: "m.x = :one", want: true},
		{expr: "m.deep.y = :z", want: true},
		{expr: "l[0] = :one", want: true},
		{expr: "l[1] = :a", want: true},
		{expr: "#s = :hello", names: map[string]string{"#s": "s"}, want: true},
		{expr: "#m.#x = :one", names: map[string]string{"#m": "m", "#x": "x"}, want: true},
		{expr: "n > :he", want: false},             // type mismatch is false, not an error
		{expr: "s = :five", want: false},           // type mismatch
		{expr: "n BETWEEN :a AND :z", want: false}, // type mismatch
		{expr: "nope = :one", want: false},
		{expr: "NOT attribute_exists(nope)", want: true},
		{expr: "NOT n = :five", want: false},
		{expr: "attribute_exists(nope) AND attribute_exists(pk) OR n = :five", want: true},
		{expr: "attribute_exists(pk) OR attribute_exists(nope) AND n = :four", want: true},
		{expr: "(attribute_exists(pk) OR attribute_exists(nope)) AND n = :four", want: false},
		{expr: "NOT n = :four AND s = :x", want: false},
		{expr: "NOT (n = :four AND s = :x)", want: true},
		{expr: "s = :hello AND n = :five AND size(l) = :two", want: true},
		{expr: "s = :x OR n = :four OR size(l) = :two", want: true},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			in := &dynamodb.PutItemInput{TableName: &table, Item: condItem(), ConditionExpression: aws.String(tc.expr), ExpressionAttributeValues: usedValues(tc.expr)}
			if tc.names != nil {
				in.ExpressionAttributeNames = tc.names
			}
			_, err := db.PutItem(ctxT(t), in)
			if tc.want {
				if err != nil {
					t.Fatalf("condition should hold: %v", err)
				}
				return
			}
			wantAPIError(t, err, condFailed, condFailMsg)
			var ccf *types.ConditionalCheckFailedException
			if !errors.As(err, &ccf) {
				t.Fatalf("error %T is not *types.ConditionalCheckFailedException", err)
			}
		})
	}
}

func TestConditionOnMissingItem(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	ctx := ctxT(t)
	in := &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("new"), "v": N("1")}, ConditionExpression: aws.String("attribute_not_exists(pk)")}
	if _, err := db.PutItem(ctx, in); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	_, err := db.PutItem(ctx, in)
	wantAPIError(t, err, condFailed, condFailMsg)
	_, err = db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": S("absent")}, ConditionExpression: aws.String("attribute_exists(pk)")})
	wantAPIError(t, err, condFailed, condFailMsg)
	_, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: Item{"pk": S("absent")}, UpdateExpression: aws.String("SET v = :v"),
		ConditionExpression: aws.String("v = :v"), ExpressionAttributeValues: Item{":v": N("1")}})
	wantAPIError(t, err, condFailed, condFailMsg)
	if it := get(t, table, Item{"pk": S("absent")}); it != nil {
		t.Fatalf("failed conditional update created %s", showItem(it))
	}
}

func TestReturnValuesOnConditionCheckFailure(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	old := Item{"pk": S("k"), "v": N("1"), "s": S("x")}
	put(t, table, old)
	ctx := ctxT(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"PutItem", func() error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("k")}, ConditionExpression: aws.String("attribute_not_exists(pk)"),
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
			return err
		}},
		{"UpdateItem", func() error {
			_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: Item{"pk": S("k")}, UpdateExpression: aws.String("SET v = :two"),
				ConditionExpression: aws.String("v = :two"), ExpressionAttributeValues: Item{":two": N("2")},
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
			return err
		}},
		{"DeleteItem", func() error {
			_, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": S("k")}, ConditionExpression: aws.String("attribute_not_exists(v)"),
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ccf *types.ConditionalCheckFailedException
			if !errors.As(err, &ccf) {
				t.Fatalf("want ConditionalCheckFailedException, got %v", err)
			}
			wantItem(t, ccf.Item, old)
		})
	}
	t.Run("NONE returns no item", func(t *testing.T) {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("k")}, ConditionExpression: aws.String("attribute_not_exists(pk)")})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Fatalf("want ConditionalCheckFailedException, got %v", err)
		}
		if ccf.Item != nil {
			t.Fatalf("item returned without ALL_OLD: %s", showItem(ccf.Item))
		}
	})
	wantItem(t, get(t, table, Item{"pk": S("k")}), old)
}

func TestExpressionErrors(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	put(t, table, Item{"pk": S("k"), "a": N("1")})
	key := Item{"pk": S("k")}
	tests := []struct {
		name   string
		cond   string
		update string
		names  map[string]string
		values Item
		msg    string
		has    string
	}{
		{name: "undefined value", cond: "a = :nope", msg: "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{name: "undefined name", cond: "#nope = :v", values: Item{":v": N("1")}, msg: "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{name: "unused value", cond: "a = :v", values: Item{":v": N("1"), ":unused": N("2")}, msg: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"},
		{name: "unused name", cond: "a = :v", values: Item{":v": N("1")}, names: map[string]string{"#unused": "x"}, msg: "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"},
		{name: "syntax error", cond: "a = = :v", values: Item{":v": N("1")}, has: "Invalid ConditionExpression: Syntax error; token:"},
		{name: "unknown function", cond: "foo(a)", msg: "Invalid ConditionExpression: Invalid function name; function: foo"},
		{name: "bad attribute type", cond: "attribute_type(a, :t)", values: Item{":t": S("X")}, msg: "Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{name: "reserved word", cond: "name = :v", values: Item{":v": N("1")}, msg: "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{name: "update key attribute", update: "SET pk = :v", values: Item{":v": S("x")}, msg: "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{name: "overlapping paths", update: "SET a = :v REMOVE a", values: Item{":v": N("1")}, has: "Invalid UpdateExpression: Two document paths overlap with each other"},
		{name: "ADD to a string", update: "ADD a :v", values: Item{":v": S("x")}, has: "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{name: "update syntax error", update: "SET", has: "Invalid UpdateExpression: Syntax error; token:"},
		{name: "empty update", update: "", msg: "Invalid UpdateExpression: The expression can not be empty;"},
		{name: "values without expression", update: "-", values: Item{":v": N("1")}, msg: "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &dynamodb.UpdateItemInput{TableName: &table, Key: key, ExpressionAttributeValues: tc.values}
			if tc.names != nil {
				in.ExpressionAttributeNames = tc.names
			}
			switch {
			case tc.update == "-":
			case tc.cond != "":
				in.ConditionExpression = aws.String(tc.cond)
				in.UpdateExpression = aws.String("SET touched = a")
			default:
				in.UpdateExpression = aws.String(tc.update)
			}
			_, err := db.UpdateItem(ctxT(t), in)
			if tc.msg != "" {
				wantAPIError(t, err, validation, tc.msg)
			} else {
				wantAPIErrorContains(t, err, validation, tc.has)
			}
		})
	}
	wantItem(t, get(t, table, key), Item{"pk": S("k"), "a": N("1")})
}

func TestUpdateExpressions(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	base := func() Item {
		return Item{"pk": S("u"), "n": N("10"), "s": S("str"), "l": L(N("1"), N("2"), N("3")),
			"m": M(Item{"a": N("1")}), "ss": SS("a", "b"), "ns": NS("1", "2"), "bs": BS([]byte{1}, []byte{2}), "f": N("0.1")}
	}
	with := func(changes Item, removed ...string) Item {
		it := base()
		for k, v := range changes {
			it[k] = v
		}
		for _, k := range removed {
			delete(it, k)
		}
		return it
	}
	tests := []struct {
		name   string
		update string
		names  map[string]string
		values Item
		want   Item
		err    string // exact ValidationException message
		// numeric names an attribute compared by value, not spelling.
		numeric string
	}{
		{name: "set new", update: "SET x = :v", values: Item{":v": S("new")}, want: with(Item{"x": S("new")})},
		{name: "set replace", update: "SET s = :v", values: Item{":v": N("7")}, want: with(Item{"s": N("7")})},
		{name: "exact decimal add", update: "SET f = f + :v", values: Item{":v": N("0.2")}, want: with(Item{"f": N("0.3")})},
		{name: "subtract", update: "SET n = n - :v", values: Item{":v": N("25")}, want: with(Item{"n": N("-15")})},
		{name: "two operands", update: "SET x = :a + :b", values: Item{":a": N("1.5"), ":b": N("2.25")}, want: with(Item{"x": N("3.75")})},
		{name: "38 digits", update: "SET x = :a + :b", values: Item{":a": N("12345678901234567890123456789012345678"), ":b": N("1")},
			want: with(Item{"x": N("12345678901234567890123456789012345679")})},
		{name: "tiny", update: "SET x = :a + :b", values: Item{":a": N("1E-130"), ":b": N("1E-130")}, want: with(Item{"x": N("2E-130")}), numeric: "x"},
		{name: "overflow", update: "SET x = :a + :a", values: Item{":a": N("9.9999999999999999999999999999999999999E+125")},
			err: "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{name: "if_not_exists missing", update: "SET x = if_not_exists(x, :v)", values: Item{":v": N("3")}, want: with(Item{"x": N("3")})},
		{name: "if_not_exists present", update: "SET n = if_not_exists(n, :v)", values: Item{":v": N("3")}, want: base()},
		{name: "counter init", update: "SET c = if_not_exists(c, :z) + :one", values: Item{":z": N("0"), ":one": N("1")}, want: with(Item{"c": N("1")})},
		{name: "list_append end", update: "SET l = list_append(l, :v)", values: Item{":v": L(N("4"))}, want: with(Item{"l": L(N("1"), N("2"), N("3"), N("4"))})},
		{name: "list_append front", update: "SET l = list_append(:v, l)", values: Item{":v": L(S("0"))}, want: with(Item{"l": L(S("0"), N("1"), N("2"), N("3"))})},
		{name: "set list element", update: "SET l[1] = :v", values: Item{":v": S("two")}, want: with(Item{"l": L(N("1"), S("two"), N("3"))})},
		{name: "set past list end appends", update: "SET l[10] = :v", values: Item{":v": N("9")}, want: with(Item{"l": L(N("1"), N("2"), N("3"), N("9"))})},
		{name: "set nested map", update: "SET m.b = :v, m.c = :w", values: Item{":v": N("2"), ":w": L()}, want: with(Item{"m": M(Item{"a": N("1"), "b": N("2"), "c": L()})})},
		{name: "set with names", update: "SET #k = :v", names: map[string]string{"#k": "a.b"}, values: Item{":v": N("1")}, want: with(Item{"a.b": N("1")})},
		{name: "copy attribute", update: "SET x = s", want: with(Item{"x": S("str")})},
		{name: "remove", update: "REMOVE s, m.a", want: with(Item{"m": M(Item{})}, "s")},
		{name: "remove list index", update: "REMOVE l[0], l[2]", want: with(Item{"l": L(N("2"))})},
		{name: "remove missing", update: "REMOVE nope", want: base()},
		{name: "add number", update: "ADD n :v", values: Item{":v": N("-0.5")}, want: with(Item{"n": N("9.5")})},
		{name: "add new number", update: "ADD x :v", values: Item{":v": N("4")}, want: with(Item{"x": N("4")})},
		{name: "add string set", update: "ADD ss :v", values: Item{":v": SS("b", "c")}, want: with(Item{"ss": SS("a", "b", "c")})},
		{name: "add number set", update: "ADD ns :v", values: Item{":v": NS("3")}, want: with(Item{"ns": NS("1", "2", "3")})},
		{name: "add new set", update: "ADD x :v", values: Item{":v": BS([]byte{9})}, want: with(Item{"x": BS([]byte{9})})},
		{name: "delete from set", update: "DELETE ss :v", values: Item{":v": SS("a", "z")}, want: with(Item{"ss": SS("b")})},
		{name: "delete all of set", update: "DELETE ns :v", values: Item{":v": NS("1", "2")}, want: with(nil, "ns")},
		{name: "delete binary", update: "DELETE bs :v", values: Item{":v": BS([]byte{1})}, want: with(Item{"bs": BS([]byte{2})})},
		{name: "all clauses", update: "SET x = :v REMOVE s ADD n :one DELETE ss :a", values: Item{":v": S("x"), ":one": N("1"), ":a": SS("a")},
			want: with(Item{"x": S("x"), "n": N("11"), "ss": SS("b")}, "s")},
		{name: "add to string", update: "ADD s :v", values: Item{":v": N("1")}, err: "An operand in the update expression has an incorrect data type"},
		{name: "arithmetic on string", update: "SET s = s + :v", values: Item{":v": N("1")}, err: "An operand in the update expression has an incorrect data type"},
		{name: "list_append on non-list", update: "SET s = list_append(s, :v)", values: Item{":v": L(N("1"))}, err: "An operand in the update expression has an incorrect data type"},
		{name: "arithmetic on missing", update: "SET x = nope + :v", values: Item{":v": N("1")}, err: "The provided expression refers to an attribute that does not exist in the item"},
		{name: "nested under missing", update: "SET nope.a = :v", values: Item{":v": N("1")}, err: "The document path provided in the update expression is invalid for update"},
		{name: "delete with wrong set type", update: "DELETE ss :v", values: Item{":v": NS("1")}, err: "An operand in the update expression has an incorrect data type"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := Item{"pk": S(tc.name)}
			start := base()
			start["pk"] = key["pk"]
			put(t, table, start)
			in := &dynamodb.UpdateItemInput{TableName: &table, Key: key, UpdateExpression: aws.String(tc.update),
				ExpressionAttributeValues: tc.values, ReturnValues: types.ReturnValueAllNew}
			if tc.names != nil {
				in.ExpressionAttributeNames = tc.names
			}
			out, err := db.UpdateItem(ctxT(t), in)
			if tc.err != "" {
				wantAPIError(t, err, validation, tc.err)
				wantItem(t, get(t, table, key), start)
				return
			}
			if err != nil {
				t.Fatalf("UpdateItem %q (case %d): %v", tc.update, i, err)
			}
			want := tc.want
			want["pk"] = key["pk"]
			if tc.numeric != "" {
				if !sameNumbers(out.Attributes[tc.numeric], want[tc.numeric]) {
					t.Fatalf("%s = %s, want %s", tc.numeric, show(out.Attributes[tc.numeric]), show(want[tc.numeric]))
				}
				out.Attributes[tc.numeric] = want[tc.numeric]
				stored := get(t, table, key)
				stored[tc.numeric] = want[tc.numeric]
				wantItem(t, stored, want)
				return
			}
			wantItem(t, out.Attributes, want)
			wantItem(t, get(t, table, key), want)
		})
	}
	t.Run("upsert", func(t *testing.T) {
		key := Item{"pk": S("upsert")}
		_, err := db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: key, UpdateExpression: aws.String("ADD c :one"),
			ExpressionAttributeValues: Item{":one": N("1")}})
		if err != nil {
			t.Fatalf("UpdateItem on a missing item: %v", err)
		}
		wantItem(t, get(t, table, key), Item{"pk": S("upsert"), "c": N("1")})
	})
}

func TestReturnValues(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	old := func(k string) Item { return Item{"pk": S(k), "a": N("1"), "b": N("2")} }
	updateCases := []struct {
		rv   types.ReturnValue
		want func(k string) Item
	}{
		{types.ReturnValueNone, func(string) Item { return nil }},
		{types.ReturnValueAllOld, old},
		{types.ReturnValueUpdatedOld, func(string) Item { return Item{"a": N("1")} }},
		{types.ReturnValueAllNew, func(k string) Item { return Item{"pk": S(k), "a": N("9"), "b": N("2"), "c": N("3")} }},
		{types.ReturnValueUpdatedNew, func(string) Item { return Item{"a": N("9"), "c": N("3")} }},
	}
	for _, tc := range updateCases {
		t.Run("UpdateItem "+string(tc.rv), func(t *testing.T) {
			k := "u" + string(tc.rv)
			put(t, table, old(k))
			out, err := db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: Item{"pk": S(k)},
				UpdateExpression: aws.String("SET a = :nine, c = :three"), ExpressionAttributeValues: Item{":nine": N("9"), ":three": N("3")}, ReturnValues: tc.rv})
			if err != nil {
				t.Fatalf("UpdateItem: %v", err)
			}
			if want := tc.want(k); want == nil {
				if len(out.Attributes) != 0 {
					t.Fatalf("ReturnValues NONE returned %s", showItem(out.Attributes))
				}
			} else {
				wantItem(t, out.Attributes, want)
			}
		})
	}
	t.Run("PutItem ALL_OLD", func(t *testing.T) {
		put(t, table, old("p"))
		out, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("p")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatalf("PutItem: %v", err)
		}
		wantItem(t, out.Attributes, old("p"))
		out, err = db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("fresh")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatalf("PutItem: %v", err)
		}
		if len(out.Attributes) != 0 {
			t.Fatalf("ALL_OLD on a new item returned %s", showItem(out.Attributes))
		}
	})
	t.Run("PutItem ALL_NEW rejected", func(t *testing.T) {
		_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("p")}, ReturnValues: types.ReturnValueAllNew})
		wantAPIError(t, err, validation, "ReturnValues can only be ALL_OLD or NONE")
	})
	t.Run("DeleteItem ALL_OLD", func(t *testing.T) {
		put(t, table, old("d"))
		out, err := db.DeleteItem(ctxT(t), &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": S("d")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatalf("DeleteItem: %v", err)
		}
		wantItem(t, out.Attributes, old("d"))
		if it := get(t, table, Item{"pk": S("d")}); it != nil {
			t.Fatalf("deleted item still there: %s", showItem(it))
		}
		out, err = db.DeleteItem(ctxT(t), &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": S("d")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatalf("DeleteItem of a missing item: %v", err)
		}
		if len(out.Attributes) != 0 {
			t.Fatalf("DeleteItem of a missing item returned %s", showItem(out.Attributes))
		}
	})
	t.Run("DeleteItem ALL_NEW rejected", func(t *testing.T) {
		_, err := db.DeleteItem(ctxT(t), &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": S("d")}, ReturnValues: types.ReturnValueAllNew})
		wantAPIError(t, err, validation, "ReturnValues can only be ALL_OLD or NONE")
	})
}

func TestProjectionExpression(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	item := Item{"pk": S("p"), "a": M(Item{"b": M(Item{"c": N("1"), "d": N("2")}), "e": S("e")}),
		"l": L(N("10"), N("20"), M(Item{"x": N("1"), "y": N("2")})), "s": S("x"), "other": S("o")}
	put(t, table, item)
	tests := []struct {
		proj  string
		names map[string]string
		want  Item
	}{
		{proj: "s", want: Item{"s": S("x")}},
		{proj: "a.b.c", want: Item{"a": M(Item{"b": M(Item{"c": N("1")})})}},
		{proj: "a.b.c, a.e", want: Item{"a": M(Item{"b": M(Item{"c": N("1")}), "e": S("e")})}},
		{proj: "l[1]", want: Item{"l": L(N("20"))}},
		{proj: "l[1], l[2].x", want: Item{"l": L(N("20"), M(Item{"x": N("1")}))}},
		{proj: "l[5], nope, a.nope", want: Item{}},
		{proj: "#o, pk", names: map[string]string{"#o": "other"}, want: Item{"other": S("o"), "pk": S("p")}},
	}
	for _, tc := range tests {
		t.Run(tc.proj, func(t *testing.T) {
			in := &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("p")}, ProjectionExpression: aws.String(tc.proj), ConsistentRead: aws.Bool(true)}
			if tc.names != nil {
				in.ExpressionAttributeNames = tc.names
			}
			out, err := db.GetItem(ctxT(t), in)
			if err != nil {
				t.Fatalf("GetItem: %v", err)
			}
			if len(tc.want) == 0 {
				if len(out.Item) != 0 {
					t.Fatalf("got %s, want no attributes", showItem(out.Item))
				}
				return
			}
			wantItem(t, out.Item, tc.want)
		})
	}
	t.Run("unused name", func(t *testing.T) {
		_, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("p")}, ProjectionExpression: aws.String("s"),
			ExpressionAttributeNames: map[string]string{"#x": "x"}})
		wantAPIError(t, err, validation, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}")
	})
	t.Run("overlap", func(t *testing.T) {
		_, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("p")}, ProjectionExpression: aws.String("a, a.b")})
		wantAPIErrorContains(t, err, validation, "Invalid ProjectionExpression: Two document paths overlap with each other")
	})
}

func TestKeyValidation(t *testing.T) {
	t.Parallel()
	table := createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, &keySpec{"sk", types.ScalarAttributeTypeN})
	const schemaMsg = "The provided key element does not match the schema"
	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"get missing sort key", func() error {
			_, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("a")}})
			return err
		}, validation, schemaMsg},
		{"get extra attribute", func() error {
			_, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("a"), "sk": N("1"), "x": S("y")}})
			return err
		}, validation, schemaMsg},
		{"get wrong key type", func() error {
			_, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: &table, Key: Item{"pk": S("a"), "sk": S("1")}})
			return err
		}, validation, schemaMsg},
		{"delete wrong key type", func() error {
			_, err := db.DeleteItem(ctxT(t), &dynamodb.DeleteItemInput{TableName: &table, Key: Item{"pk": N("1"), "sk": N("1")}})
			return err
		}, validation, schemaMsg},
		{"put missing key", func() error {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("a"), "x": S("y")}})
			return err
		}, validation, "One or more parameter values were invalid: Missing the key sk in the item"},
		{"put wrong key type", func() error {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: &table, Item: Item{"pk": S("a"), "sk": S("1")}})
			return err
		}, validation, "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S"},
		{"put to missing table", func() error {
			_, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: aws.String("no-such-table"), Item: Item{"pk": S("a")}})
			return err
		}, notFound, "Requested resource not found"},
		{"update missing key", func() error {
			_, err := db.UpdateItem(ctxT(t), &dynamodb.UpdateItemInput{TableName: &table, Key: Item{"sk": N("1")}, UpdateExpression: aws.String("REMOVE x")})
			return err
		}, validation, schemaMsg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, tc.call(), tc.code, tc.msg)
		})
	}
}

func TestGetMissingItem(t *testing.T) {
	t.Parallel()
	table := hashTable(t)
	if it := get(t, table, Item{"pk": S("nothing")}); it != nil {
		t.Fatalf("GetItem of a missing item returned %s", showItem(it))
	}
}
