package badinput

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	seed     = 20120810
	requests = 3000
	maxFails = 25
)

// Environment variables that point the suite at a running endpoint.
const (
	// endpointEnv names a DynamoDB endpoint to run against instead of a
	// flotilla process of the suite's own, e.g. one node of a cluster.
	endpointEnv = "BADINPUT_ENDPOINT"
	// requestsEnv overrides how many generated requests are sent.
	requestsEnv = "BADINPUT_REQUESTS"
)

// targetEndpoint returns the endpoint named by BADINPUT_ENDPOINT, or else
// starts a flotilla process for the test and returns its endpoint.
func targetEndpoint(t *testing.T) string {
	t.Helper()
	if ep := os.Getenv(endpointEnv); ep != "" {
		return ep
	}
	return harness.Start(t, "").Endpoint()
}

// requestCount is BADINPUT_REQUESTS when set, else requests.
func requestCount(t *testing.T) int {
	t.Helper()
	v := os.Getenv(requestsEnv)
	if v == "" {
		return requests
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", requestsEnv, v)
	}
	return n
}

// setup creates the table under test with a few known items, and a second
// table the control-plane requests aim at.
func setup(t *testing.T, c *rawClient) {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	for _, name := range []string{table, "victim"} {
		// The table under test is protected: some generated requests are
		// DeleteTable calls that name it.
		err := c.call(ctx, "CreateTable", map[string]any{
			"TableName":                 name,
			"DeletionProtectionEnabled": name == table,
			"BillingMode":               "PAY_PER_REQUEST",
			"KeySchema":                 []any{map[string]any{"AttributeName": "pk", "KeyType": "HASH"}, map[string]any{"AttributeName": "sk", "KeyType": "RANGE"}},
			"AttributeDefinitions":      []any{map[string]any{"AttributeName": "pk", "AttributeType": "S"}, map[string]any{"AttributeName": "sk", "AttributeType": "N"}},
		}, nil)
		// A table left by an earlier run against the same endpoint is
		// reused: the run compares the table with itself, not with a
		// fixed starting state.
		var he *httpError
		if err != nil && !(errors.As(err, &he) && he.errorType() == "ResourceInUseException") {
			t.Fatal(err)
		}
		waitActive(t, c, name)
	}
	for i := range 6 {
		item := map[string]any{"pk": av("S", fmt.Sprintf("k%d", i%3)), "sk": av("N", fmt.Sprint(i)), "v": av("S", fmt.Sprintf("seed%d", i)),
			"ss": map[string]any{"SS": []any{"a", "b"}}}
		if err := c.call(ctx, "PutItem", map[string]any{"TableName": table, "Item": item}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func waitActive(t *testing.T, c *rawClient, name string) {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var out struct{ Table struct{ TableStatus string } }
		err := c.call(ctx, "DescribeTable", map[string]any{"TableName": name}, &out)
		if err == nil && out.Table.TableStatus == "ACTIVE" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("table %s not ACTIVE: %v (status %q)", name, err, out.Table.TableStatus)
		case <-tick.C:
		}
	}
}

// snapshot scans the table under test and renders its items canonically.
func snapshot(ctx context.Context, c *rawClient) (string, error) {
	var items []string
	var start any
	for page := 0; ; page++ {
		in := map[string]any{"TableName": table, "ConsistentRead": true}
		if start != nil {
			in["ExclusiveStartKey"] = start
		}
		var out struct {
			Items            []json.RawMessage
			LastEvaluatedKey map[string]any
		}
		if err := c.call(ctx, "Scan", in, &out); err != nil {
			return "", err
		}
		for _, it := range out.Items {
			items = append(items, canonical(it))
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		if page > 1000 {
			return "", fmt.Errorf("scan never ended")
		}
		start = out.LastEvaluatedKey
	}
	sort.Strings(items)
	return fmt.Sprint(items), nil
}

// canonical re-encodes JSON with sorted keys (encoding/json sorts map keys)
// and sorted set members.
func canonical(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(sortSets(v))
	return string(b)
}

func sortSets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if list, ok := e.([]any); ok && (k == "SS" || k == "NS" || k == "BS") {
				sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
			}
			x[k] = sortSets(e)
		}
	case []any:
		for i, e := range x {
			x[i] = sortSets(e)
		}
	}
	return v
}

func TestBadInput(t *testing.T) {
	n := requestCount(t)
	endpoint := targetEndpoint(t)
	c := newRawClient(endpoint)
	setup(t, c)
	ctx := harness.Context(t, 120*time.Second)
	want, err := snapshot(ctx, c)
	if err != nil {
		t.Fatalf("initial scan: %v", err)
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, seed))}
	fails, accepted := 0, 0
	fail := func(i int, req request, format string, args ...any) {
		t.Helper()
		fails++
		body := string(req.body)
		if len(body) > 400 {
			body = body[:400] + fmt.Sprintf("...(%d bytes)", len(req.body))
		}
		t.Errorf("request %d (target %q, body %q): %s", i, req.target, body, fmt.Sprintf(format, args...))
		if fails >= maxFails {
			t.Fatalf("stopping after %d failures", fails)
		}
	}
	for i := range n {
		req := g.next()
		resp, err := c.send(ctx, req.target, req.body)
		if err != nil {
			fail(i, req, "no response: %v", err)
			if !healthy(endpoint) {
				t.Fatalf("server down after request %d", i)
			}
			continue
		}
		if p := resp.problem(); p != "" {
			fail(i, req, "%s; response %.300s", p, resp.body)
		}
		if !req.write {
			continue
		}
		got, err := snapshot(ctx, c)
		if err != nil {
			t.Fatalf("scan after request %d (target %q, body %.300q): %v", i, req.target, req.body, err)
		}
		if resp.status == http.StatusOK {
			accepted++
			want = got
			continue
		}
		if got != want {
			fail(i, req, "rejected write (%.200s) changed the table\nbefore: %s\n after: %s", resp.body, want, got)
			want = got
		}
	}
	t.Logf("%d requests to %s, %d writes accepted", n, endpoint, accepted)
	if !healthy(endpoint) {
		t.Fatalf("GET %s/health is not 200 after the run", endpoint)
	}
	if _, err := snapshot(ctx, c); err != nil {
		t.Fatalf("server no longer serves a Scan: %v", err)
	}
}

// healthy reports whether GET /health on endpoint answers 200.
func healthy(endpoint string) bool {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(endpoint + "/health")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
