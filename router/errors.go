package router

import (
	"net/http"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

const typePrefix = "com.amazonaws.dynamodb.v20120810#"

// wireError is the one translation table from failure kind to DynamoDB's
// __type and HTTP status.
var wireError = map[dberr.Kind]struct {
	typ    string
	status int
}{
	dberr.Internal:                        {"com.amazonaws.dynamodb.v20120810#InternalServerError", http.StatusInternalServerError},
	dberr.Validation:                      {"com.amazon.coral.validate#ValidationException", http.StatusBadRequest},
	dberr.Serialization:                   {"com.amazon.coral.service#SerializationException", http.StatusBadRequest},
	dberr.UnknownOperation:                {"com.amazon.coral.service#UnknownOperationException", http.StatusBadRequest},
	dberr.ConditionalCheckFailed:          {typePrefix + "ConditionalCheckFailedException", http.StatusBadRequest},
	dberr.ResourceNotFound:                {typePrefix + "ResourceNotFoundException", http.StatusBadRequest},
	dberr.ResourceInUse:                   {typePrefix + "ResourceInUseException", http.StatusBadRequest},
	dberr.LimitExceeded:                   {typePrefix + "LimitExceededException", http.StatusBadRequest},
	dberr.ItemCollectionSizeLimitExceeded: {typePrefix + "ItemCollectionSizeLimitExceededException", http.StatusBadRequest},
	dberr.ProvisionedThroughputExceeded:   {typePrefix + "ProvisionedThroughputExceededException", http.StatusBadRequest},
	dberr.Throttling:                      {"com.amazon.coral.availability#ThrottlingException", http.StatusBadRequest},
	dberr.TransactionCanceled:             {typePrefix + "TransactionCanceledException", http.StatusBadRequest},
	dberr.Unavailable:                     {"com.amazon.coral.availability#ServiceUnavailableException", http.StatusServiceUnavailable},
	dberr.MissingAuthenticationToken:      {"com.amazon.coral.service#MissingAuthenticationTokenException", http.StatusBadRequest},
}
