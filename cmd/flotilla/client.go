package main

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// endpointURL turns host:port or a URL into a URL.
func endpointURL(addr string) string {
	if strings.Contains(addr, "://") {
		return strings.TrimRight(addr, "/")
	}
	return "http://" + addr
}

// newClient returns a DynamoDB client for endpoint with dummy credentials,
// whose HTTP transport keeps up to conns connections open.
func newClient(endpoint string, conns int) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("flotilla", "flotilla", ""),
		HTTPClient:       ycsb.HTTPClient(conns),
		RetryMaxAttempts: 1,
	})
}
