package ycsb

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestNewClientRequests checks what the load generator's client still
// sends and decodes: a signed request to the endpoint with the target
// header and JSON body, the item of an answer, and a typed error,
// without the headers of the middlewares it leaves out.
func TestNewClientRequests(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Clone(context.Background()))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".DescribeTable") {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`))
			return
		}
		w.Write([]byte(`{"Item":{"ycsb_key":{"S":"user1"}}}`))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL+"/", 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("usertable"),
		Key: map[string]types.AttributeValue{KeyAttr: &types.AttributeValueMemberS{Value: "user1"}}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if v, ok := out.Item[KeyAttr].(*types.AttributeValueMemberS); !ok || v.Value != "user1" {
		t.Errorf("GetItem item = %v", out.Item)
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeTable error = %v, want ResourceNotFoundException", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("server got %d requests, want 2", len(got))
	}
	r := got[0]
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		t.Errorf("request %s %s, want POST /", r.Method, r.URL.Path)
	}
	if h := r.Header.Get("X-Amz-Target"); h != "DynamoDB_20120810.GetItem" {
		t.Errorf("X-Amz-Target = %q", h)
	}
	if h := r.Header.Get("Authorization"); !strings.HasPrefix(h, "AWS4-HMAC-SHA256 Credential=ycsb/") {
		t.Errorf("Authorization = %q, want a SigV4 signature", h)
	}
	for _, h := range []string{"Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "X-Amzn-Trace-Id"} {
		if v := r.Header.Get(h); v != "" {
			t.Errorf("header %s = %q, want it left out", h, v)
		}
	}
}
