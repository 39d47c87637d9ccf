package router

import "github.com/flotilla-db/flotilla/partition/attr"

// Legacy (pre-expression) request parameters, as on the wire.

// legacyExpected is one entry of Expected.
type legacyExpected struct {
	Value              *attr.Value  `json:"Value"`
	Exists             *bool        `json:"Exists"`
	ComparisonOperator *string      `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

// legacyCondition is one entry of KeyConditions, QueryFilter or ScanFilter.
type legacyCondition struct {
	ComparisonOperator *string      `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

// legacyUpdate is one entry of AttributeUpdates.
type legacyUpdate struct {
	Value  *attr.Value `json:"Value"`
	Action *string     `json:"Action"`
}

// legacyNames accumulates the placeholders the translations generate; it
// extends a request's own (empty, since legacy and expression parameters
// cannot be mixed) names and values maps.
type legacyNames struct {
	Names  map[string]string
	Values map[string]attr.Value
}

// The translations below validate legacy parameters with DynamoDB's
// messages and return an equivalent expression over placeholders added to
// ln. They are written in legacy.go.

// expectedExpression translates Expected and ConditionalOperator into a
// ConditionExpression ("" when expected is empty).
func expectedExpression(expected map[string]legacyExpected, conditionalOperator *string, ln *legacyNames) (string, error) {
	panic("todo")
}

// filterExpression translates QueryFilter or ScanFilter (param names the
// parameter in messages) and ConditionalOperator into a FilterExpression.
func filterExpression(param string, conds map[string]legacyCondition, conditionalOperator *string, ln *legacyNames) (string, error) {
	panic("todo")
}

// keyConditionsExpression translates KeyConditions into a
// KeyConditionExpression.
func keyConditionsExpression(conds map[string]legacyCondition, ln *legacyNames) (string, error) {
	panic("todo")
}

// attributeUpdatesExpression translates AttributeUpdates into an
// UpdateExpression ("" when there is nothing to do).
func attributeUpdatesExpression(updates map[string]legacyUpdate, ln *legacyNames) (string, error) {
	panic("todo")
}

// attributesToGetProjection translates AttributesToGet into a
// ProjectionExpression (duplicates → "One or more parameter values were
// invalid: Duplicate value in attribute name: x").
func attributesToGetProjection(names []string, ln *legacyNames) (string, error) {
	panic("todo")
}
