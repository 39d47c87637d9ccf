package history

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

func TestOutcomeText(t *testing.T) {
	for _, o := range []Outcome{OK, Fail, Unknown} {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("marshal %v: %v", o, err)
		}
		if want := `"` + o.String() + `"`; string(b) != want {
			t.Errorf("marshal %v = %s, want %s", o, b, want)
		}
		var back Outcome
		if err := json.Unmarshal(b, &back); err != nil || back != o {
			t.Errorf("unmarshal %s = %v, %v; want %v", b, back, err, o)
		}
	}
	var o Outcome
	if err := json.Unmarshal([]byte(`"maybe"`), &o); err == nil {
		t.Error("unmarshal of an unknown outcome name succeeded")
	}
}

func TestRecorderConcurrent(t *testing.T) {
	r := NewRecorder()
	const procs, each = 8, 200
	var wg sync.WaitGroup
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				pend := r.Begin(p, 1+p%3, "register:write", "r0", map[string]int{"v": i})
				op := pend.End(nil, OK, nil)
				if op.End < op.Start {
					t.Errorf("op %d ends at %v before it starts at %v", op.ID, op.End, op.Start)
				}
			}
		}()
	}
	wg.Wait()
	ops := r.Ops()
	if len(ops) != procs*each {
		t.Fatalf("got %d ops, want %d", len(ops), procs*each)
	}
	ids := map[int64]bool{}
	for i, op := range ops {
		if ids[op.ID] {
			t.Fatalf("duplicate op id %d", op.ID)
		}
		ids[op.ID] = true
		if i > 0 && op.Start < ops[i-1].Start {
			t.Fatalf("ops not sorted by start at %d", i)
		}
	}
}

func TestRecorderUnfinishedOps(t *testing.T) {
	r := NewRecorder()
	done := r.Begin(0, 1, "counter:add", "c0", 3)
	open := r.BeginFinal(1, 2, "counter:read", "c0", nil)
	done.End(nil, Fail, errors.New("refused"))
	ops := r.Ops()
	if len(ops) != 2 {
		t.Fatalf("got %d ops, want 2", len(ops))
	}
	if ops[0].Outcome != Fail || ops[0].Error != "refused" || string(ops[0].Input) != "3" {
		t.Errorf("completed op = %+v", ops[0])
	}
	u := ops[1]
	if u.Outcome != Unknown || !u.Final || u.End < u.Start || u.End > r.Since() {
		t.Errorf("unfinished op = %+v, want Unknown, Final, End at the time of Ops", u)
	}
	open.End(7, OK, nil)
	again := open.End(8, Unknown, nil)
	if again.Outcome != OK || string(again.Output) != "7" {
		t.Errorf("second End changed the op: %+v", again)
	}
	if got := r.Ops()[1]; got.Outcome != OK || string(got.Output) != "7" {
		t.Errorf("ended op = %+v", got)
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	r := NewRecorder()
	r.Begin(3, 2, "list:append", "l1", 42).End(nil, Unknown, errors.New("timeout"))
	r.BeginFinal(0, 1, "list:read", "l1", nil).End([]int{42}, OK, nil)
	ops := r.Ops()
	path := filepath.Join(t.TempDir(), "history.jsonl")
	if err := WriteJSONL(path, ops); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, ops) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, ops)
	}
}
