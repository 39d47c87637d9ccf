package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkError wraps err the way the AWS SDK for Go v2 returns an API error
// that arrived in an HTTP response with the given status.
func sdkError(status int, err error) error {
	resp := &smithyhttp.Response{Response: &http.Response{StatusCode: status}}
	return &smithy.OperationError{
		ServiceID:     "DynamoDB",
		OperationName: "PutItem",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: resp, Err: err},
			RequestID:     "req-1",
		},
	}
}

// sendError wraps err the way the SDK returns a transport failure.
func sendError(err error) error {
	return &smithy.OperationError{
		ServiceID:     "DynamoDB",
		OperationName: "GetItem",
		Err: &smithyhttp.RequestSendError{Err: &url.Error{
			Op: "Post", URL: "http://127.0.0.1:1", Err: err,
		}},
	}
}

func dialError(errno syscall.Errno) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
}

func TestClassifyError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Outcome
	}{
		{"nil", nil, OK},
		{"conditional check failed", sdkError(400, &types.ConditionalCheckFailedException{Message: ptr("x")}), Fail},
		{"validation", sdkError(400, &smithy.GenericAPIError{Code: "ValidationException"}), Fail},
		{"resource not found", sdkError(400, &types.ResourceNotFoundException{}), Fail},
		{"transaction canceled", sdkError(400, &types.TransactionCanceledException{}), Fail},
		{"throughput exceeded", sdkError(400, &types.ProvisionedThroughputExceededException{}), Fail},
		{"other 4xx", sdkError(403, &smithy.GenericAPIError{Code: "AccessDenied"}), Fail},
		{"internal server error", sdkError(500, &types.InternalServerError{}), Unknown},
		{"service unavailable", sdkError(503, &smithy.GenericAPIError{Code: "ServiceUnavailableException", Fault: smithy.FaultServer}), Unknown},
		{"200 with a truncated body", sdkError(200, &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}), Unknown},
		{"5xx without body", sdkError(502, errors.New("unexpected EOF")), Unknown},
		{"client fault without response", &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}, Fail},
		{"invalid params", &smithy.OperationError{Err: smithy.InvalidParamsError{Context: "PutItemInput"}}, Fail},
		{"serialization", &smithy.OperationError{Err: &smithy.SerializationError{Err: errors.New("bad")}}, Fail},
		{"connection refused at dial", sendError(dialError(syscall.ECONNREFUSED)), Fail},
		{"no route at dial", sendError(dialError(syscall.EHOSTUNREACH)), Fail},
		{"dial timeout", sendError(&net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}), Unknown},
		{"connection reset on read", sendError(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), Unknown},
		{"refused outside dial", sendError(&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.ECONNREFUSED)}), Unknown},
		{"eof", sendError(io.EOF), Unknown},
		{"closed connection", sendError(net.ErrClosed), Unknown},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), Unknown},
		{"canceled", &smithy.CanceledError{Err: context.Canceled}, Unknown},
		{"anything else", errors.New("use of closed network connection"), Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ClassifyError(tt.err); got != tt.want {
				t.Errorf("ClassifyError(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
