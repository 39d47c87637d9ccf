package history

import (
	"errors"
	"net"
	"syscall"

	"github.com/aws/smithy-go"
)

// ClassifyError decides what a client knows about a request that returned
// err, for an AWS SDK for Go v2 client whose retries are disabled:
//
//   - nil: OK.
//   - an API error answered with a 4xx status (ConditionalCheckFailed,
//     Validation, ResourceNotFound, TransactionCanceled,
//     ProvisionedThroughputExceeded, ...): Fail; the server rejected it.
//   - a request the SDK refused to build (invalid parameters, serialization)
//     or could not connect for (connection refused or no route at dial):
//     Fail; nothing was sent.
//   - a 5xx status, a timeout or deadline, a reset, EOF or closed
//     connection, and anything not recognised: Unknown.
func ClassifyError(err error) Outcome {
	switch {
	case err == nil:
		return OK
	case neverSent(err):
		return Fail
	}
	if status, ok := httpStatus(err); ok {
		if status >= 400 && status < 500 {
			return Fail
		}
		return Unknown
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorFault() == smithy.FaultClient {
		return Fail
	}
	return Unknown
}

// neverSent reports whether err shows that the request never left the
// client.
func neverSent(err error) bool {
	var params smithy.InvalidParamsError
	var ser *smithy.SerializationError
	if errors.As(err, &params) || errors.As(err, &ser) {
		return true
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return false
	}
	return errors.Is(op.Err, syscall.ECONNREFUSED) ||
		errors.Is(op.Err, syscall.EHOSTUNREACH) ||
		errors.Is(op.Err, syscall.ENETUNREACH)
}

// httpStatus returns the status code of the HTTP response err carries, if
// the request got one.
func httpStatus(err error) (int, bool) {
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) {
		return 0, false
	}
	return re.HTTPStatusCode(), true
}
