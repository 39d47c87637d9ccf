package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestServeConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, got string)
		wantErr string
	}{
		{name: "defaults", check: want("./data 127.0.0.1:8000 127.0.0.1:7000 127.0.0.1:7946 us-east-1 [] 0 INFO")},
		{name: "flags", args: []string{"--data-dir", "/d", "--http-addr", ":9000", "--region", "eu-west-1",
			"--join", "a:1, b:2", "--bootstrap-expect", "3", "--log-level", "debug"},
			check: want("/d :9000 127.0.0.1:7000 127.0.0.1:7946 eu-west-1 [a:1 b:2] 3 DEBUG")},
		{name: "env", env: map[string]string{"FLOTILLA_DATA_DIR": "/env", "FLOTILLA_GOSSIP_ADDR": "h:1",
			"FLOTILLA_BOOTSTRAP_EXPECT": "5", "FLOTILLA_JOIN": "x:1"},
			check: want("/env 127.0.0.1:8000 127.0.0.1:7000 h:1 us-east-1 [x:1] 5 INFO")},
		{name: "flag wins over env", args: []string{"--data-dir", "/flag"}, env: map[string]string{"FLOTILLA_DATA_DIR": "/env"},
			check: want("/flag 127.0.0.1:8000 127.0.0.1:7000 127.0.0.1:7946 us-east-1 [] 0 INFO")},
		{name: "bad raft", args: []string{"--raft-heartbeat-timeout", "1ns"}, wantErr: "Config.Raft.HeartbeatTimeout 1ns is below 5ms"},
		{name: "bad env", env: map[string]string{"FLOTILLA_BOOTSTRAP_EXPECT": "many"},
			wantErr: `invalid value "many" for FLOTILLA_BOOTSTRAP_EXPECT`},
		{name: "bad addr", args: []string{"--http-addr", "8000"}, wantErr: `Config.HTTPAddr "8000" is not a host:port address`},
		{name: "bad level", args: []string{"--log-level", "loud"}, wantErr: `invalid --log-level "loud"`},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "flag provided but not defined: -nope"},
		{name: "extra arg", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			cfg, level, err := serveConfig(tc.args, getenv, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, fmt.Sprint(cfg.DataDir, " ", cfg.HTTPAddr, " ", cfg.GRPCAddr, " ", cfg.GossipAddr, " ",
				cfg.Region, " ", cfg.Join, " ", cfg.BootstrapExpect, " ", level))
		})
	}
}

func TestServeRaftConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "defaults", want: "1m0s 1s 1s 500ms 8192 10240"},
		{name: "env", env: map[string]string{"FLOTILLA_RAFT_HEARTBEAT_TIMEOUT": "100ms", "FLOTILLA_RAFT_ELECTION_TIMEOUT": "150ms",
			"FLOTILLA_RAFT_SNAPSHOT_THRESHOLD": "64", "FLOTILLA_RAFT_TRAILING_LOGS": "32", "FLOTILLA_DEAD_NODE_TIMEOUT": "5s"},
			want: "5s 100ms 150ms 100ms 64 32"},
		{name: "flags", args: []string{"--dead-node-timeout", "2s", "--raft-heartbeat-timeout", "300ms", "--raft-leader-lease-timeout", "200ms"},
			want: "2s 300ms 1s 200ms 8192 10240"},
	}
	t.Run("follower reads", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			env  map[string]string
			off  bool
		}{
			{},
			{args: []string{"--follower-reads=false"}, off: true},
			{env: map[string]string{"FLOTILLA_FOLLOWER_READS": "false"}, off: true},
			{args: []string{"--follower-reads=true"}, env: map[string]string{"FLOTILLA_FOLLOWER_READS": "false"}},
		} {
			cfg, _, err := serveConfig(tc.args, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.NoFollowerReads != tc.off {
				t.Errorf("args %v env %v: NoFollowerReads = %v, want %v", tc.args, tc.env, cfg.NoFollowerReads, tc.off)
			}
		}
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := serveConfig(tc.args, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			r := cfg.Raft
			got := fmt.Sprint(cfg.DeadNodeTimeout, " ", r.HeartbeatTimeout, " ", r.ElectionTimeout, " ", r.LeaderLeaseTimeout, " ",
				r.SnapshotThreshold, " ", r.TrailingLogs)
			if got != tc.want {
				t.Errorf("config = %q, want %q", got, tc.want)
			}
		})
	}
}

func want(s string) func(*testing.T, string) {
	return func(t *testing.T, got string) {
		t.Helper()
		if got != s {
			t.Errorf("config = %q, want %q", got, s)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"no args", nil, 2, "Usage:"},
		{"help", []string{"help"}, 0, "Usage:"},
		{"unknown", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"admin without command", []string{"admin"}, 2, "missing admin command"},
		{"admin unknown", []string{"admin", "reboot"}, 2, `unknown admin command "reboot"`},
		{"serve help", []string{"serve", "-h"}, 0, "FLOTILLA_DATA_DIR"},
		{"bench without endpoint", []string{"bench"}, 2, "--endpoint is required"},
		{"bench bad op", []string{"bench", "--endpoint", "x:1", "--ops", "put,scan"}, 2, `unknown op "scan"`},
		{"bench bad clients", []string{"bench", "--endpoint", "x:1", "--clients", "0"}, 2, "--clients 0"},
		{"bench both endpoint flags", []string{"bench", "--endpoint", "x:1", "--endpoints", "x:1,x:2"}, 2, "mutually exclusive"},
		{"bench empty endpoints entry", []string{"bench", "--endpoints", "x:1,,x:2"}, 2, "empty address in --endpoints"},
		{"status of nothing", []string{"admin", "status", "--addr", "127.0.0.1:1"}, 1, "list tables"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			code := run(ctx, tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if out := stdout.String() + stderr.String(); !strings.Contains(out, tc.out) {
				t.Errorf("output %q does not contain %q", out, tc.out)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		p    float64
		in   []time.Duration
		want time.Duration
	}{
		{0.5, lat, 50 * time.Millisecond},
		{0.99, lat, 99 * time.Millisecond},
		{0.99, nil, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.p, len(tc.in)), func(t *testing.T) {
			if got := percentile(tc.in, tc.p); got != tc.want {
				t.Errorf("percentile = %v, want %v", got, tc.want)
			}
		})
	}
}
