package partition

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

var (
	hashRangeN = schema.KeySchema{
		Hash:  schema.KeyAttr{Name: "pk", Type: attr.TypeS},
		Range: schema.KeyAttr{Name: "sk", Type: attr.TypeN},
	}
	hashRangeS = schema.KeySchema{
		Hash:  schema.KeyAttr{Name: "pk", Type: attr.TypeS},
		Range: schema.KeyAttr{Name: "sk", Type: attr.TypeS},
	}
	hashOnly = schema.KeySchema{Hash: schema.KeyAttr{Name: "id", Type: attr.TypeS}}
)

func num(s string) attr.Value { return attr.Value{T: attr.TypeN, S: s} }

// item builds an item from name, value pairs.
func item(kv ...any) attr.Item {
	it := attr.Item{}
	for i := 0; i < len(kv); i += 2 {
		it[kv[i].(string)] = kv[i+1].(attr.Value)
	}
	return it
}

func openMemDB(t testing.TB, fs vfs.FS) *pebble.DB {
	t.Helper()
	db, err := pebble.Open("db", &pebble.Options{FS: fs, Logger: testLogger{t}})
	if err != nil {
		t.Fatalf("pebble.Open: %v", err)
	}
	return db
}

// testLogger sends Pebble's messages to the test log.
type testLogger struct{ t testing.TB }

func (l testLogger) Infof(format string, args ...any)  {}
func (l testLogger) Errorf(format string, args ...any) { l.t.Logf(format, args...) }
func (l testLogger) Fatalf(format string, args ...any) { l.t.Fatalf(format, args...) }

func newPartition(t testing.TB, key schema.KeySchema) *Partition {
	t.Helper()
	db := openMemDB(t, vfs.NewMem())
	t.Cleanup(func() { db.Close() })
	p, err := Open(db, 7, key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return p
}

// applyOne applies cmd at the next index and returns its result.
func applyOne(t testing.TB, p *Partition, cmd *Command) Result {
	t.Helper()
	res, err := p.ApplyBatch(p.AppliedIndex()+1, []*Command{cmd})
	if err != nil {
		t.Fatalf("ApplyBatch: %v", err)
	}
	return res[0]
}

func mustApply(t testing.TB, p *Partition, cmds ...*Command) {
	t.Helper()
	res, err := p.ApplyBatch(p.AppliedIndex()+1, cmds)
	if err != nil {
		t.Fatalf("ApplyBatch: %v", err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("command %d: %v", i, r.Err)
		}
	}
}

func put(it attr.Item) *Command { return &Command{Op: OpPut, Item: it} }

// itemsEqual compares items the DynamoDB way; nil and empty are equal.
func itemsEqual(a, b attr.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !attr.Equal(v, w) {
			return false
		}
	}
	return true
}

// show renders an item deterministically for failure messages.
func show(it attr.Item) string {
	if it == nil {
		return "<nil>"
	}
	keys := make([]string, 0, len(it))
	for k := range it {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := it[k]
		parts[i] = fmt.Sprintf("%s:%s=%s%x", k, v.T, v.S, v.B)
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func errKind(err error) string {
	if err == nil {
		return "ok"
	}
	var kinds = map[dberr.Kind]string{
		dberr.Validation:             "validation",
		dberr.ConditionalCheckFailed: "conditional",
		dberr.Internal:               "internal",
	}
	if k, ok := kinds[dberr.As(err).Kind]; ok {
		return k
	}
	return fmt.Sprintf("kind%d", dberr.As(err).Kind)
}

func parseCond(t testing.TB, s string, values map[string]attr.Value) *expr.Condition {
	t.Helper()
	c, err := expr.ParseCondition("FilterExpression", s, expr.NewEnv(nil, values))
	if err != nil {
		t.Fatalf("ParseCondition(%q): %v", s, err)
	}
	return c
}
