package partition

import (
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// TestApplySequence runs one scenario step by step on one partition: every
// step checks the command's result, the stored item and the statistics.
func TestApplySequence(t *testing.T) {
	key := item("pk", attr.Str("a"), "sk", num("1"))
	v1 := item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("one"))
	v2 := item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("two"), "n", num("5"))
	vals := func(kv ...any) map[string]attr.Value { return map[string]attr.Value(item(kv...)) }
	steps := []struct {
		name       string
		cmd        *Command
		wantErr    string
		wantAttrs  attr.Item
		wantErrOld attr.Item
		wantStored attr.Item
	}{
		{
			name:       "put new returns no old item",
			cmd:        &Command{Op: OpPut, Item: v1, ReturnValues: ReturnAllOld},
			wantErr:    "ok",
			wantStored: v1,
		},
		{
			name:       "put not-exists condition fails with old item",
			cmd:        &Command{Op: OpPut, Item: v2, Condition: "attribute_not_exists(pk)", ReturnOldOnConditionFailure: true},
			wantErr:    "conditional",
			wantErrOld: v1,
			wantStored: v1,
		},
		{
			name:       "put failed condition without old item",
			cmd:        &Command{Op: OpPut, Item: v2, Condition: "attribute_not_exists(pk)"},
			wantErr:    "conditional",
			wantStored: v1,
		},
		{
			name: "put overwrite with condition returns ALL_OLD",
			cmd: &Command{Op: OpPut, Item: v2, Condition: "x = :x", Values: vals(":x", attr.Str("one")),
				ReturnValues: ReturnAllOld},
			wantErr:    "ok",
			wantAttrs:  v1,
			wantStored: v2,
		},
		{
			name: "update UPDATED_OLD",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "SET x = :x", Values: vals(":x", attr.Str("three")),
				ReturnValues: ReturnUpdatedOld},
			wantErr:    "ok",
			wantAttrs:  item("x", attr.Str("two")),
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("three"), "n", num("5")),
		},
		{
			name: "update ADD UPDATED_NEW",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "ADD n :d", Values: vals(":d", num("2.5")),
				ReturnValues: ReturnUpdatedNew},
			wantErr:    "ok",
			wantAttrs:  item("n", num("7.5")),
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("three"), "n", num("7.5")),
		},
		{
			name: "update ALL_NEW with #name",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "REMOVE #x", Names: map[string]string{"#x": "x"},
				ReturnValues: ReturnAllNew},
			wantErr:    "ok",
			wantAttrs:  item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5")),
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5")),
		},
		{
			name: "update UPDATED_NEW of removed attribute is empty",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "REMOVE x",
				ReturnValues: ReturnUpdatedNew},
			wantErr:    "ok",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5")),
		},
		{
			name: "update ALL_OLD",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "SET y = :y", Values: vals(":y", attr.Bool(true)),
				ReturnValues: ReturnAllOld},
			wantErr:    "ok",
			wantAttrs:  item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5")),
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name: "update with wrong operand type changes nothing",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "ADD y :d", Values: vals(":d", num("1")),
				ReturnValues: ReturnAllNew},
			wantErr:    "validation",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name: "update failing condition changes nothing",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "SET n = :d", Condition: "n > :d",
				Values: vals(":d", num("100"))},
			wantErr:    "conditional",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name:       "update of a key attribute is rejected",
			cmd:        &Command{Op: OpUpdate, Item: key, Update: "SET sk = :d", Values: vals(":d", num("2"))},
			wantErr:    "validation",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name:       "delete with failing condition",
			cmd:        &Command{Op: OpDelete, Item: key, Condition: "attribute_not_exists(n)", ReturnOldOnConditionFailure: true},
			wantErr:    "conditional",
			wantErrOld: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name:      "delete returns ALL_OLD",
			cmd:       &Command{Op: OpDelete, Item: key, ReturnValues: ReturnAllOld},
			wantErr:   "ok",
			wantAttrs: item("pk", attr.Str("a"), "sk", num("1"), "n", num("7.5"), "y", attr.Bool(true)),
		},
		{
			name:    "delete of a missing item succeeds",
			cmd:     &Command{Op: OpDelete, Item: key, ReturnValues: ReturnAllOld},
			wantErr: "ok",
		},
		{
			name:    "delete of a missing item with exists condition fails",
			cmd:     &Command{Op: OpDelete, Item: key, Condition: "attribute_exists(pk)", ReturnOldOnConditionFailure: true},
			wantErr: "conditional",
		},
		{
			name:       "update of a missing item with empty expression creates the key",
			cmd:        &Command{Op: OpUpdate, Item: key, ReturnValues: ReturnAllNew},
			wantErr:    "ok",
			wantAttrs:  key,
			wantStored: key,
		},
		{
			name:       "delete the key-only item",
			cmd:        &Command{Op: OpDelete, Item: key},
			wantErr:    "ok",
			wantStored: nil,
		},
		{
			name: "update of a missing item creates it",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "SET x = :x", Values: vals(":x", attr.Str("new")),
				ReturnValues: ReturnUpdatedOld},
			wantErr:    "ok",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("new")),
		},
		{
			name: "update past 400 KB is rejected",
			cmd: &Command{Op: OpUpdate, Item: key, Update: "SET big = :b",
				Values: vals(":b", attr.Str(strings.Repeat("z", attr.MaxItemSize)))},
			wantErr:    "validation",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("new")),
		},
		{
			name:       "put with missing sort key is rejected",
			cmd:        &Command{Op: OpPut, Item: item("pk", attr.Str("a"))},
			wantErr:    "validation",
			wantStored: item("pk", attr.Str("a"), "sk", num("1"), "x", attr.Str("new")),
		},
	}
	p := newPartition(t, hashRangeN)
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			items0, bytes0 := p.Stats()
			before, _ := p.Get(key)
			res := applyOne(t, p, st.cmd)
			if got := errKind(res.Err); got != st.wantErr {
				t.Fatalf("err = %v (%s), want %s", res.Err, got, st.wantErr)
			}
			if !itemsEqual(res.Attributes, st.wantAttrs) || (st.wantAttrs == nil) != (res.Attributes == nil) {
				t.Errorf("Attributes = %s, want %s", show(res.Attributes), show(st.wantAttrs))
			}
			after, _ := p.Get(key)
			if wantBytes := max(attr.ItemSize(before), attr.ItemSize(after)); res.Err == nil && res.ItemBytes != wantBytes {
				t.Errorf("ItemBytes = %d, want %d", res.ItemBytes, wantBytes)
			}
			if res.Err != nil {
				old, _ := dberr.As(res.Err).Item.(attr.Item)
				if !itemsEqual(old, st.wantErrOld) {
					t.Errorf("error item = %s, want %s", show(old), show(st.wantErrOld))
				}
				if items, bytes := p.Stats(); items != items0 || bytes != bytes0 {
					t.Errorf("failed command changed stats: %d/%d -> %d/%d", items0, bytes0, items, bytes)
				}
			}
			got, err := p.Get(key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !itemsEqual(got, st.wantStored) || (got == nil) != (st.wantStored == nil) {
				t.Errorf("stored = %s, want %s (before %s)", show(got), show(st.wantStored), show(before))
			}
			if p.AppliedIndex() != uint64(i+1) {
				t.Errorf("AppliedIndex = %d, want %d", p.AppliedIndex(), i+1)
			}
			checkStats(t, p)
		})
	}
}

