package workload

import (
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

type checkerCase struct {
	name    string
	build   func(h *hist)
	anomaly string // "" for a valid history
}

func runCheckerCases(t *testing.T, w interface{ Check([]history.Op) Result }, cases []checkerCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var h hist
			tt.build(&h)
			res := w.Check(append(h.ops, noise()...))
			if tt.anomaly == "" {
				wantValid(t, res)
				return
			}
			wantAnomaly(t, res, tt.anomaly)
		})
	}
}

func TestListAppendChecker(t *testing.T) {
	app := func(h *hist, p int, v int64, start, end int, o history.Outcome) {
		h.add(p, ListAppendOp, "l0", start, end, writeInput{V: v}, nil, o)
	}
	read := func(h *hist, start, end int, vals ...int64) {
		h.add(9, ListRead, "l0", start, end, nil, append([]int64{}, vals...), history.OK)
	}
	runCheckerCases(t, ListAppend(), []checkerCase{
		{"valid", func(h *hist) {
			read(h, 0, 5)
			app(h, 0, 1, 10, 20, history.OK)
			app(h, 1, 2, 15, 40, history.OK)
			read(h, 25, 30, 1)
			app(h, 2, 3, 50, never, history.Unknown)
			app(h, 2, 4, 60, 70, history.Fail)
			read(h, 80, 90, 1, 2, 3)
			h.final(ListRead, "l0", 100, 110, []int64{1, 2, 3})
		}, ""},
		{"lost append", func(h *hist) {
			app(h, 0, 1, 0, 10, history.OK)
			app(h, 0, 2, 20, 30, history.OK)
			h.final(ListRead, "l0", 100, 110, []int64{1})
		}, "lost append: 2"},
		{"read value lost from final", func(h *hist) {
			app(h, 0, 1, 0, 10, history.Unknown)
			read(h, 20, 30, 1)
			h.final(ListRead, "l0", 100, 110, []int64{})
		}, "lost append: 1 seen by read op 2"},
		{"duplicated value", func(h *hist) {
			app(h, 0, 1, 0, 10, history.Unknown)
			h.final(ListRead, "l0", 100, 110, []int64{1, 1})
		}, "duplicated value: 1"},
		{"reordered read", func(h *hist) {
			app(h, 0, 1, 0, 30, history.OK)
			app(h, 1, 2, 0, 30, history.OK)
			read(h, 40, 50, 2, 1)
			h.final(ListRead, "l0", 100, 110, []int64{1, 2})
		}, "reordered read"},
		{"failed append visible", func(h *hist) {
			app(h, 0, 1, 0, 10, history.Fail)
			h.final(ListRead, "l0", 100, 110, []int64{1})
		}, "failed append visible: 1"},
		{"phantom value", func(h *hist) {
			h.final(ListRead, "l0", 100, 110, []int64{5})
		}, "phantom value: 5"},
		{"stale read", func(h *hist) {
			app(h, 0, 1, 0, 10, history.OK)
			app(h, 0, 2, 20, 30, history.OK)
			read(h, 40, 50, 1)
			h.final(ListRead, "l0", 100, 110, []int64{1, 2})
		}, "stale read: read op 3"},
		{"no final read", func(h *hist) {
			app(h, 0, 1, 0, 10, history.OK)
		}, "no successful final read"},
	})
}

func TestCounterChecker(t *testing.T) {
	add := func(h *hist, d int64, start, end int, o history.Outcome) {
		h.add(0, CounterAdd, "c0", start, end, addInput{D: d}, nil, o)
	}
	read := func(h *hist, start, end int, n int64) {
		h.add(1, CounterRead, "c0", start, end, nil, n, history.OK)
	}
	runCheckerCases(t, Counter(), []checkerCase{
		{"valid", func(h *hist) {
			read(h, 0, 5, 0)
			add(h, 2, 10, 20, history.OK)
			add(h, 3, 15, 50, history.OK)
			read(h, 25, 30, 2)
			read(h, 30, 40, 5) // concurrent with the add of 3
			add(h, 4, 60, never, history.Unknown)
			add(h, 5, 70, 80, history.Fail)
			read(h, 90, 95, 5)
			h.final(CounterRead, "c0", 100, 110, 9)
		}, ""},
		{"final above attempted", func(h *hist) {
			add(h, 2, 0, 10, history.OK)
			add(h, 5, 20, 30, history.Fail)
			h.final(CounterRead, "c0", 100, 110, 7)
		}, "final above attempted"},
		{"lost add", func(h *hist) {
			add(h, 2, 0, 10, history.OK)
			add(h, 3, 20, 30, history.OK)
			h.final(CounterRead, "c0", 100, 110, 2)
		}, "lost add"},
		{"non-monotonic reads", func(h *hist) {
			add(h, 2, 0, 10, history.OK)
			add(h, 3, 0, never, history.Unknown)
			read(h, 20, 30, 5)
			read(h, 40, 50, 2)
			h.final(CounterRead, "c0", 100, 110, 5)
		}, "non-monotonic read: op 4 read 2, after op 3 had read 5"},
		{"read below acknowledged", func(h *hist) {
			add(h, 2, 0, 10, history.OK)
			read(h, 20, 30, 0)
			h.final(CounterRead, "c0", 100, 110, 2)
		}, "read out of bounds: op 2 read 0"},
	})
}

