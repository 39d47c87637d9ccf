package router

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Wire enum sets, in the order DynamoDB lists them in messages.
var (
	enumReturnConsumedCapacity = []string{capacityIndexes, capacityTotal, capacityNone}
	enumReturnValues           = []string{"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"}
	enumItemCollectionMetrics  = []string{"SIZE", "NONE"}
	enumReturnOnCondition      = []string{"ALL_OLD", "NONE"}
	enumSelect                 = []string{selectSpecific, selectCount, selectAll, selectAllProjected}
)

// Select settings, as on the wire.
const (
	selectAll          = "ALL_ATTRIBUTES"
	selectAllProjected = "ALL_PROJECTED_ATTRIBUTES"
	selectSpecific     = "SPECIFIC_ATTRIBUTES"
	selectCount        = "COUNT"
)

// enum records a failure unless v is nil or one of set.
func (c *constraints) enum(v *string, field string, set []string) {
	if v != nil && !slices.Contains(set, *v) {
		c.add(*v, field, "Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
	}
}

// intRange records a failure unless v is nil or within [lo, hi]; hi < lo
// means no upper bound.
func (c *constraints) intRange(v *int, field string, lo, hi int) {
	switch {
	case v == nil:
	case *v < lo:
		c.add(*v, field, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	case hi >= lo && *v > hi:
		c.add(*v, field, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
}

// indexName checks an optional IndexName like a table name.
func (c *constraints) indexName(name *string) {
	if name != nil {
		c.tableName(name, "indexName")
	}
}

// param is one optional request parameter: its wire name and whether the
// request set it.
type param struct {
	name string
	set  bool
}

func setNames(ps []param) []string {
	var out []string
	for _, p := range ps {
		if p.set {
			out = append(out, p.name)
		}
	}
	return out
}

// checkExpressionMix applies DynamoDB's rules on mixing expression
// parameters (exprs) with legacy ones (legacy), and on giving
// ExpressionAttributeNames or ExpressionAttributeValues without expressions.
func checkExpressionMix(exprs, legacy []param, namesSet, valuesSet bool) error {
	used, old := setNames(exprs), setNames(legacy)
	if len(used) > 0 && len(old) > 0 {
		return dberr.Validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
			strings.Join(old, ", "), strings.Join(used, ", "))
	}
	if namesSet && len(used) == 0 {
		return dberr.Validationf("ExpressionAttributeNames can only be specified when using expressions")
	}
	var valueExprs []string
	for _, p := range exprs {
		if p.name == "ProjectionExpression" {
			continue
		}
		if p.set {
			return nil
		}
		valueExprs = append(valueExprs, p.name)
	}
	if valuesSet && len(valueExprs) > 0 {
		verb := "is"
		if len(valueExprs) > 1 {
			verb = "are"
		}
		return dberr.Validationf("ExpressionAttributeValues can only be specified when using expressions: %s %s null", strings.Join(valueExprs, " and "), verb)
	}
	return nil
}

// validateEnvMaps checks a request's ExpressionAttributeNames and
// ExpressionAttributeValues themselves: not empty when given, well-formed
// placeholders, valid values.
func validateEnvMaps(names map[string]string, values map[string]attr.Value) error {
	if err := (&expr.Env{Names: names, Values: values}).Validate(); err != nil {
		return err
	}
	keys := slices.Sorted(maps.Keys(values))
	for _, k := range keys {
		if err := attr.Validate(values[k]); err != nil {
			return dberr.Validationf("ExpressionAttributeValues contains invalid value: %s for key %s", dberr.As(err).Message, k)
		}
	}
	return nil
}

// newLegacyNames starts the placeholder maps of a request from its own
// ExpressionAttributeNames and ExpressionAttributeValues (copied), so that
// legacy translations can add to them.
func newLegacyNames(names map[string]string, values map[string]attr.Value) *legacyNames {
	ln := &legacyNames{Names: map[string]string{}, Values: map[string]attr.Value{}}
	maps.Copy(ln.Names, names)
	maps.Copy(ln.Values, values)
	return ln
}

// nonEmpty returns m, or nil when it is empty, to keep commands small.
func nonEmpty[V any](m map[string]V) map[string]V {
	if len(m) == 0 {
		return nil
	}
	return m
}

func errEmptyExpression(label string) error {
	return dberr.Validationf("Invalid %s: The expression can not be empty;", label)
}

// parseCondition parses an optional condition or filter expression.
func parseCondition(label string, s *string, env *expr.Env) (*expr.Condition, error) {
	if s == nil {
		return nil, nil
	}
	if *s == "" {
		return nil, errEmptyExpression(label)
	}
	return expr.ParseCondition(label, *s, env)
}

// parseUpdate parses an optional UpdateExpression.
func parseUpdate(s *string, env *expr.Env) (*expr.Update, error) {
	if s == nil {
		return nil, nil
	}
	if *s == "" {
		return nil, errEmptyExpression("UpdateExpression")
	}
	return expr.ParseUpdate(*s, env)
}

// parseProjection parses an optional ProjectionExpression; nil means whole
// items.
func parseProjection(s *string, env *expr.Env) ([]expr.Path, error) {
	if s == nil {
		return nil, nil
	}
	if *s == "" {
		return nil, errEmptyExpression("ProjectionExpression")
	}
	return expr.ParseProjection(*s, env)
}

// projectionText returns the ProjectionExpression of a read: the request's
// own, or the translation of AttributesToGet.
func projectionText(attributesToGet []string, projection *string, ln *legacyNames) (*string, error) {
	if attributesToGet == nil {
		return projection, nil
	}
	s, err := attributesToGetProjection(attributesToGet, ln)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// optText turns a translated expression into an optional one ("" = none).
func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ---- writes: PutItem, UpdateItem, DeleteItem ----

// conditionInput is the condition part shared by PutItem, UpdateItem and
// DeleteItem requests.
type conditionInput struct {
	ConditionExpression       *string
	Expected                  map[string]legacyExpected
	ConditionalOperator       *string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues map[string]attr.Value
}

// checkLegacy records the schema-level failures of Expected and
// ConditionalOperator.
func (ci *conditionInput) checkLegacy(c *constraints) {
	c.legacyExpected(ci.Expected)
	c.conditionalOperator(ci.ConditionalOperator)
}

// writeOptions are the response options shared by the write requests.
type writeOptions struct {
	ReturnValues                        *string
	ReturnConsumedCapacity              *string
	ReturnItemCollectionMetrics         *string
	ReturnValuesOnConditionCheckFailure *string
}

// checkBefore and checkAfter record the options' enum violations in
// DynamoDB's order around the table name and the item or key, which the
// caller records in between.
func (o *writeOptions) checkBefore(c *constraints) {
	c.enum(o.ReturnConsumedCapacity, "returnConsumedCapacity", enumReturnConsumedCapacity)
}

func (o *writeOptions) checkAfter(c *constraints) {
	c.enum(o.ReturnValues, "returnValues", enumReturnValues)
	c.enum(o.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", enumItemCollectionMetrics)
	c.enum(o.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", enumReturnOnCondition)
}

// allOldOrNone enforces PutItem's and DeleteItem's ReturnValues rule.
func (o *writeOptions) allOldOrNone() error {
	if o.ReturnValues != nil && *o.ReturnValues != partition.ReturnAllOld && *o.ReturnValues != partition.ReturnNone {
		return dberr.Validationf("ReturnValues can only be ALL_OLD or NONE")
	}
	return nil
}

// writeExprs is the validated expression part of a write.
type writeExprs struct {
	condition string
	update    string
	parsed    *expr.Update
	names     map[string]string
	values    map[string]attr.Value
}

// checkWriteMix applies the expression/legacy mixing rules of a write.
// updateExpr and attributeUpdates are set only for UpdateItem.
func checkWriteMix(ci *conditionInput, updateExpr *string, attributeUpdates map[string]legacyUpdate, isUpdate bool) error {
	exprs := []param{{"ConditionExpression", ci.ConditionExpression != nil}}
	legacy := []param{{"Expected", ci.Expected != nil}, {"ConditionalOperator", ci.ConditionalOperator != nil}}
	if isUpdate {
		exprs = append([]param{{"UpdateExpression", updateExpr != nil}}, exprs...)
		legacy = append([]param{{"AttributeUpdates", attributeUpdates != nil}}, legacy...)
	}
	return checkExpressionMix(exprs, legacy, ci.ExpressionAttributeNames != nil, ci.ExpressionAttributeValues != nil)
}

// buildWriteExprs validates a write's placeholder maps, translates the
// legacy parameters and parses every expression once, so that bad input is
// rejected before anything is written. Call checkWriteMix first.
func buildWriteExprs(ci *conditionInput, updateExpr *string, attributeUpdates map[string]legacyUpdate) (*writeExprs, error) {
	if err := validateEnvMaps(ci.ExpressionAttributeNames, ci.ExpressionAttributeValues); err != nil {
		return nil, err
	}
	ln := newLegacyNames(ci.ExpressionAttributeNames, ci.ExpressionAttributeValues)
	cond, upd := ci.ConditionExpression, updateExpr
	if attributeUpdates != nil {
		s, err := attributeUpdatesExpression(attributeUpdates, ln)
		if err != nil {
			return nil, err
		}
		upd = optText(s)
	}
	if ci.Expected != nil || ci.ConditionalOperator != nil {
		s, err := expectedExpression(ci.Expected, ci.ConditionalOperator, ln)
		if err != nil {
			return nil, err
		}
		cond = optText(s)
	}
	return parseWriteExprs(cond, upd, ln)
}

// parseWriteExprs parses a write's update and condition over ln and checks
// that every placeholder was used.
func parseWriteExprs(cond, upd *string, ln *legacyNames) (*writeExprs, error) {
	env := expr.NewEnv(ln.Names, ln.Values)
	parsed, err := parseUpdate(upd, env)
	if err != nil {
		return nil, err
	}
	if _, err := parseCondition("ConditionExpression", cond, env); err != nil {
		return nil, err
	}
	if err := env.CheckUnused(); err != nil {
		return nil, err
	}
	return &writeExprs{
		condition: deref(cond),
		update:    deref(upd),
		parsed:    parsed,
		names:     nonEmpty(ln.Names),
		values:    nonEmpty(ln.Values),
	}, nil
}

// command builds the partition command of a write.
func (w *writeExprs) command(op partition.Op, item attr.Item, o *writeOptions) *partition.Command {
	return &partition.Command{
		Op:                          op,
		Item:                        item,
		Condition:                   w.condition,
		Update:                      w.update,
		Names:                       w.names,
		Values:                      w.values,
		ReturnValues:                deref(o.ReturnValues),
		ReturnOldOnConditionFailure: deref(o.ReturnValuesOnConditionCheckFailure) == partition.ReturnAllOld,
	}
}

// writeOutput is the response of PutItem, UpdateItem and DeleteItem.
type writeOutput struct {
	Attributes       attr.Item         `json:"Attributes,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// write sends cmd to the table's partition and renders the response;
// knownBytes is the size of the item version the router already knows.
func (r *Router) write(ctx context.Context, op string, t *schema.Table, cmd *partition.Command, o *writeOptions, knownBytes int) (any, error) {
	res, err := r.writeItem(ctx, t, cmd)
	if err != nil {
		return nil, fmt.Errorf("router: %s on table %s: %w", op, t.Name, err)
	}
	if res.Err != nil {
		return nil, res.Err
	}
	size := max(res.ItemBytes, knownBytes)
	if res.Attributes != nil {
		size = max(size, attr.ItemSize(res.Attributes))
	}
	return &writeOutput{
		Attributes:       nonEmpty(res.Attributes),
		ConsumedCapacity: newCapacity(t, o.ReturnConsumedCapacity, writeUnits(size)),
	}, nil
}

type putItemInput struct {
	TableName *string
	Item      attr.Item
	conditionInput
	writeOptions
}

func (r *Router) putItem(ctx context.Context, body []byte) (any, error) {
	var req putItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	req.checkBefore(&c)
	c.tableName(req.TableName, "tableName")
	if req.Item == nil {
		c.addNull("item")
	}
	req.checkAfter(&c)
	req.checkLegacy(&c)
	if err := c.err(); err != nil {
		return nil, err
	}
	w, err := req.validate()
	if err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	if err := validateItemKey(req.Item, t.Key); err != nil {
		return nil, err
	}
	return r.write(ctx, "PutItem", t, w.command(partition.OpPut, req.Item, &req.writeOptions), &req.writeOptions, attr.ItemSize(req.Item))
}

// validate runs PutItem's table-independent checks.
func (req *putItemInput) validate() (*writeExprs, error) {
	if err := checkWriteMix(&req.conditionInput, nil, nil, false); err != nil {
		return nil, err
	}
	if err := attr.ValidateItem(req.Item); err != nil {
		return nil, err
	}
	w, err := buildWriteExprs(&req.conditionInput, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := req.allOldOrNone(); err != nil {
		return nil, err
	}
	if attr.ItemSize(req.Item) > attr.MaxItemSize {
		return nil, dberr.Validationf("Item size has exceeded the maximum allowed size")
	}
	return w, nil
}

type deleteItemInput struct {
	TableName *string
	Key       attr.Item
	conditionInput
	writeOptions
}

func (r *Router) deleteItem(ctx context.Context, body []byte) (any, error) {
	var req deleteItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	req.checkBefore(&c)
	c.tableName(req.TableName, "tableName")
	if req.Key == nil {
		c.addNull("key")
	}
	req.checkAfter(&c)
	req.checkLegacy(&c)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := checkWriteMix(&req.conditionInput, nil, nil, false); err != nil {
		return nil, err
	}
	if err := attr.ValidateItem(req.Key); err != nil {
		return nil, err
	}
	w, err := buildWriteExprs(&req.conditionInput, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := req.allOldOrNone(); err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	if err := validateKey(req.Key, t.Key); err != nil {
		return nil, err
	}
	return r.write(ctx, "DeleteItem", t, w.command(partition.OpDelete, req.Key, &req.writeOptions), &req.writeOptions, 0)
}

type updateItemInput struct {
	TableName        *string
	Key              attr.Item
	UpdateExpression *string
	AttributeUpdates map[string]legacyUpdate
	conditionInput
	writeOptions
}

func (r *Router) updateItem(ctx context.Context, body []byte) (any, error) {
	var req updateItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	req.checkBefore(&c)
	c.tableName(req.TableName, "tableName")
	if req.Key == nil {
		c.addNull("key")
	}
	req.checkAfter(&c)
	req.checkLegacy(&c)
	c.attributeUpdates(req.AttributeUpdates)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := checkWriteMix(&req.conditionInput, req.UpdateExpression, req.AttributeUpdates, true); err != nil {
		return nil, err
	}
	if err := attr.ValidateItem(req.Key); err != nil {
		return nil, err
	}
	w, err := buildWriteExprs(&req.conditionInput, req.UpdateExpression, req.AttributeUpdates)
	if err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	if err := validateKey(req.Key, t.Key); err != nil {
		return nil, err
	}
	if err := checkUpdateKeys(w.parsed, t.Key); err != nil {
		return nil, err
	}
	return r.write(ctx, "UpdateItem", t, w.command(partition.OpUpdate, req.Key, &req.writeOptions), &req.writeOptions, 0)
}

// checkUpdateKeys rejects an update that sets or removes a key attribute.
func checkUpdateKeys(u *expr.Update, ks schema.KeySchema) error {
	if u == nil {
		return nil
	}
	for _, p := range u.Paths() {
		if len(p) > 0 && ks.IsKey(p[0].Name) {
			return dberr.Invalidf("Cannot update attribute %s. This attribute is part of the key", p[0].Name)
		}
	}
	return nil
}

// ---- GetItem ----

type getItemInput struct {
	TableName                *string
	Key                      attr.Item
	AttributesToGet          []string
	ConsistentRead           *bool
	ProjectionExpression     *string
	ExpressionAttributeNames map[string]string
	ReturnConsumedCapacity   *string
}

type getItemOutput struct {
	Item             attr.Item         `json:"Item,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

func (r *Router) getItem(ctx context.Context, body []byte) (any, error) {
	var req getItemInput
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var c constraints
	c.attributesToGet(req.AttributesToGet)
	c.enum(req.ReturnConsumedCapacity, "returnConsumedCapacity", enumReturnConsumedCapacity)
	c.tableName(req.TableName, "tableName")
	if req.Key == nil {
		c.addNull("key")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := attr.ValidateItem(req.Key); err != nil {
		return nil, err
	}
	paths, err := readProjection(req.AttributesToGet, req.ProjectionExpression, req.ExpressionAttributeNames)
	if err != nil {
		return nil, err
	}
	t, err := r.table(ctx, req.TableName)
	if err != nil {
		return nil, err
	}
	if err := validateKey(req.Key, t.Key); err != nil {
		return nil, err
	}
	consistent := req.ConsistentRead != nil && *req.ConsistentRead
	if er, ok := r.cfg.Data.(EncodedReader); ok && paths == nil && !wantCapacity(req.ReturnConsumedCapacity) {
		enc, err := r.readEncoded(ctx, er, t, req.Key, consistent)
		if err != nil {
			return nil, fmt.Errorf("router: GetItem on table %s: %w", t.Name, err)
		}
		return encodedItemOutput(enc), nil
	}
	item, err := r.readItem(ctx, t, req.Key, consistent)
	if err != nil {
		return nil, fmt.Errorf("router: GetItem on table %s: %w", t.Name, err)
	}
	out := &getItemOutput{ConsumedCapacity: newCapacity(t, req.ReturnConsumedCapacity, readUnits(attr.ItemSize(item), consistent))}
	if item != nil {
		out.Item = project(item, paths)
	}
	return out, nil
}

// project applies a projection to an item read whole; nil paths keep it all.
func project(item attr.Item, paths []expr.Path) attr.Item {
	if paths == nil {
		return item
	}
	return expr.Project(item, paths)
}

// readProjection validates and parses the projection of a single-table read
// that accepts only ProjectionExpression/AttributesToGet and
// ExpressionAttributeNames (GetItem, BatchGetItem).
func readProjection(attributesToGet []string, projection *string, names map[string]string) ([]expr.Path, error) {
	if attributesToGet == nil && projection == nil && names == nil {
		return nil, nil // the whole item, and nothing to check
	}
	exprs := []param{{"ProjectionExpression", projection != nil}}
	legacy := []param{{"AttributesToGet", attributesToGet != nil}}
	if err := checkExpressionMix(exprs, legacy, names != nil, false); err != nil {
		return nil, err
	}
	if err := validateEnvMaps(names, nil); err != nil {
		return nil, err
	}
	ln := newLegacyNames(names, nil)
	text, err := projectionText(attributesToGet, projection, ln)
	if err != nil {
		return nil, err
	}
	env := expr.NewEnv(ln.Names, ln.Values)
	paths, err := parseProjection(text, env)
	if err != nil {
		return nil, err
	}
	if err := env.CheckUnused(); err != nil {
		return nil, err
	}
	return paths, nil
}
