package badinput

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// rawClient sends signed DynamoDB JSON requests with arbitrary bodies.
type rawClient struct {
	endpoint string
	http     *http.Client
	signer   *v4.Signer
}

func newRawClient(endpoint string) *rawClient {
	return &rawClient{endpoint: endpoint, http: &http.Client{Timeout: 30 * time.Second}, signer: v4.NewSigner()}
}

// response is what came back for one request.
type response struct {
	status int
	body   []byte
	header http.Header
}

func (c *rawClient) send(ctx context.Context, target string, body []byte) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return response{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
		return response{}, fmt.Errorf("sign request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("send request: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("read response: %w", err)
	}
	return response{status: resp.StatusCode, body: b, header: resp.Header}, nil
}

// call sends a well-formed request and decodes a 200 response into out.
func (c *rawClient) call(ctx context.Context, op string, in any, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode %s: %w", op, err)
	}
	resp, err := c.send(ctx, "DynamoDB_20120810."+op, body)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return &httpError{op: op, status: resp.status, body: resp.body}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("decode %s response: %w", op, err)
	}
	return nil
}

// httpError is a non-200 answer to a well-formed request.
type httpError struct {
	op     string
	status int
	body   []byte
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.op, e.status, e.body)
}

// errorType is the DynamoDB error type in the body's __type, without its
// namespace prefix ("" if there is none).
func (e *httpError) errorType() string {
	var obj struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(e.body, &obj) != nil {
		return ""
	}
	_, name, found := strings.Cut(obj.Type, "#")
	if !found {
		return obj.Type
	}
	return name
}

// problem describes what is wrong with a response, or "" if it is a
// well-formed DynamoDB answer.
func (r response) problem() string {
	if r.status != http.StatusOK && r.status != http.StatusBadRequest {
		return fmt.Sprintf("HTTP %d (want 200 or 400)", r.status)
	}
	if r.header.Get("x-amzn-RequestId") == "" {
		return "no x-amzn-RequestId header"
	}
	if crc := r.header.Get("x-amz-crc32"); crc == "" {
		return "no x-amz-crc32 header"
	} else if want := strconv.FormatUint(uint64(crc32.ChecksumIEEE(r.body)), 10); crc != want {
		return fmt.Sprintf("x-amz-crc32 %s, body checksum %s", crc, want)
	}
	var obj map[string]any
	if err := json.Unmarshal(r.body, &obj); err != nil {
		return fmt.Sprintf("body is not a JSON object: %v", err)
	}
	if r.status == http.StatusBadRequest {
		typ, _ := obj["__type"].(string)
		if typ == "" {
			return "error body without __type"
		}
	}
	return ""
}