func TestDurabilityChecker(t *testing.T) {
	put := func(h *hist, key string, o history.Outcome) {
		h.add(0, DurabilityPut, key, 0, 10, putInput{Seq: 1}, nil, o)
	}
	read := func(h *hist, key string, present bool) {
		h.final(DurabilityRead, key, 100, 110, present)
	}
	runCheckerCases(t, Durability(), []checkerCase{
		{"valid", func(h *hist) {
			put(h, "d-0-1", history.OK)
			put(h, "d-0-2", history.Fail)
			put(h, "d-0-3", history.Unknown)
			put(h, "d-0-4", history.Unknown)
			read(h, "d-0-1", true)
			read(h, "d-0-2", false)
			read(h, "d-0-3", true)
			read(h, "d-0-4", false)
		}, ""},
		{"lost acknowledged put", func(h *hist) {
			put(h, "d-0-1", history.OK)
			read(h, "d-0-1", false)
		}, "lost acknowledged put: d-0-1"},
		{"failed put visible", func(h *hist) {
			put(h, "d-0-1", history.Fail)
			read(h, "d-0-1", true)
		}, "failed put visible: d-0-1"},
		{"unverified put", func(h *hist) {
			put(h, "d-0-1", history.OK)
		}, "unverified: d-0-1"},
	})
}

func TestAvailabilityReports(t *testing.T) {
	var h hist
	h.add(0, RegisterRead, "r0", 100, 110, nil, 0, history.OK)
	h.add(0, RegisterRead, "r0", 200, 210, nil, 0, history.OK)
	h.add(0, RegisterRead, "r0", 300, 5300, nil, nil, history.Unknown)
	h.add(0, CounterAdd, "c0", 1100, 1110, addInput{D: 1}, nil, history.Fail)
	h.final(RegisterRead, "r0", 9000, 9010, 0)
	windows := []history.Window{
		{Name: "kill n1", Start: ms(0), End: ms(1000), Majority: true},
		{Name: "partition [1] | [2 3]", Start: ms(1000), End: ms(2000), Majority: false},
	}
	res := Availability(func() []history.Window { return windows }).Check(h.ops)
	if !res.Valid || res.Checker != "availability" {
		t.Fatalf("availability result %+v, want valid", res)
	}
	if !strings.Contains(res.Summary, "overall 2/4 ok") || !strings.Contains(res.Summary, "connected 2/3 ok") {
		t.Errorf("summary %q", res.Summary)
	}
	want := []string{"kill n1 [0s, 1s] majority: 2/3 ok (66.7%)", "partition [1] | [2 3] [1s, 2s] minority: 0/1 ok (0.0%)"}
	if strings.Join(res.Details, "\n") != strings.Join(want, "\n") {
		t.Errorf("details:\n%s\nwant:\n%s", strings.Join(res.Details, "\n"), strings.Join(want, "\n"))
	}
}

func TestAllNames(t *testing.T) {
	ws, cs := All(func() []history.Window { return nil })
	var names []string
	for _, w := range ws {
		names = append(names, w.Name())
	}
	for _, c := range cs {
		names = append(names, c.Name())
	}
	if got, want := strings.Join(names, " "), "register list-append counter durability availability"; got != want {
		t.Errorf("All names %q, want %q", got, want)
	}
}

func TestDetailsCapped(t *testing.T) {
	var h hist
	for i := range 200 {
		h.final(ListRead, "l0", 100+i, 110+i, []int64{int64(1000 + i)})
	}
	res := ListAppend().Check(h.ops)
	if len(res.Details) > maxDetails || !strings.HasPrefix(res.Details[len(res.Details)-1], "... and ") {
		t.Errorf("%d details, last %q", len(res.Details), res.Details[len(res.Details)-1])
	}
}
