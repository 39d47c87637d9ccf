package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

const (
	targetPrefix = "DynamoDB_20120810."
	contentType  = "application/x-amz-json-1.0"
)

// handler answers DynamoDB requests with canned responses.
type handler struct {
	getItem []byte // GetItem's response
	query   []byte // Query's and Scan's response
}

// newHandler precomputes the responses for records of about itemSize
// bytes.
func newHandler(itemSize int) (*handler, error) {
	fieldLen := max((itemSize-90)/10, 1)
	item := map[string]map[string]string{"ycsb_key": {"S": "user6284781860667377211"}}
	for i := range 10 {
		item[fmt.Sprintf("field%d", i)] = map[string]string{"S": strings.Repeat("x", fieldLen)}
	}
	get, err := json.Marshal(map[string]any{"Item": item})
	if err != nil {
		return nil, fmt.Errorf("encode GetItem response: %w", err)
	}
	query, err := json.Marshal(map[string]any{"Items": []any{item, item, item}, "Count": 3, "ScannedCount": 3})
	if err != nil {
		return nil, fmt.Errorf("encode Query response: %w", err)
	}
	return &handler{getItem: get, query: query}, nil
}

var (
	empty       = []byte("{}")
	batchWrite  = []byte(`{"UnprocessedItems":{}}`)
	batchGet    = []byte(`{"Responses":{},"UnprocessedKeys":{}}`)
	listTables  = []byte(`{"TableNames":[]}`)
	unknownType = "com.amazonaws.dynamodb.v20120810#UnknownOperationException"
)

// fast returns the server's handler: the item operations the workloads
// send are answered here, on fasthttp's connection buffers, as flotilla's
// own HTTP port answers them, so that the endpoint costs as little as an
// endpoint can; everything else goes through ServeHTTP.
func (h *handler) fast() fasthttp.RequestHandler {
	slow := fasthttpadaptor.NewFastHTTPHandler(h)
	return func(c *fasthttp.RequestCtx) {
		var body []byte
		if c.IsPost() {
			if op, ok := bytes.CutPrefix(c.Request.Header.Peek("X-Amz-Target"), []byte(targetPrefix)); ok {
				body = h.itemResponse(string(op))
			}
		}
		if body == nil {
			slow(c)
			return
		}
		c.Response.Header.SetContentType(contentType)
		c.SetBody(body)
	}
}

// itemResponse is the canned answer to an item operation, or nil for
// any other operation.
func (h *handler) itemResponse(op string) []byte {
	switch op {
	case "GetItem":
		return h.getItem
	case "Query", "Scan":
		return h.query
	case "PutItem", "UpdateItem", "DeleteItem":
		return empty
	case "BatchWriteItem":
		return batchWrite
	case "BatchGetItem":
		return batchGet
	}
	return nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/ready" {
		w.WriteHeader(http.StatusOK)
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeError(w, unknownType, "expected a POST with X-Amz-Target: "+targetPrefix+"<Operation>")
		return
	}
	switch op {
	case "CreateTable", "DescribeTable", "UpdateTable", "DeleteTable":
		h.table(w, r, op)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	switch body := h.itemResponse(op); {
	case body != nil:
		write(w, body)
	case op == "ListTables":
		write(w, listTables)
	default:
		writeError(w, unknownType, "nullserver does not answer "+op)
	}
}

// table answers the table operations with a description of the table the
// request names.
func (h *handler) table(w http.ResponseWriter, r *http.Request, op string) {
	var req struct {
		TableName            string
		KeySchema            []any
		AttributeDefinitions []any
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, "com.amazon.coral.validate#ValidationException", "bad request body: "+err.Error())
		return
	}
	status, wrapper := "ACTIVE", "TableDescription"
	switch op {
	case "DescribeTable":
		wrapper = "Table"
	case "DeleteTable":
		status = "DELETING"
	}
	desc := map[string]any{
		"TableName": req.TableName, "TableStatus": status, "KeySchema": orEmpty(req.KeySchema),
		"AttributeDefinitions": orEmpty(req.AttributeDefinitions), "ItemCount": 0, "TableSizeBytes": 0,
		"CreationDateTime": float64(time.Now().Unix()), "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/" + req.TableName,
		"BillingModeSummary": map[string]string{"BillingMode": "PAY_PER_REQUEST"},
	}
	b, err := json.Marshal(map[string]any{wrapper: desc})
	if err != nil {
		writeError(w, "com.amazonaws.dynamodb.v20120810#InternalServerError", err.Error())
		return
	}
	write(w, b)
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func write(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, typ, msg string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(b)
}
