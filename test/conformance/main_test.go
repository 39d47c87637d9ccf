package conformance

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/flotilla-db/flotilla/test/harness"
)

// db is the client of the one server all tests in this package share.
var db *dynamodb.Client

// TestMain starts the shared flotilla server. Setting CONFORMANCE_ENDPOINT
// runs the suite against another DynamoDB endpoint instead, which is how the
// expectations themselves are checked against DynamoDB.
func TestMain(m *testing.M) {
	if ep := os.Getenv("CONFORMANCE_ENDPOINT"); ep != "" {
		db = harness.NewClient(ep)
		os.Exit(m.Run())
	}
	srv, stop, err := harness.StartMain("")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	db = srv.Client()
	code := m.Run()
	stop()
	os.Exit(code)
}

// Item is a DynamoDB item as the SDK represents it.
type Item = map[string]types.AttributeValue

var tableSeq atomic.Int64

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// tableName returns a table name unique to this test and call.
func tableName(t *testing.T) string {
	name := unsafeName.ReplaceAllString(t.Name(), "_")
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	return fmt.Sprintf("%s.%d", name, tableSeq.Add(1))
}

func ctxT(t *testing.T) context.Context { return harness.Context(t, 60*time.Second) }

// Attribute value constructors.
func S(v string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: v} }
func N(v string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: v} }
func B(v []byte) types.AttributeValue  { return &types.AttributeValueMemberB{Value: v} }
func Bool(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }
func Null() types.AttributeValue       { return &types.AttributeValueMemberNULL{Value: true} }
func L(v ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: v}
}
func M(v Item) types.AttributeValue       { return &types.AttributeValueMemberM{Value: v} }
func SS(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
func NS(v ...string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: v} }
func BS(v ...[]byte) types.AttributeValue { return &types.AttributeValueMemberBS{Value: v} }

// keySpec describes one key attribute of a table to create.
type keySpec struct {
	name string
	typ  types.ScalarAttributeType
}

// createTable creates an on-demand table with the given hash (and optional
// range) key and waits until it is ACTIVE. The table is deleted when the
// test ends.
func createTable(t *testing.T, hash keySpec, rng *keySpec) string {
	t.Helper()
	name := tableName(t)
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   []types.KeySchemaElement{{AttributeName: aws.String(hash.name), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(hash.name), AttributeType: hash.typ},
		},
	}
	if rng != nil {
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(rng.name), KeyType: types.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(rng.name), AttributeType: rng.typ})
	}
	mustCreate(t, in)
	return name
}

// hashTable creates a table keyed by pk (S).
func hashTable(t *testing.T) string {
	return createTable(t, keySpec{"pk", types.ScalarAttributeTypeS}, nil)
}

// mustCreate runs CreateTable, waits for ACTIVE and schedules deletion.
func mustCreate(t *testing.T, in *dynamodb.CreateTableInput) *types.TableDescription {
	t.Helper()
	ctx := ctxT(t)
	out, err := db.CreateTable(ctx, in)
	if err != nil {
		t.Fatalf("CreateTable %s: %v", aws.ToString(in.TableName), err)
	}
	waitActive(t, aws.ToString(in.TableName))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: in.TableName, DeletionProtectionEnabled: aws.Bool(false)})
		_, _ = db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: in.TableName})
	})
	return out.TableDescription
}

func waitActive(t *testing.T, name string) {
	t.Helper()
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = 500 * time.Millisecond
	})
	if err := w.Wait(ctxT(t), &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for table %s to exist: %v", name, err)
	}
}

// put writes items, failing the test on error.
func put(t *testing.T, table string, items ...Item) {
	t.Helper()
	for _, it := range items {
		if _, err := db.PutItem(ctxT(t), &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
			t.Fatalf("PutItem %s: %v", show(M(it)), err)
		}
	}
}

// get reads one item with a strongly consistent read (nil if absent).
func get(t *testing.T, table string, key Item) Item {
	t.Helper()
	out, err := db.GetItem(ctxT(t), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem %s: %v", show(M(key)), err)
	}
	return out.Item
}

