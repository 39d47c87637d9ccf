package router

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Batch limits.
const (
	maxBatchGetKeys       = 100
	maxBatchWriteRequests = 25
	// maxBatchGetBytes is BatchGetItem's response limit; keys whose items
	// would push a response past it are returned in UnprocessedKeys.
	maxBatchGetBytes = 16 << 20
)

const batchTableNameConstraint = "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"

// batchTableNames records a failure if any table name in a batch request
// breaks DynamoDB's table name rules.
func (c *constraints) batchTableNames(names []string) {
	for _, n := range names {
		if len(n) < 3 || len(n) > 255 || !validTableName(n) {
			c.add(fmt.Sprintf("{%s}", n), "requestItems", batchTableNameConstraint)
			return
		}
	}
}

// isRetryable reports whether a failed write or read of one batch element
// should be returned as unprocessed rather than fail the whole batch.
func isRetryable(err error) bool {
	return dberr.Is(err, dberr.Throttling) || dberr.Is(err, dberr.ProvisionedThroughputExceeded) || dberr.Is(err, dberr.Unavailable)
}

// ---- BatchGetItem ----

// keysAndAttributes is one table's part of a BatchGetItem request.
type keysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	AttributesToGet          []string          `json:"AttributesToGet,omitempty"`
	ConsistentRead           *bool             `json:"ConsistentRead,omitempty"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
}

type batchGetItemInput struct {
	RequestItems           map[string]*keysAndAttributes
	ReturnConsumedCapacity *string
}

type batchGetItemOutput struct {
	Responses        map[string][]attr.Item        `json:"Responses"`
	UnprocessedKeys  map[string]*keysAndAttributes `json:"UnprocessedKeys"`
	ConsumedCapacity []*consumedCapacity           `json:"ConsumedCapacity,omitempty"`
}

// batchGetTable is one validated table of a BatchGetItem.
type batchGetTable struct {
	name  string
	req   *keysAndAttributes
	paths []expr.Path
	t     *schema.Table
}

func (r *Router) batchGetItem(ctx context.Context, body []byte) (any, error) {
	var req batchGetItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	tables, err := req.validate()
	if err != nil {
		return nil, err
	}
	for _, bt := range tables {
		if bt.t, err = r.table(ctx, &bt.name); err != nil {
			return nil, err
		}
		for _, k := range bt.req.Keys {
			if err := validateKey(k, bt.t.Key); err != nil {
				return nil, err
			}
		}
	}
	return r.batchGet(ctx, tables, req.ReturnConsumedCapacity)
}

// validate runs BatchGetItem's table-independent checks and returns the
// tables in name order.
func (req *batchGetItemInput) validate() ([]*batchGetTable, error) {
	var c constraints
	c.enum(req.ReturnConsumedCapacity, "returnConsumedCapacity", enumReturnConsumedCapacity)
	names := slices.Sorted(maps.Keys(req.RequestItems))
	switch {
	case req.RequestItems == nil:
		c.addNull("requestItems")
	case len(req.RequestItems) == 0:
		c.add("{}", "requestItems", "Member must have length greater than or equal to 1")
	default:
		c.batchTableNames(names)
	}
	for _, n := range names {
		req.RequestItems[n].checkConstraints(&c, n)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	var tables []*batchGetTable
	total := 0
	for _, n := range names {
		ka := req.RequestItems[n]
		if err := ka.validateKeys(&total); err != nil {
			return nil, err
		}
		paths, err := readProjection(ka.AttributesToGet, ka.ProjectionExpression, ka.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		tables = append(tables, &batchGetTable{name: n, req: ka, paths: paths})
	}
	return tables, nil
}

// checkConstraints records the schema-level failures of one table's part.
func (ka *keysAndAttributes) checkConstraints(c *constraints, table string) {
	field := "requestItems." + table + ".member.keys"
	switch {
	case ka == nil:
		c.addNull("requestItems." + table + ".member")
		return
	case ka.Keys == nil:
		c.addNull(field)
	case len(ka.Keys) < 1:
		c.add("[]", field, "Member must have length greater than or equal to 1")
	case len(ka.Keys) > maxBatchGetKeys:
		c.add(fmt.Sprintf("[%d keys]", len(ka.Keys)), field, fmt.Sprintf("Member must have length less than or equal to %d", maxBatchGetKeys))
	}
	if ka.AttributesToGet != nil && len(ka.AttributesToGet) < 1 {
		c.add("[]", "requestItems."+table+".member.attributesToGet", "Member must have length greater than or equal to 1")
	}
}

// validateKeys checks one table's keys: valid values, no duplicates, and
// the running total of keys (total) within the limit.
func (ka *keysAndAttributes) validateKeys(total *int) error {
	seen := map[string]bool{}
	for _, k := range ka.Keys {
		if err := attr.ValidateItem(k); err != nil {
			return err
		}
		ck := canonicalKey(k)
		if seen[ck] {
			return dberr.Validationf("Provided list of item keys contains duplicates")
		}
		seen[ck] = true
		if *total++; *total > maxBatchGetKeys {
			return dberr.Validationf("Too many items requested for the BatchGetItem call")
		}
	}
	return nil
}

// batchGet reads every key, stopping at the response size limit and
// returning the rest as unprocessed.
func (r *Router) batchGet(ctx context.Context, tables []*batchGetTable, mode *string) (any, error) {
	out := &batchGetItemOutput{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]*keysAndAttributes{}}
	var tally capacityTally
	size := 0
	for _, bt := range tables {
		items := []attr.Item{}
		consistent := bt.req.ConsistentRead != nil && *bt.req.ConsistentRead
		for _, k := range bt.req.Keys {
			if size >= maxBatchGetBytes {
				out.unprocessed(bt, k)
				continue
			}
			item, err := r.readItem(ctx, bt.t, k, consistent)
			if isRetryable(err) {
				out.unprocessed(bt, k)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("router: BatchGetItem on table %s: %w", bt.name, err)
			}
			n := attr.ItemSize(item)
			tally.add(bt.t, readUnits(n, consistent))
			if item != nil {
				size += n
				items = append(items, project(item, bt.paths))
			}
		}
		out.Responses[bt.name] = items
	}
	out.ConsumedCapacity = tally.list(mode)
	return out, nil
}

// unprocessed returns key of table bt to the client, with the table's
// read options.
func (out *batchGetItemOutput) unprocessed(bt *batchGetTable, key attr.Item) {
	u := out.UnprocessedKeys[bt.name]
	if u == nil {
		u = &keysAndAttributes{
			AttributesToGet:          bt.req.AttributesToGet,
			ConsistentRead:           bt.req.ConsistentRead,
			ProjectionExpression:     bt.req.ProjectionExpression,
			ExpressionAttributeNames: bt.req.ExpressionAttributeNames,
		}
		out.UnprocessedKeys[bt.name] = u
	}
	u.Keys = append(u.Keys, key)
}

// ---- BatchWriteItem ----

type putRequest struct {
	Item attr.Item `json:"Item"`
}

type deleteRequest struct {
	Key attr.Item `json:"Key"`
}

// writeRequest is one element of a BatchWriteItem table list.
type writeRequest struct {
	PutRequest    *putRequest    `json:"PutRequest,omitempty"`
	DeleteRequest *deleteRequest `json:"DeleteRequest,omitempty"`
}

type batchWriteItemInput struct {
	RequestItems                map[string][]*writeRequest
	ReturnConsumedCapacity      *string
	ReturnItemCollectionMetrics *string
}

type batchWriteItemOutput struct {
	UnprocessedItems map[string][]*writeRequest `json:"UnprocessedItems"`
	ConsumedCapacity []*consumedCapacity        `json:"ConsumedCapacity,omitempty"`
}

const batchWriteLengthConstraint = "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"

func (r *Router) batchWriteItem(ctx context.Context, body []byte) (any, error) {
	var req batchWriteItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	names, err := req.validate()
	if err != nil {
		return nil, err
	}
	tables := make(map[string]*schema.Table, len(names))
	for _, n := range names {
		if tables[n], err = r.table(ctx, &n); err != nil {
			return nil, err
		}
		if err := validateWrites(req.RequestItems[n], tables[n].Key); err != nil {
			return nil, err
		}
	}
	return r.batchWrite(ctx, names, tables, &req)
}

// validate runs BatchWriteItem's table-independent checks and returns the
// table names in order.
func (req *batchWriteItemInput) validate() ([]string, error) {
	var c constraints
	c.enum(req.ReturnConsumedCapacity, "returnConsumedCapacity", enumReturnConsumedCapacity)
	c.enum(req.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", enumItemCollectionMetrics)
	names := slices.Sorted(maps.Keys(req.RequestItems))
	switch {
	case req.RequestItems == nil:
		c.addNull("requestItems")
	case len(req.RequestItems) == 0:
		c.add("{}", "requestItems", "Member must have length greater than or equal to 1")
	default:
		c.batchTableNames(names)
	}
	total := 0
	for _, n := range names {
		reqs := req.RequestItems[n]
		total += len(reqs)
		if len(reqs) < 1 || len(reqs) > maxBatchWriteRequests {
			c.add(fmt.Sprintf("{%s=[%d requests]}", n, len(reqs)), "requestItems", batchWriteLengthConstraint)
			break
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if total > maxBatchWriteRequests {
		return nil, dberr.Validationf("Too many items requested for the BatchWriteItem call")
	}
	for _, n := range names {
		for _, w := range req.RequestItems[n] {
			if err := w.validateValues(); err != nil {
				return nil, err
			}
		}
	}
	return names, nil
}

// validateValues checks one request's shape and attribute values.
func (w *writeRequest) validateValues() error {
	switch {
	case w == nil || (w.PutRequest == nil) == (w.DeleteRequest == nil):
		return dberr.Validationf("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	case w.PutRequest != nil:
		if w.PutRequest.Item == nil {
			return dberr.Validationf("1 validation error detected: Value null at 'requestItems.member.putRequest.item' failed to satisfy constraint: Member must not be null")
		}
		if err := attr.ValidateItem(w.PutRequest.Item); err != nil {
			return err
		}
		if attr.ItemSize(w.PutRequest.Item) > attr.MaxItemSize {
			return dberr.Validationf("Item size has exceeded the maximum allowed size")
		}
	default:
		if w.DeleteRequest.Key == nil {
			return dberr.Validationf("1 validation error detected: Value null at 'requestItems.member.deleteRequest.key' failed to satisfy constraint: Member must not be null")
		}
		return attr.ValidateItem(w.DeleteRequest.Key)
	}
	return nil
}

// validateWrites checks one table's requests against its key schema and
// rejects two requests for the same item.
func validateWrites(reqs []*writeRequest, ks schema.KeySchema) error {
	seen := map[string]bool{}
	for _, w := range reqs {
		key, err := w.key(ks)
		if err != nil {
			return err
		}
		ck := canonicalKey(key)
		if seen[ck] {
			return dberr.Validationf("Provided list of item keys contains duplicates")
		}
		seen[ck] = true
	}
	return nil
}

// key validates the request's item or key against ks and returns the key.
func (w *writeRequest) key(ks schema.KeySchema) (attr.Item, error) {
	if w.DeleteRequest != nil {
		return w.DeleteRequest.Key, validateKey(w.DeleteRequest.Key, ks)
	}
	// BatchWriteItem reports a missing or mistyped key attribute of a
	// PutRequest item as a schema mismatch.
	if ks.CheckItem(w.PutRequest.Item) != nil {
		return nil, errKeySchema()
	}
	return ks.KeyOf(w.PutRequest.Item), validateKeyValues(w.PutRequest.Item, ks)
}

// batchWrite applies every request in order (not atomically); requests
// that hit a retryable failure are returned as unprocessed.
func (r *Router) batchWrite(ctx context.Context, names []string, tables map[string]*schema.Table, req *batchWriteItemInput) (any, error) {
	out := &batchWriteItemOutput{UnprocessedItems: map[string][]*writeRequest{}}
	var tally capacityTally
	for _, n := range names {
		t := tables[n]
		for _, w := range req.RequestItems[n] {
			cmd, known := w.command()
			res, err := r.writeItem(ctx, t, cmd)
			if isRetryable(err) {
				out.UnprocessedItems[n] = append(out.UnprocessedItems[n], w)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("router: BatchWriteItem on table %s: %w", n, err)
			}
			if res.Err != nil {
				return nil, res.Err
			}
			tally.add(t, writeUnits(max(res.ItemBytes, known)))
		}
	}
	out.ConsumedCapacity = tally.list(req.ReturnConsumedCapacity)
	return out, nil
}

// command returns the partition command of a request and the size of the
// item version the router knows (the new item of a put).
func (w *writeRequest) command() (*partition.Command, int) {
	if w.PutRequest != nil {
		return &partition.Command{Op: partition.OpPut, Item: w.PutRequest.Item}, attr.ItemSize(w.PutRequest.Item)
	}
	return &partition.Command{Op: partition.OpDelete, Item: w.DeleteRequest.Key}, 0
}
