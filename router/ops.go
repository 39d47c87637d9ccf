package router

import "context"

// handler serves one operation: it decodes body and returns the response
// value to encode, or an error (a *dberr.Error, or an internal fault).
type handler func(r *Router, ctx context.Context, body []byte) (any, error)

// operations maps X-Amz-Target operation names to handlers.
var operations = map[string]handler{
	// control plane (control.go)
	"CreateTable":        (*Router).createTable,
	"DescribeTable":      (*Router).describeTable,
	"ListTables":         (*Router).listTables,
	"DeleteTable":        (*Router).deleteTable,
	"UpdateTable":        (*Router).updateTable,
	"TagResource":        (*Router).tagResource,
	"UntagResource":      (*Router).untagResource,
	"ListTagsOfResource": (*Router).listTagsOfResource,
	"DescribeEndpoints":  (*Router).describeEndpoints,
	"DescribeLimits":     (*Router).describeLimits,

	// data plane (data.go)
	"PutItem":        (*Router).putItem,
	"GetItem":        (*Router).getItem,
	"UpdateItem":     (*Router).updateItem,
	"DeleteItem":     (*Router).deleteItem,
	"Query":          (*Router).query,
	"Scan":           (*Router).scan,
	"BatchGetItem":   (*Router).batchGetItem,
	"BatchWriteItem": (*Router).batchWriteItem,
}
