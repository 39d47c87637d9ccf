package ycsb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/aws/smithy-go/middleware"
)

// NewClient returns a DynamoDB client for endpoint (a URL or host:port)
// with dummy credentials, no retries, and an HTTP transport that keeps up
// to conns connections open.
//
// The client is the load generator, whose CPU shares the machine with the
// server it measures, so it leaves out the SDK's work that no server
// sees: the endpoint is fixed instead of resolved by the rules engine
// on every request, and the middlewares that validate input, add the
// invocation-id, user-agent and retry headers, run the retry loop, time
// responses, check the response CRC32, log and keep raw responses are
// removed. Requests are still serialised, signed with SigV4 and sent over
// HTTP/1.1 by the SDK, and responses and errors decoded by it, as for
// any application. About a quarter less client CPU per GetItem.
func NewClient(endpoint string, conns int) (*dynamodb.Client, error) {
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	endpoint = strings.TrimRight(endpoint, "/")
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("ycsb: endpoint %q: %w", endpoint, err)
	}
	return dynamodb.New(dynamodb.Options{
		Region:             "us-east-1",
		BaseEndpoint:       aws.String(endpoint),
		EndpointResolverV2: fixedEndpoint{smithyendpoints.Endpoint{URI: *u}},
		Credentials:        credentials.NewStaticCredentialsProvider("ycsb", "ycsb", ""),
		HTTPClient:         HTTPClient(conns),
		RetryMaxAttempts:   1,
		APIOptions:         []func(*middleware.Stack) error{removeUnseen},
	}), nil
}

// HTTPClient returns an HTTP client whose transport keeps up to conns
// connections open.
func HTTPClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{Transport: tr}
}

// fixedEndpoint resolves every request to one endpoint.
type fixedEndpoint struct{ e smithyendpoints.Endpoint }

func (f fixedEndpoint) ResolveEndpoint(context.Context, dynamodb.EndpointParameters) (smithyendpoints.Endpoint, error) {
	return f.e, nil
}

// unseen lists, per stack step, the SDK middlewares whose work a server
// does not depend on.
var unseen = struct{ initialize, build, finalize, deserialize []string }{
	initialize:  []string{"OperationInputValidation"},
	build:       []string{"ClientRequestID", "UserAgent", "RecursionDetection"},
	finalize:    []string{"InterceptBeforeRetryLoop", "Retry", "InterceptAttempt", "DiscoverEndpoint"},
	deserialize: []string{"RecordResponseTiming", "DynamoDB:ResponseChecksumValidation", "RequestResponseLogger", "RequestIDRetriever", "AddRawResponseToMetadata"},
}

// removeUnseen removes the unseen middlewares from an operation's stack;
// one that a version of the SDK does not have is skipped.
func removeUnseen(s *middleware.Stack) error {
	for _, id := range unseen.initialize {
		s.Initialize.Remove(id)
	}
	for _, id := range unseen.build {
		s.Build.Remove(id)
	}
	for _, id := range unseen.finalize {
		s.Finalize.Remove(id)
	}
	for _, id := range unseen.deserialize {
		s.Deserialize.Remove(id)
	}
	return nil
}
