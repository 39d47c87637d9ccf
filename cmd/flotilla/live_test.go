package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/node"
)

// startNode runs a node in-process on a free port until the test ends.
func startNode(t *testing.T) string {
	t.Helper()
	cfg := node.DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.HTTPAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	n, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("node shutdown: %v", err)
		}
	})
	waitReady(t, "http://"+n.HTTPAddr()+"/ready")
	return n.HTTPAddr()
}

// waitReady polls url until it answers 200, for at most 10s.
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered 200 (last error %v)", url, err)
		}
		<-tick.C
	}
}

func TestAgainstNode(t *testing.T) {
	addr := startNode(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"status", []string{"admin", "status", "--addr", addr}, []string{"health:   200 OK", "ready:    200 OK", "tables:   0", "groups:", "\n  catalog    "}},
		{"bench", []string{"bench", "--endpoint", addr, "--clients", "4", "--duration", "200ms", "--item-size", "100", "--ops", "put,get,cget"},
			[]string{"\nput ", "\nget ", "\ncget "}},
		{"bench consistent over endpoints", []string{"bench", "--endpoints", addr + ",http://" + addr, "--consistent",
			"--clients", "3", "--duration", "200ms", "--item-size", "100"},
			[]string{"3 clients over 2 endpoints", "ConsistentRead on get: true", "\nput ", "\nget "}},
		{"status after bench", []string{"admin", "status", "--addr", "http://" + addr}, []string{"tables:   0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if code := run(ctx, tc.args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit code %d; stdout %q stderr %q", code, stdout.String(), stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output %q lacks %q", stdout.String(), w)
				}
			}
			if strings.Contains(stdout.String(), "first error") {
				t.Errorf("bench saw errors: %s", stdout.String())
			}
		})
	}
}
