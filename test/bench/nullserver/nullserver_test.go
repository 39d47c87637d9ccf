package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// TestWorkloadsRunClean runs every YCSB workload through the AWS SDK
// against the null handler: every canned response must decode.
func TestWorkloadsRunClean(t *testing.T) {
	h, err := newHandler(1024)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := ycsb.NewClient(srv.URL, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		t.Run("workload="+name, func(t *testing.T) {
			table := runWorkload(ctx, t, client, name, true)
			if err := table.Delete(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"),
		Key: map[string]types.AttributeValue{"k": &types.AttributeValueMemberS{Value: "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Item) != 11 {
		t.Errorf("GetItem returned %d attributes, want 11 (key and ten fields)", len(out.Item))
	}
	if _, err := client.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{}); err == nil ||
		!strings.Contains(err.Error(), "UnknownOperationException") {
		t.Errorf("DescribeLimits error = %v, want UnknownOperationException", err)
	}
}

// runWorkload creates the table of YCSB workload name through client,
// loads 100 records and runs 300 operations, all of which must succeed;
// it returns the table.
func runWorkload(ctx context.Context, t *testing.T, client *dynamodb.Client, name string, consistent bool) *ycsb.Table {
	t.Helper()
	w, err := ycsb.WorkloadByName(name)
	if err != nil {
		t.Fatal(err)
	}
	table := ycsb.NewTable("usertable", w, 4, consistent, []*dynamodb.Client{client})
	if err := table.Create(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := ycsb.Config{Workload: w, Records: 100, Operations: 300, Clients: 4, ItemSize: 1024, MaxScan: 10}
	if _, err := ycsb.Load(ctx, cfg, table.Store); err != nil {
		t.Fatal(err)
	}
	rep, err := ycsb.Run(ctx, cfg, table.Store)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors() != 0 || rep.Count() != 300 {
		t.Fatalf("%d operations, %d errors (first: %v); want 300 and none", rep.Count(), rep.Errors(), rep.FirstErr())
	}
	return table
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, &stdout, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no listening line; stderr %q", stderr.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	line, _ := bufio.NewReader(strings.NewReader(stdout.String())).ReadString('\n')
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	resp, err := http.Get("http://" + addr + "/ready")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /ready = %v, %v; want 200", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	// The server's fast path answers the item operations, the rest goes
	// through the handler: a workload runs clean end to end.
	client, err := ycsb.NewClient(addr, 4)
	if err != nil {
		t.Fatal(err)
	}
	runWorkload(ctx, t, client, "a", false)
	if _, err := client.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{}); err == nil ||
		!strings.Contains(err.Error(), "UnknownOperationException") {
		t.Errorf("DescribeLimits error = %v, want UnknownOperationException", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run = %v after cancel, want nil", err)
	}
}
