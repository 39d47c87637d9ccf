package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestPprofAddr(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "off by default", want: ""},
		{name: "flag", args: []string{"--data-dir", "/d", "--pprof", "127.0.0.1:6060"}, want: "127.0.0.1:6060"},
		{name: "env", env: map[string]string{"FLOTILLA_PPROF": "127.0.0.1:6061"}, want: "127.0.0.1:6061"},
		{name: "flag wins", args: []string{"--pprof=127.0.0.1:1"}, env: map[string]string{"FLOTILLA_PPROF": "127.0.0.1:2"}, want: "127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			if _, _, err := serveConfig(tc.args, getenv, io.Discard); err != nil {
				t.Fatalf("serveConfig rejects %v: %v", tc.args, err)
			}
			got, err := pprofAddr(tc.args, getenv)
			if err != nil || got != tc.want {
				t.Fatalf("pprofAddr(%v) = %q, %v; want %q", tc.args, got, err, tc.want)
			}
		})
	}
}

func TestStartPprof(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if addr, stop, err := startPprof("", log); err != nil || addr != "" {
		t.Fatalf("startPprof(\"\") = %q, %v; want nothing started", addr, err)
	} else {
		stop()
	}
	addr, stop, err := startPprof("127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "flotilla.test") {
		t.Fatalf("GET /debug/pprof/cmdline = %d %q, %v", resp.StatusCode, body, err)
	}
	if _, _, err := startPprof(addr, log); err == nil {
		t.Fatal("a second server on the same address started")
	}
}
