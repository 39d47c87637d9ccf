package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

func TestParseBench(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, f *benchFlags)
		wantErr string
	}{
		{name: "phases", args: []string{"--endpoint", "h:1", "--ops", "put,cget", "--clients", "3", "--duration", "2s"},
			check: func(t *testing.T, f *benchFlags) {
				if f.ycsb != nil || strings.Join(f.ops, ",") != "put,cget" || f.clients != 3 || f.duration != 2*time.Second {
					t.Errorf("flags = %+v", f)
				}
			}},
		{name: "ycsb defaults", args: []string{"--endpoints", "h:1,h:2", "--workload", "B"},
			check: func(t *testing.T, f *benchFlags) {
				y := f.ycsb
				if y == nil || y.workload.Name != "b" || y.phase != "both" || y.records != 10000 || y.operations != 0 ||
					y.distribution != "" || y.target != 0 || f.duration != 10*time.Second || len(f.endpoints) != 2 || f.itemSize != 1024 {
					t.Errorf("flags = %+v, ycsb %+v", f, y)
				}
			}},
		{name: "ycsb all", args: []string{"--endpoint", "h:1", "--workload", "e", "--phase", "run", "--records", "50",
			"--operations", "7", "--distribution", "uniform", "--target", "250", "--scan-length", "5", "--buckets", "3",
			"--csv", "x.csv", "--html", "x.html", "--consistent", "--item-size", "200", "--table", "t"},
			check: func(t *testing.T, f *benchFlags) {
				y := f.ycsb
				if y.workload.Name != "e" || y.phase != "run" || y.records != 50 || y.operations != 7 ||
					y.distribution != ycsb.DistUniform || y.target != 250 || y.maxScan != 5 || y.buckets != 3 ||
					y.csv != "x.csv" || y.html != "x.html" || !f.consistent || f.itemSize != 200 || f.table != "t" {
					t.Errorf("ycsb flags = %+v", y)
				}
				if f.duration != 0 {
					t.Errorf("--operations without --duration: duration %v, want none", f.duration)
				}
			}},
		{name: "operations and duration", args: []string{"--endpoint", "h:1", "--workload", "a", "--operations", "7", "--duration", "1s"},
			check: func(t *testing.T, f *benchFlags) {
				if f.duration != time.Second || f.ycsb.operations != 7 {
					t.Errorf("duration %v, operations %d; want both", f.duration, f.ycsb.operations)
				}
			}},
		{name: "ycsb flag without workload", args: []string{"--endpoint", "h:1", "--records", "5"}, wantErr: "--records needs --workload"},
		{name: "ops with workload", args: []string{"--endpoint", "h:1", "--workload", "a", "--ops", "put"}, wantErr: "mutually exclusive"},
		{name: "unknown workload", args: []string{"--endpoint", "h:1", "--workload", "g"}, wantErr: `unknown workload "g"`},
		{name: "bad distribution", args: []string{"--endpoint", "h:1", "--workload", "a", "--distribution", "normal"}, wantErr: `unknown distribution "normal"`},
		{name: "bad phase", args: []string{"--endpoint", "h:1", "--workload", "a", "--phase", "warm"}, wantErr: `--phase "warm"`},
		{name: "no records", args: []string{"--endpoint", "h:1", "--workload", "a", "--records", "0"}, wantErr: "--records 0"},
		{name: "negative target", args: []string{"--endpoint", "h:1", "--workload", "a", "--target", "-5"}, wantErr: "--target -5"},
		{name: "load with run flags", args: []string{"--endpoint", "h:1", "--workload", "a", "--phase", "load", "--csv", "x"},
			wantErr: "need a run phase"},
		{name: "bad scan length", args: []string{"--endpoint", "h:1", "--workload", "e", "--scan-length", "0"}, wantErr: "--scan-length 0"},
		{name: "no endpoint", args: []string{"--workload", "a"}, wantErr: "--endpoint is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseBench(tc.args, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, f)
		})
	}
}

func TestYCSBTableName(t *testing.T) {
	for _, tc := range []struct {
		table, phase, workload, want string
	}{
		{"mine", "both", "a", "mine"},
		{"", "load", "a", "usertable"},
		{"", "run", "e", "usertable-e"},
		{"", "both", "c", "flotilla-ycsb-"},
	} {
		w, _ := ycsb.WorkloadByName(tc.workload)
		f := &benchFlags{table: tc.table, ycsb: &ycsbFlags{phase: tc.phase, workload: w}}
		if got := ycsbTableName(f); !strings.HasPrefix(got, tc.want) {
			t.Errorf("table for %+v = %q, want %q", tc, got, tc.want)
		}
	}
}
