package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default", func(*Config) {}, ""},
		{"cluster", func(c *Config) { c.Join = []string{"10.0.0.1:7946"}; c.BootstrapExpect = 3 }, ""},
		{"data dir", func(c *Config) { c.DataDir = "" }, "node: Config.DataDir is empty"},
		{"http addr", func(c *Config) { c.HTTPAddr = "8000" }, `node: Config.HTTPAddr "8000" is not a host:port address`},
		{"grpc addr", func(c *Config) { c.GRPCAddr = "x:" }, `node: Config.GRPCAddr "x:" is not a host:port address`},
		{"join", func(c *Config) { c.Join = []string{"a:1", "b"} }, `node: Config.Join[1] "b" is not a host:port address`},
		{"node id", func(c *Config) { c.NodeID = "a b" }, `node: Config.NodeID "a b" must be 1-64 letters, digits, '.', '_' or '-'`},
		{"region", func(c *Config) { c.Region = "mars" }, `node: Config.Region "mars" is not a region name like us-east-1`},
		{"bootstrap", func(c *Config) { c.BootstrapExpect = -1 }, "node: Config.BootstrapExpect -1 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := cfg.Validate()
			if got := fmt.Sprint(err); (err == nil) != (tc.want == "") || (err != nil && got != tc.want) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestMeta(t *testing.T) {
	dir := t.TempDir()
	first, created, err := loadMeta(dir, "", "us-east-1")
	if err != nil || !created || !strings.HasPrefix(first.NodeID, "node-") || len(first.ClusterID) != 32 {
		t.Fatalf("first loadMeta = %+v, %v, %v", first, created, err)
	}
	tests := []struct {
		name, nodeID, region string
		wantErr              bool
	}{
		{name: "same", region: "us-east-1"},
		{name: "explicit same id", nodeID: first.NodeID, region: "us-east-1"},
		{name: "new region", region: "eu-west-1"},
		{name: "other id", nodeID: "n2", region: "us-east-1", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, created, err := loadMeta(dir, tc.nodeID, tc.region)
			if tc.wantErr {
				if err == nil {
					t.Fatal("loadMeta accepted a different node id")
				}
				return
			}
			if err != nil || created || m.NodeID != first.NodeID || m.ClusterID != first.ClusterID || m.Region != tc.region {
				t.Errorf("loadMeta = %+v, %v, %v; want ids of %+v, region %s", m, created, err, first, tc.region)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, metaFile+".tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestReadyBeforeRun(t *testing.T) {
	n := &Node{}
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/health", http.StatusOK},
		{"GET", "/ready", http.StatusServiceUnavailable},
		{"POST", "/", http.StatusTeapot},
		{"POST", "/ready", http.StatusTeapot},
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := n.httpHandler(api)
	for _, tc := range tests {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}

// running is a Node served by Run on a background goroutine.
type running struct {
	n    *Node
	base string
	stop context.CancelFunc
	done chan error
}

func start(t *testing.T, dir string) *running {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.GRPCAddr = "127.0.0.1:0"
	cfg.GossipAddr = "127.0.0.1:0"
	r := run(t, cfg)
	waitStatus(t, r.base+"/ready", http.StatusOK)
	return r
}

// run creates a node for cfg and runs it until the test ends.
func run(t *testing.T, cfg Config) *running {
	t.Helper()
	if path := os.Getenv("NODE_TEST_LOG"); path != "" && cfg.Logger == nil {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		cfg.Logger = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", cfg.NodeID)
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{n: n, base: "http://" + n.HTTPAddr(), stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

// shutdown cancels Run and waits for it to return.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("Run returned %v after shutdown", err)
		}
		r.done <- nil // for the cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func waitStatus(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never answered %d (last error %v)", url, want, err)
		}
		<-tick.C
	}
}

// call posts one DynamoDB API request with raw JSON.
func (r *running) call(t *testing.T, op, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.base+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: response %q is not JSON: %v", op, b, err)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Errorf("%s: no x-amzn-RequestId header", op)
	}
	return resp.StatusCode, out
}

const (
	createUsers = `{"TableName":"Users","KeySchema":[{"AttributeName":"UserID","KeyType":"HASH"}],` +
		`"AttributeDefinitions":[{"AttributeName":"UserID","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`
	putUser = `{"TableName":"Users","Item":{"UserID":{"S":"123"},"Name":{"S":"John Doe"},"Age":{"N":"30"}}}`
	getUser = `{"TableName":"Users","Key":{"UserID":{"S":"123"}},"ConsistentRead":true}`
)

func TestServeAndReopen(t *testing.T) {
	dir := t.TempDir()
	r := start(t, dir)
	waitStatus(t, r.base+"/health", http.StatusOK)
	steps := []struct {
		op, body string
		want     int
		check    func(map[string]any) error
	}{
		{"CreateTable", createUsers, http.StatusOK, nil},
		{"CreateTable", createUsers, http.StatusBadRequest, wantType("ResourceInUseException")},
		{"PutItem", putUser, http.StatusOK, nil},
		{"GetItem", getUser, http.StatusOK, wantName("John Doe")},
		{"GetItem", `{"TableName":"Nope","Key":{"UserID":{"S":"1"}}}`, http.StatusBadRequest, wantType("ResourceNotFoundException")},
	}
	for i, s := range steps {
		t.Run(fmt.Sprintf("%d-%s", i, s.op), func(t *testing.T) {
			status, out := r.call(t, s.op, s.body)
			if status != s.want {
				t.Fatalf("status %d, want %d: %v", status, s.want, out)
			}
			if s.check != nil {
				if err := s.check(out); err != nil {
					t.Error(err)
				}
			}
		})
	}
	r.shutdown(t)
	if _, err := http.Get(r.base + "/health"); err == nil {
		t.Error("server still answers after shutdown")
	}

	r2 := start(t, dir)
	if r2.n.NodeID() != r.n.NodeID() || r2.n.ClusterID() != r.n.ClusterID() {
		t.Errorf("identity changed across restart: %s/%s then %s/%s",
			r.n.NodeID(), r.n.ClusterID(), r2.n.NodeID(), r2.n.ClusterID())
	}
	status, out := r2.call(t, "GetItem", getUser)
	if status != http.StatusOK {
		t.Fatalf("GetItem after reopen: %d %v", status, out)
	}
	if err := wantName("John Doe")(out); err != nil {
		t.Errorf("after reopen: %v", err)
	}
	deleteDropsItems(t, r2)
}

// deleteDropsItems deletes a table with an item and checks that a new table
// of the same name starts empty.
func deleteDropsItems(t *testing.T, r *running) {
	steps := []struct {
		op, body string
		check    func(map[string]any) error
	}{
		{"CreateTable", strings.ReplaceAll(createUsers, "Users", "Gone"), nil},
		{"PutItem", strings.ReplaceAll(putUser, "Users", "Gone"), nil},
		{"DeleteTable", `{"TableName":"Gone"}`, nil},
		{"CreateTable", strings.ReplaceAll(createUsers, "Users", "Gone"), nil},
		{"GetItem", strings.ReplaceAll(getUser, "Users", "Gone"), func(out map[string]any) error {
			if _, ok := out["Item"]; ok {
				return fmt.Errorf("item survived DeleteTable: %v", out)
			}
			return nil
		}},
		{"ListTables", `{}`, func(out map[string]any) error {
			if got := fmt.Sprint(out["TableNames"]); got != "[Gone Users]" {
				return fmt.Errorf("TableNames = %s, want [Gone Users]", got)
			}
			return nil
		}},
	}
	for i, s := range steps {
		t.Run(fmt.Sprintf("delete-%d-%s", i, s.op), func(t *testing.T) {
			status, out := r.call(t, s.op, s.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %v", status, out)
			}
			if s.check != nil {
				if err := s.check(out); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func wantType(suffix string) func(map[string]any) error {
	return func(out map[string]any) error {
		if typ, _ := out["__type"].(string); !strings.HasSuffix(typ, "#"+suffix) {
			return fmt.Errorf("__type %q, want ...#%s", typ, suffix)
		}
		return nil
	}
}

func wantName(name string) func(map[string]any) error {
	return func(out map[string]any) error {
		item, _ := out["Item"].(map[string]any)
		attr, _ := item["Name"].(map[string]any)
		if attr["S"] != name {
			return fmt.Errorf("Item %v, want Name %q", out["Item"], name)
		}
		return nil
	}
}

func TestSecondNodeOnSameDataDirFails(t *testing.T) {
	dir := t.TempDir()
	start(t, dir)
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.GRPCAddr = "127.0.0.1:0"
	cfg.GossipAddr = "127.0.0.1:0"
	if n, err := New(cfg); err == nil {
		n.Close()
		t.Fatal("a second node opened a data directory in use")
	}
}

func TestConcurrentPuts(t *testing.T) {
	r := start(t, t.TempDir())
	if status, out := r.call(t, "CreateTable", createUsers); status != http.StatusOK {
		t.Fatalf("CreateTable: %d %v", status, out)
	}
	const clients, each = 16, 25
	errs := make(chan error, clients)
	for c := range clients {
		go func() {
			for i := range each {
				body := fmt.Sprintf(`{"TableName":"Users","Item":{"UserID":{"S":"u%d-%d"},"N":{"N":"%d"}}}`, c, i, i)
				if status, out := r.post("PutItem", body); status != http.StatusOK {
					errs <- fmt.Errorf("PutItem %d-%d: %d %v", c, i, status, out)
					return
				}
			}
			errs <- nil
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	status, out := r.call(t, "Scan", `{"TableName":"Users","Select":"COUNT"}`)
	if status != http.StatusOK || out["Count"] != float64(clients*each) {
		t.Fatalf("Scan count: %d %v, want Count %d", status, out, clients*each)
	}
}

// post is call without a *testing.T, for use off the test goroutine.
func (r *running) post(op, body string) (int, map[string]any) {
	req, err := http.NewRequest(http.MethodPost, r.base+"/", strings.NewReader(body))
	if err != nil {
		return 0, map[string]any{"err": err.Error()}
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, map[string]any{"err": err.Error()}
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, map[string]any{"err": err.Error()}
	}
	return resp.StatusCode, out
}
