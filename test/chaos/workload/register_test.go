package workload

import (
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

func checkRegister(ops []history.Op) Result {
	return (&register{timeout: 10 * time.Second}).Check(append(ops, noise()...))
}

func TestRegisterValid(t *testing.T) {
	tests := map[string]func(h *hist){
		"sequential": func(h *hist) {
			h.add(0, RegisterRead, "r0", 0, 5, nil, 0, history.OK)
			h.add(0, RegisterWrite, "r0", 10, 20, writeInput{V: 1}, nil, history.OK)
			h.add(1, RegisterRead, "r0", 30, 40, nil, 1, history.OK)
			h.add(1, RegisterCAS, "r0", 50, 60, casInput{Old: 1, New: 2}, casOK, history.OK)
			h.add(0, RegisterCAS, "r0", 70, 80, casInput{Old: 1, New: 3}, casFailed, history.OK)
			h.final(RegisterRead, "r0", 90, 95, 2)
		},
		"concurrent read sees either value": func(h *hist) {
			h.add(0, RegisterWrite, "r1", 0, 100, writeInput{V: 7}, nil, history.OK)
			h.add(1, RegisterRead, "r1", 10, 20, nil, 0, history.OK)
			h.add(2, RegisterRead, "r1", 30, 40, nil, 7, history.OK)
			h.add(1, RegisterRead, "r1", 50, 60, nil, 7, history.OK)
		},
		"unknown writes may or may not take effect": func(h *hist) {
			h.add(0, RegisterWrite, "r2", 0, 10, writeInput{V: 1}, nil, history.OK)
			h.add(1, RegisterWrite, "r2", 20, never, writeInput{V: 2}, nil, history.Unknown)
			h.add(2, RegisterCAS, "r2", 30, never, casInput{Old: 1, New: 3}, nil, history.Unknown)
			h.add(0, RegisterRead, "r2", 40, 50, nil, 1, history.OK)
			h.add(0, RegisterRead, "r2", 60, 70, nil, 3, history.OK)
			h.final(RegisterRead, "r2", 200, 210, 3)
		},
		"failed ops and unknown reads are ignored": func(h *hist) {
			h.add(0, RegisterWrite, "r3", 0, 10, writeInput{V: 1}, nil, history.OK)
			h.add(1, RegisterWrite, "r3", 20, 30, writeInput{V: 2}, nil, history.Fail)
			h.add(1, RegisterRead, "r3", 40, never, nil, nil, history.Unknown)
			h.add(0, RegisterRead, "r3", 50, 60, nil, 1, history.OK)
		},
	}
	for name, build := range tests {
		t.Run(name, func(t *testing.T) {
			var h hist
			build(&h)
			res := checkRegister(h.ops)
			wantValid(t, res)
			if len(res.Files) != 0 {
				t.Errorf("valid history produced files %v", res.Files)
			}
		})
	}
}

func TestRegisterStaleRead(t *testing.T) {
	var h hist
	h.add(0, RegisterWrite, "r0", 0, 10, writeInput{V: 1}, nil, history.OK)
	h.add(1, RegisterWrite, "r0", 20, 30, writeInput{V: 2}, nil, history.OK)
	h.add(2, RegisterRead, "r0", 40, 50, nil, 1, history.OK)
	h.add(0, RegisterWrite, "r1", 0, 10, writeInput{V: 3}, nil, history.OK)
	res := checkRegister(h.ops)
	wantAnomaly(t, res, "not linearizable")
	wantAnomaly(t, res, "stale read: op 3 read 1")
	html, ok := res.Files["register-r0.html"]
	if !ok || !strings.Contains(string(html), "<html") {
		t.Errorf("no porcupine visualisation for r0; files: %v", keysOf(res.Files))
	}
	if _, ok := res.Files["register-r1.html"]; ok {
		t.Error("visualisation written for linearizable key r1")
	}
	if !strings.Contains(res.Summary, "not linearizable: r0") {
		t.Errorf("summary %q does not name r0", res.Summary)
	}
}

func TestRegisterDefiniteAnomalies(t *testing.T) {
	tests := []struct {
		name    string
		build   func(h *hist)
		anomaly string
	}{
		{"phantom read", func(h *hist) {
			h.add(0, RegisterRead, "r0", 0, 10, nil, 42, history.OK)
		}, "phantom read"},
		{"failed write visible", func(h *hist) {
			h.add(0, RegisterWrite, "r0", 0, 10, writeInput{V: 1}, nil, history.Fail)
			h.add(1, RegisterRead, "r0", 20, 30, nil, 1, history.OK)
		}, "failed write visible"},
		{"failed cas visible", func(h *hist) {
			h.add(0, RegisterWrite, "r0", 0, 10, writeInput{V: 1}, nil, history.OK)
			h.add(0, RegisterCAS, "r0", 20, 30, casInput{Old: 5, New: 2}, casFailed, history.OK)
			h.add(1, RegisterRead, "r0", 40, 50, nil, 2, history.OK)
		}, "failed write visible"},
		{"initial value after a write", func(h *hist) {
			h.add(0, RegisterWrite, "r0", 0, 10, writeInput{V: 1}, nil, history.OK)
			h.add(1, RegisterRead, "r0", 20, 30, nil, 0, history.OK)
		}, "stale read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hist
			tt.build(&h)
			res := checkRegister(h.ops)
			wantAnomaly(t, res, tt.anomaly)
			wantAnomaly(t, res, "not linearizable")
		})
	}
}

func keysOf(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