// wantAPIError checks err is a DynamoDB error with the given code and, when
// msg is not empty, exactly that message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("want %s %q, got %v", code, msg, err)
	}
	if api.ErrorCode() != code || (msg != "" && api.ErrorMessage() != msg) {
		t.Fatalf("want %s %q,\n got %s %q", code, msg, api.ErrorCode(), api.ErrorMessage())
	}
}

// wantAPIErrorContains checks err is a DynamoDB error with the given code
// whose message contains every one of parts.
func wantAPIErrorContains(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("want %s containing %q, got %v", code, parts, err)
	}
	if api.ErrorCode() != code {
		t.Fatalf("want %s containing %q,\n got %s %q", code, parts, api.ErrorCode(), api.ErrorMessage())
	}
	for _, p := range parts {
		if !strings.Contains(api.ErrorMessage(), p) {
			t.Fatalf("want %s containing %q,\n got %s %q", code, p, api.ErrorCode(), api.ErrorMessage())
		}
	}
}

const (
	validation  = "ValidationException"
	condFailed  = "ConditionalCheckFailedException"
	notFound    = "ResourceNotFoundException"
	inUse       = "ResourceInUseException"
	condFailMsg = "The conditional request failed"
)

// show renders an attribute value canonically: sets sorted, maps by key, so
// two renderings are equal exactly when the values are equal to DynamoDB.
func show(v types.AttributeValue) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case *types.AttributeValueMemberS:
		if len(x.Value) > 64 {
			return fmt.Sprintf("S:%q...(%d bytes)", x.Value[:32], len(x.Value))
		}
		return fmt.Sprintf("S:%q", x.Value)
	case *types.AttributeValueMemberN:
		return "N:" + x.Value
	case *types.AttributeValueMemberB:
		return "B:" + base64.StdEncoding.EncodeToString(x.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("BOOL:%v", x.Value)
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberSS:
		return "SS:" + sortedJoin(x.Value, func(s string) string { return fmt.Sprintf("%q", s) })
	case *types.AttributeValueMemberNS:
		return "NS:" + sortedJoin(x.Value, func(s string) string { return s })
	case *types.AttributeValueMemberBS:
		parts := make([]string, len(x.Value))
		for i, b := range x.Value {
			parts[i] = base64.StdEncoding.EncodeToString(b)
		}
		return "BS:" + sortedJoin(parts, func(s string) string { return s })
	case *types.AttributeValueMemberL:
		parts := make([]string, len(x.Value))
		for i, e := range x.Value {
			parts[i] = show(e)
		}
		return "L:[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberM:
		return "M:" + showItem(x.Value)
	default:
		return fmt.Sprintf("%T", v)
	}
}

func showItem(it Item) string {
	if it == nil {
		return "<no item>"
	}
	keys := make([]string, 0, len(it))
	for k := range it {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%q=%s", k, show(it[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func sortedJoin(vals []string, f func(string) string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = f(v)
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

// wantItem compares items canonically.
func wantItem(t *testing.T, got, want Item) {
	t.Helper()
	if showItem(got) != showItem(want) {
		t.Fatalf("item mismatch\n got %s\nwant %s", showItem(got), showItem(want))
	}
}

// poll calls f until it returns true or the deadline passes.
func poll(t *testing.T, timeout time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

type apiError struct{ code, msg string }

// apiErr extracts a DynamoDB error's code and message.
func apiErr(err error) (apiError, bool) {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return apiError{}, false
	}
	return apiError{api.ErrorCode(), api.ErrorMessage()}, true
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}

// canonNumber spells a decimal number canonically (no exponent games, no
// trailing zeros) so numbers can be compared by value.
func canonNumber(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		fmt.Sscan(s[i+1:], &exp)
		s = s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	exp += len(intPart)
	trimmed := strings.TrimLeft(digits, "0")
	exp -= len(digits) - len(trimmed)
	trimmed = strings.TrimRight(trimmed, "0")
	if trimmed == "" {
		return "0"
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s0.%se%d", sign, trimmed, exp)
}
