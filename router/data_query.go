package router

import (
	"context"
	"fmt"
	"math"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// readInput is the part shared by Query and Scan requests.
type readInput struct {
	TableName                 *string
	IndexName                 *string
	Select                    *string
	AttributesToGet           []string
	Limit                     *int
	ConsistentRead            *bool
	ConditionalOperator       *string
	ExclusiveStartKey         attr.Item
	ReturnConsumedCapacity    *string
	ProjectionExpression      *string
	FilterExpression          *string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues map[string]attr.Value
}

// checkConstraints records the shared schema-level failures.
func (in *readInput) checkConstraints(c *constraints) {
	c.tableName(in.TableName, "tableName")
	c.indexName(in.IndexName)
	c.enum(in.Select, "select", enumSelect)
	c.attributesToGet(in.AttributesToGet)
	c.intRange(in.Limit, "limit", 1, 0)
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", enumReturnConsumedCapacity)
	c.conditionalOperator(in.ConditionalOperator)
}

// checkStartKeyValues validates the values of ExclusiveStartKey.
func (in *readInput) checkStartKeyValues() error {
	if err := attr.ValidateItem(in.ExclusiveStartKey); err != nil {
		return dberr.Validationf("The provided starting key is invalid: %s", dberr.As(err).Message)
	}
	return nil
}

// checkSelect applies the rules tying Select to projections and indexes.
// wrap is the prefix DynamoDB puts before the SPECIFIC_ATTRIBUTES message.
func (in *readInput) checkSelect(wrap string) error {
	if in.Select == nil {
		return nil
	}
	projParam := ""
	switch {
	case in.AttributesToGet != nil:
		projParam = "AttributesToGet"
	case in.ProjectionExpression != nil:
		projParam = "ProjectionExpression"
	}
	switch sel := *in.Select; {
	case sel == selectCount && projParam != "":
		return dberr.Validationf("Cannot specify the %s when choosing to get only the Count", projParam)
	case (sel == selectAll || sel == selectAllProjected) && projParam != "":
		return dberr.Validationf("Cannot specify the %s when choosing to get %s", projParam, sel)
	case sel == selectAllProjected && in.IndexName == nil:
		return dberr.Validationf("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	case sel == selectSpecific && projParam == "":
		return dberr.Validationf("%sMust specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES", wrap)
	}
	return nil
}

// parsedRead holds a read's parsed filter and projection.
type parsedRead struct {
	env        *expr.Env
	filter     *expr.Condition
	filterText string
	projText   string
	projection []expr.Path
}

// source returns the text the read was parsed from, with keyText the
// Query's key condition ("" for a Scan).
func (p *parsedRead) source(keyText string) *partition.ReadSource {
	return &partition.ReadSource{
		KeyCondition: keyText,
		Filter:       p.filterText,
		Projection:   p.projText,
		Names:        p.env.Names,
		Values:       p.env.Values,
	}
}

// parseRead translates the legacy filter (legacyFilter names it: QueryFilter
// or ScanFilter) and AttributesToGet, and parses FilterExpression and
// ProjectionExpression over ln.
func (in *readInput) parseRead(legacyParam string, legacyFilter map[string]legacyCondition, ln *legacyNames) (*parsedRead, error) {
	filter := in.FilterExpression
	if legacyFilter != nil || (in.ConditionalOperator != nil && in.FilterExpression == nil) {
		s, err := filterExpression(legacyParam, legacyFilter, in.ConditionalOperator, ln)
		if err != nil {
			return nil, err
		}
		filter = optText(s)
	}
	proj, err := projectionText(in.AttributesToGet, in.ProjectionExpression, ln)
	if err != nil {
		return nil, err
	}
	p := &parsedRead{env: expr.NewEnv(ln.Names, ln.Values), filterText: deref(filter), projText: deref(proj)}
	if p.filter, err = parseCondition("FilterExpression", filter, p.env); err != nil {
		return nil, err
	}
	if p.projection, err = parseProjection(proj, p.env); err != nil {
		return nil, err
	}
	return p, nil
}

// checkIndex reports an IndexName the table does not have (flotilla tables
// have no secondary indexes yet).
func (in *readInput) checkIndex() error {
	if in.IndexName != nil {
		return dberr.Validationf("The table does not have the specified index: %s", *in.IndexName)
	}
	return nil
}

func (in *readInput) consistent() bool { return in.ConsistentRead != nil && *in.ConsistentRead }

func (in *readInput) countOnly() bool { return in.Select != nil && *in.Select == selectCount }

func (in *readInput) limit() int {
	if in.Limit == nil {
		return 0
	}
	return *in.Limit
}

// pageOutput is the response of Query and Scan.
type pageOutput struct {
	Items            *[]attr.Item      `json:"Items,omitempty"`
	Count            int               `json:"Count"`
	ScannedCount     int               `json:"ScannedCount"`
	LastEvaluatedKey attr.Item         `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// render turns a partition page into the response.
func (in *readInput) render(t *schema.Table, p *partition.Page) *pageOutput {
	out := &pageOutput{
		Count:            p.Count,
		ScannedCount:     p.ScannedCount,
		LastEvaluatedKey: nonEmpty(p.LastEvaluatedKey),
		ConsumedCapacity: newCapacity(t, in.ReturnConsumedCapacity, readUnits(p.ReadBytes, in.consistent())),
	}
	if !in.countOnly() {
		items := p.Items
		if items == nil {
			items = []attr.Item{}
		}
		out.Items = &items
	}
	return out
}

// pathLister is implemented by parsed conditions that can list the
// document paths they read.
type pathLister interface{ Paths() []expr.Path }

// checkFilterKeys rejects a Query filter that reads a key attribute.
func checkFilterKeys(p *parsedRead, queryFilter map[string]legacyCondition, ks schema.KeySchema) error {
	if queryFilter != nil {
		for _, k := range ks.Attrs() {
			if _, ok := queryFilter[k.Name]; ok {
				return dberr.Validationf("QueryFilter can only contain non-primary key attributes: Primary key attribute: %s", k.Name)
			}
		}
		return nil
	}
	pl, ok := any(p.filter).(pathLister)
	if p.filter == nil || !ok {
		return nil
	}
	for _, path := range pl.Paths() {
		if len(path) > 0 && ks.IsKey(path[0].Name) {
			return dberr.Validationf("Filter Expression can only contain non-primary key attributes: Primary key attribute: %s", path[0].Name)
		}
	}
	return nil
}

// ---- Query ----

type queryInput struct {
	readInput
	KeyConditions          map[string]legacyCondition
	QueryFilter            map[string]legacyCondition
	ScanIndexForward       *bool
	KeyConditionExpression *string
}

func (r *Router) query(ctx context.Context, body []byte) (any, error) {
	var req queryInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	req.checkConstraints(&c)
	c.legacyConditions("keyConditions", req.KeyConditions)
	c.legacyConditions("queryFilter", req.QueryFilter)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	ln := newLegacyNames(req.ExpressionAttributeNames, req.ExpressionAttributeValues)
	keyText := req.KeyConditionExpression
	if req.KeyConditions != nil && keyText == nil {
		s, err := keyConditionsExpression(req.KeyConditions, ln)
		if err != nil {
			return nil, err
		}
		keyText = &s
	}
	p, err := req.parseRead("QueryFilter", req.QueryFilter, ln)
	if err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	in, err := req.queryInput(t, keyText, p)
	if err != nil {
		return nil, err
	}
	page, err := r.queryPage(ctx, t, in)
	if err != nil {
		return nil, fmt.Errorf("router: Query on table %s: %w", t.Name, err)
	}
	return req.render(t, page), nil
}

// validate runs Query's table-independent checks, in DynamoDB's order.
func (req *queryInput) validate() error {
	legacyKeys := req.KeyConditions != nil && req.KeyConditionExpression != nil
	exprs := []param{
		{"ProjectionExpression", req.ProjectionExpression != nil},
		{"FilterExpression", req.FilterExpression != nil},
		{"KeyConditionExpression", req.KeyConditionExpression != nil},
	}
	legacy := []param{
		{"AttributesToGet", req.AttributesToGet != nil},
		{"QueryFilter", req.QueryFilter != nil},
		{"ConditionalOperator", req.ConditionalOperator != nil},
		{"KeyConditions", legacyKeys},
	}
	if err := checkExpressionMix(exprs, legacy, req.ExpressionAttributeNames != nil, req.ExpressionAttributeValues != nil); err != nil {
		return err
	}
	if err := req.checkStartKeyValues(); err != nil {
		return err
	}
	if req.KeyConditions == nil && req.KeyConditionExpression == nil {
		return dberr.Validationf("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	if err := validateEnvMaps(req.ExpressionAttributeNames, req.ExpressionAttributeValues); err != nil {
		return err
	}
	return req.checkSelect("1 validation error detected: ")
}

// queryInput runs Query's table-dependent checks and builds the partition
// input.
func (req *queryInput) queryInput(t *schema.Table, keyText *string, p *parsedRead) (*partition.QueryInput, error) {
	if err := req.checkIndex(); err != nil {
		return nil, err
	}
	if keyText != nil && *keyText == "" {
		return nil, errEmptyExpression("KeyConditionExpression")
	}
	kc, err := expr.ParseKeyCondition(*keyText, p.env, t.Key)
	if err != nil {
		return nil, err
	}
	if err := p.env.CheckUnused(); err != nil {
		return nil, err
	}
	if err := checkFilterKeys(p, req.QueryFilter, t.Key); err != nil {
		return nil, err
	}
	if err := checkQueryStartKey(req.ExclusiveStartKey, t.Key, kc); err != nil {
		return nil, err
	}
	return &partition.QueryInput{
		Key:               kc,
		Forward:           req.ScanIndexForward == nil || *req.ScanIndexForward,
		Limit:             req.limit(),
		ExclusiveStartKey: req.ExclusiveStartKey,
		Filter:            p.filter,
		Projection:        p.projection,
		CountOnly:         req.countOnly(),
		Consistent:        req.consistent(),
		Source:            p.source(*keyText),
	}, nil
}

// checkQueryStartKey checks a Query's ExclusiveStartKey against the key
// schema and the key condition.
func checkQueryStartKey(start attr.Item, ks schema.KeySchema, kc *expr.KeyCondition) error {
	if start == nil {
		return nil
	}
	if matchKeySchema(start, ks) != nil {
		return dberr.Validationf("The provided starting key is invalid")
	}
	if err := validateKeyValues(start, ks); err != nil {
		return dberr.Validationf("The provided starting key is invalid: %s", dberr.As(err).Message)
	}
	if kc.Op != expr.RangeNone && !kc.MatchesRange(start[kc.RangeName]) {
		return dberr.Validationf("The provided starting key does not match the range key predicate")
	}
	if !attr.Equal(start[kc.HashName], kc.HashValue) {
		return dberr.Validationf("The provided starting key is outside query boundaries based on provided conditions")
	}
	return nil
}

// ---- Scan ----

type scanInput struct {
	readInput
	ScanFilter    map[string]legacyCondition
	Segment       *int
	TotalSegments *int
}

// maxTotalSegments is DynamoDB's limit on parallel scan segments.
const maxTotalSegments = 1000000

func (r *Router) scan(ctx context.Context, body []byte) (any, error) {
	var req scanInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	req.checkConstraints(&c)
	c.intRange(req.Segment, "segment", 0, maxTotalSegments-1)
	c.intRange(req.TotalSegments, "totalSegments", 1, maxTotalSegments)
	c.legacyConditions("scanFilter", req.ScanFilter)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	p, err := req.parseRead("ScanFilter", req.ScanFilter, newLegacyNames(req.ExpressionAttributeNames, req.ExpressionAttributeValues))
	if err != nil {
		return nil, err
	}
	if err := p.env.CheckUnused(); err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	in, err := req.scanInput(t, p)
	if err != nil {
		return nil, err
	}
	page, err := r.scanPage(ctx, t, in)
	if err != nil {
		return nil, fmt.Errorf("router: Scan on table %s: %w", t.Name, err)
	}
	return req.render(t, page), nil
}

// validate runs Scan's table-independent checks, in DynamoDB's order.
func (req *scanInput) validate() error {
	exprs := []param{
		{"ProjectionExpression", req.ProjectionExpression != nil},
		{"FilterExpression", req.FilterExpression != nil},
	}
	legacy := []param{
		{"AttributesToGet", req.AttributesToGet != nil},
		{"ScanFilter", req.ScanFilter != nil},
		{"ConditionalOperator", req.ConditionalOperator != nil},
	}
	if err := checkExpressionMix(exprs, legacy, req.ExpressionAttributeNames != nil, req.ExpressionAttributeValues != nil); err != nil {
		return err
	}
	if err := req.checkStartKeyValues(); err != nil {
		return err
	}
	if err := req.checkSegments(); err != nil {
		return err
	}
	if err := validateEnvMaps(req.ExpressionAttributeNames, req.ExpressionAttributeValues); err != nil {
		return err
	}
	return req.checkSelect("")
}

// checkSegments applies the parallel scan parameter rules.
func (req *scanInput) checkSegments() error {
	switch {
	case req.Segment != nil && req.TotalSegments == nil:
		return dberr.Validationf("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case req.TotalSegments != nil && req.Segment == nil:
		return dberr.Validationf("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case req.Segment != nil && *req.Segment >= *req.TotalSegments:
		return dberr.Validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", *req.Segment, *req.TotalSegments)
	}
	return nil
}

// scanInput runs Scan's table-dependent checks and builds the partition
// input.
func (req *scanInput) scanInput(t *schema.Table, p *parsedRead) (*partition.ScanInput, error) {
	if err := req.checkIndex(); err != nil {
		return nil, err
	}
	if start := req.ExclusiveStartKey; start != nil {
		if matchKeySchema(start, t.Key) != nil {
			return nil, dberr.Validationf("The provided starting key is invalid: %s", errKeySchema().Message)
		}
		if err := validateKeyValues(start, t.Key); err != nil {
			return nil, dberr.Validationf("The provided starting key is invalid: %s", dberr.As(err).Message)
		}
	}
	in := &partition.ScanInput{
		Limit:             req.limit(),
		ExclusiveStartKey: req.ExclusiveStartKey,
		Filter:            p.filter,
		Projection:        p.projection,
		CountOnly:         req.countOnly(),
		Consistent:        req.consistent(),
		Source:            p.source(""),
	}
	in.HashFirst, in.HashLast = 0, math.MaxUint64
	if req.TotalSegments != nil {
		in.HashFirst = schema.SegmentStart(*req.Segment, *req.TotalSegments)
		in.HashLast = schema.SegmentEnd(*req.Segment, *req.TotalSegments)
	}
	return in, nil
}