// checkStats compares Stats with a count of what is stored.
func checkStats(t *testing.T, p *Partition) {
	t.Helper()
	page, err := p.Scan(&ScanInput{})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	var size int64
	for _, it := range page.Items {
		size += int64(attr.ItemSize(it))
	}
	if items, bytes := p.Stats(); items != int64(len(page.Items)) || bytes != size {
		t.Errorf("Stats = %d items %d bytes, stored %d items %d bytes", items, bytes, len(page.Items), size)
	}
}

func TestApplyBatchSeesEarlierCommands(t *testing.T) {
	p := newPartition(t, hashOnly)
	k := item("id", attr.Str("k"))
	cmds := []*Command{
		{Op: OpUpdate, Item: k, Update: "SET c = :one", Values: map[string]attr.Value{":one": num("1")}},
		{Op: OpUpdate, Item: k, Update: "ADD c :one", Condition: "attribute_exists(c)",
			Values: map[string]attr.Value{":one": num("1")}, ReturnValues: ReturnUpdatedNew},
		{Op: OpPut, Item: item("id", attr.Str("k"), "c", num("9")), Condition: "c = :two",
			Values: map[string]attr.Value{":two": num("3")}},
		{Op: OpDelete, Item: item("id", attr.Str("other"))},
	}
	res, err := p.ApplyBatch(10, cmds)
	if err != nil {
		t.Fatal(err)
	}
	wantErr := []string{"ok", "ok", "conditional", "ok"}
	for i, r := range res {
		if errKind(r.Err) != wantErr[i] {
			t.Errorf("result %d err = %v, want %s", i, r.Err, wantErr[i])
		}
	}
	if !itemsEqual(res[1].Attributes, item("c", num("2"))) {
		t.Errorf("result 1 attributes = %s", show(res[1].Attributes))
	}
	if p.AppliedIndex() != 13 {
		t.Errorf("AppliedIndex = %d, want 13", p.AppliedIndex())
	}
	got, _ := p.Get(k)
	if !itemsEqual(got, item("id", attr.Str("k"), "c", num("2"))) {
		t.Errorf("stored %s", show(got))
	}
}

