package report

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/chaos/workload"
)

func sampleRun(valid bool) *Run {
	var ops []history.Op
	for i := range 40 {
		start := time.Duration(i) * 100 * time.Millisecond
		outcome := []history.Outcome{history.OK, history.OK, history.Fail, history.Unknown}[i%4]
		ops = append(ops, history.Op{
			ID: int64(i + 1), Process: i % 3, Node: 1 + i%3, Kind: []string{"register:read", "counter:add"}[i%2],
			Key: "k", Start: start, End: start + time.Duration(1+i)*time.Millisecond, Outcome: outcome,
		})
	}
	return &Run{
		Seed: 7, Nodes: 3, Duration: 4 * time.Second, Ops: ops,
		Windows: []history.Window{
			{Name: "kill n2", Start: 500 * time.Millisecond, End: 1500 * time.Millisecond, Majority: true},
			{Name: "partition [1] | [2 3]", Start: 2 * time.Second, End: 3 * time.Second},
			{Name: "kill n1", Start: 3 * time.Second, End: 3500 * time.Millisecond, Majority: true},
			{Name: "latency <100ms> & jitter", Start: 3 * time.Second, End: 4 * time.Second, Majority: true},
		},
		Results: []workload.Result{
			{Checker: "register", Valid: valid, Summary: "5 keys", Details: []string{"key r0: not linearizable"},
				Files: map[string][]byte{"register-r0.html": []byte("<html></html>"), "summary.txt": []byte("mine")}},
			{Checker: "availability", Valid: true, Summary: "overall 20/40 ok"},
		},
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name  string
		valid bool
		want  []string
		not   []string
	}{
		{"valid", true,
			[]string{"seed 7, 3 nodes, duration 4s", "result: valid", "ops: 40 (ok 20, fail 10, unknown 10)",
				"counter:add", "faults: 4 (kill 2, latency 1, partition 1)", "register", "overall 20/40 ok"},
			[]string{"reproduce with", "INVALID"}},
		{"invalid", false,
			[]string{"result: INVALID", "register: key r0: not linearizable",
				"reproduce with: go run ./test/chaos/cmd/chaos -nodes 3 -seed 7 -duration 4s\n"},
			nil},
		{"invalid with faults and serve args", false,
			[]string{`reproduce with: go run ./test/chaos/cmd/chaos -nodes 3 -seed 7 -duration 4s -faults partition,latency -serve-args "--unsafe-stale-reads"`},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRun(tt.valid)
			if strings.Contains(tt.name, "faults") {
				r.Faults, r.ServeArgs = []string{"partition", "latency"}, []string{"--unsafe-stale-reads"}
			}
			if r.Valid() != tt.valid {
				t.Fatalf("Valid() = %v, want %v", r.Valid(), tt.valid)
			}
			s := Summary(r)
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("summary lacks %q:\n%s", w, s)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(s, n) {
					t.Errorf("summary contains %q:\n%s", n, s)
				}
			}
		})
	}
}

func TestFaultCounts(t *testing.T) {
	got := FaultCounts(sampleRun(true).Windows)
	want := []Fault{{"kill", 2}, {"latency", 1}, {"partition", 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FaultCounts = %v, want %v", got, want)
	}
}

func TestWrite(t *testing.T) {
	r := sampleRun(false)
	dir := filepath.Join(t.TempDir(), "report")
	if err := Write(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"summary.txt", "history.jsonl", "windows.json", "results.json", "timeline.html", "register-r0.html", "register-summary.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if s := readFile(t, dir, "summary.txt"); s != Summary(r) {
		t.Errorf("summary.txt was replaced by an attached file: %q", s)
	}
	ops, err := history.ReadJSONL(filepath.Join(dir, "history.jsonl"))
	if err != nil || !reflect.DeepEqual(ops, r.Ops) {
		t.Errorf("history.jsonl round trip: %v", err)
	}
	var windows []history.Window
	if err := json.Unmarshal([]byte(readFile(t, dir, "windows.json")), &windows); err != nil || !reflect.DeepEqual(windows, r.Windows) {
		t.Errorf("windows.json: %v, %+v", err, windows)
	}
	var results []workload.Result
	if err := json.Unmarshal([]byte(readFile(t, dir, "results.json")), &results); err != nil || len(results) != 2 || results[0].Valid {
		t.Errorf("results.json: %v, %+v", err, results)
	}
}

func TestTimelineIsWellFormed(t *testing.T) {
	r := sampleRun(true)
	page, err := Timeline(r)
	if err != nil {
		t.Fatal(err)
	}
	texts, elements := parseXML(t, page)
	if elements["svg"] != 1 {
		t.Errorf("%d svg elements, want 1", elements["svg"])
	}
	if elements["path"] != 5 {
		t.Errorf("%d paths, want 5 (ok, fail, unknown, p50, p99)", elements["path"])
	}
	if elements["script"] != 0 {
		t.Error("timeline has a script")
	}
	for _, w := range r.Windows {
		if !texts[w.Name] {
			t.Errorf("no label for window %q", w.Name)
		}
	}
	for _, label := range []string{"ok", "fail", "unknown", "p50", "p99"} {
		if !texts[label] {
			t.Errorf("no legend entry %q", label)
		}
	}
}

func TestTimelineWithoutOps(t *testing.T) {
	page, err := Timeline(&Run{Seed: 1, Nodes: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, elements := parseXML(t, page); elements["svg"] != 1 {
		t.Error("empty run has no chart")
	}
}

// parseXML decodes page strictly as XML and returns the character data of
// its elements and a count of elements by name.
func parseXML(t *testing.T, page []byte) (map[string]bool, map[string]int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(page)))
	texts, elements := map[string]bool{}, map[string]int{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return texts, elements
		}
		if err != nil {
			t.Fatalf("timeline is not well-formed: %v\n%s", err, page)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elements[tok.Name.Local]++
		case xml.CharData:
			texts[strings.TrimSpace(string(tok))] = true
		}
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