func TestReplaySkipsAppliedCommands(t *testing.T) {
	p := newPartition(t, hashOnly)
	k := item("id", attr.Str("k"))
	inc := &Command{Op: OpUpdate, Item: k, Update: "ADD c :one", Values: map[string]attr.Value{":one": num("1")},
		ReturnValues: ReturnUpdatedNew}
	if _, err := p.ApplyBatch(1, []*Command{inc, inc, inc}); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(p.db, p.id, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		first       uint64
		n           int
		wantApplied uint64
		wantC       string
		wantSkipped int
	}{
		{"all applied", 1, 3, 3, "3", 3},
		{"overlap", 2, 3, 4, "4", 2},
		{"gap after applied", 10, 2, 11, "6", 0},
		{"old entry", 5, 1, 11, "6", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds := make([]*Command, tt.n)
			for i := range cmds {
				cmds[i] = inc
			}
			res, err := reopened.ApplyBatch(tt.first, cmds)
			if err != nil {
				t.Fatal(err)
			}
			skipped := 0
			for _, r := range res {
				if r.Attributes == nil && r.Err == nil {
					skipped++
				}
			}
			if skipped != tt.wantSkipped {
				t.Errorf("skipped %d, want %d", skipped, tt.wantSkipped)
			}
			if reopened.AppliedIndex() != tt.wantApplied {
				t.Errorf("AppliedIndex = %d, want %d", reopened.AppliedIndex(), tt.wantApplied)
			}
			got, _ := reopened.Get(k)
			if !attr.Equal(got["c"], num(tt.wantC)) {
				t.Errorf("c = %s, want %s", got["c"].S, tt.wantC)
			}
		})
	}
}

func TestStatsSurviveReopen(t *testing.T) {
	p := newPartition(t, hashOnly)
	a := item("id", attr.Str("a"), "v", attr.Str("xxxx"))
	b := item("id", attr.Str("b"))
	steps := []struct {
		name      string
		cmd       *Command
		wantItems int64
		wantBytes int
	}{
		{"put a", put(a), 1, attr.ItemSize(a)},
		{"put b", put(b), 2, attr.ItemSize(a) + attr.ItemSize(b)},
		{"overwrite a", put(item("id", attr.Str("a"))), 2, 2 * attr.ItemSize(b)},
		{"delete b", &Command{Op: OpDelete, Item: b}, 1, attr.ItemSize(b)},
		{"delete missing", &Command{Op: OpDelete, Item: item("id", attr.Str("zz"))}, 1, attr.ItemSize(b)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			mustApply(t, p, st.cmd)
			re, err := Open(p.db, p.id, hashOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []*Partition{p, re} {
				if items, bytes := q.Stats(); items != st.wantItems || bytes != int64(st.wantBytes) {
					t.Errorf("Stats = %d, %d; want %d, %d", items, bytes, st.wantItems, st.wantBytes)
				}
			}
		})
	}
}

func TestGetRejectsBadKey(t *testing.T) {
	p := newPartition(t, hashRangeN)
	for _, key := range []attr.Item{
		item("pk", attr.Str("a")),
		item("pk", attr.Str("a"), "sk", attr.Str("1")),
		item("sk", num("1")),
	} {
		if _, err := p.Get(key); !dberr.Is(err, dberr.Validation) {
			t.Errorf("Get(%s) err = %v, want ValidationException", show(key), err)
		}
	}
}

func TestDrop(t *testing.T) {
	p := newPartition(t, hashOnly)
	other, err := Open(p.db, p.id+1, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*Partition{p, other} {
		mustApply(t, q, put(item("id", attr.Str("a"))), put(item("id", attr.Str("b"))))
	}
	if err := p.Drop(); err != nil {
		t.Fatal(err)
	}
	re, err := Open(p.db, p.id, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]*Partition{"dropped": p, "reopened": re} {
		t.Run(name, func(t *testing.T) {
			if items, bytes := q.Stats(); items != 0 || bytes != 0 || q.AppliedIndex() != 0 {
				t.Errorf("after Drop: %d items %d bytes index %d", items, bytes, q.AppliedIndex())
			}
			if got, _ := q.Get(item("id", attr.Str("a"))); got != nil {
				t.Errorf("item survived Drop: %s", show(got))
			}
		})
	}
	page, err := other.Scan(&ScanInput{})
	if err != nil || page.Count != 2 {
		t.Fatalf("neighbour partition after Drop: %v, %+v", err, page)
	}
}
