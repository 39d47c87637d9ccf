package router

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// Legacy (pre-expression) request parameters, as on the wire, and their
// translation into expressions. Each translation validates its parameter
// with DynamoDB's messages and returns an equivalent expression over
// placeholders ("#l0", ":l0", ...) that it adds to a legacyNames, so that
// the rest of the request path only ever sees expressions. Attributes are
// visited in name order, so the output is deterministic.

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
// cannot be mixed) names and values maps. One attribute name gets one
// placeholder however many translations mention it.
type legacyNames struct {
	Names  map[string]string
	Values map[string]attr.Value
}

// name returns the placeholder of attribute name n, adding it if new.
func (ln *legacyNames) name(n string) string {
	if ln.Names == nil {
		ln.Names = map[string]string{}
	}
	for k, v := range ln.Names {
		if v == n && strings.HasPrefix(k, "#l") {
			return k
		}
	}
	k := nextPlaceholder("#l", func(k string) bool { _, ok := ln.Names[k]; return ok })
	ln.Names[k] = n
	return k
}

// value returns a new placeholder bound to v.
func (ln *legacyNames) value(v attr.Value) string {
	if ln.Values == nil {
		ln.Values = map[string]attr.Value{}
	}
	k := nextPlaceholder(":l", func(k string) bool { _, ok := ln.Values[k]; return ok })
	ln.Values[k] = v
	return k
}

// nextPlaceholder returns the first prefix+N that is not taken.
func nextPlaceholder(prefix string, taken func(string) bool) string {
	for i := 0; ; i++ {
		if k := fmt.Sprintf("%s%d", prefix, i); !taken(k) {
			return k
		}
	}
}

// Enumerations as DynamoDB lists them in constraint messages.
const (
	comparisonOperatorEnum  = "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
	conditionalOperatorEnum = "Member must satisfy enum value set: [OR, AND]"
	updateActionEnum        = "Member must satisfy enum value set: [ADD, PUT, DELETE]"
)

// comparison describes one legacy ComparisonOperator: how many values it
// takes (max < 0: any number from min up) and which value types it accepts
// (nil: all).
type comparison struct {
	min, max int
	types    []attr.Type
}

var (
	scalarTypes  = []attr.Type{attr.TypeS, attr.TypeN, attr.TypeB}
	containTypes = []attr.Type{attr.TypeS, attr.TypeN, attr.TypeB, attr.TypeBOOL, attr.TypeNULL}
	prefixTypes  = []attr.Type{attr.TypeS, attr.TypeB}
)

// comparisons is DynamoDB's table of legacy comparison operators.
var comparisons = map[string]comparison{
	"EQ":           {1, 1, nil},
	"NE":           {1, 1, nil},
	"LE":           {1, 1, scalarTypes},
	"LT":           {1, 1, scalarTypes},
	"GE":           {1, 1, scalarTypes},
	"GT":           {1, 1, scalarTypes},
	"NOT_NULL":     {0, 0, nil},
	"NULL":         {0, 0, nil},
	"CONTAINS":     {1, 1, containTypes},
	"NOT_CONTAINS": {1, 1, containTypes},
	"BEGINS_WITH":  {1, 1, prefixTypes},
	"IN":           {1, -1, scalarTypes},
	"BETWEEN":      {2, 2, scalarTypes},
}

// comparisonSymbols maps the comparison operators that are infix in
// expressions to their symbol.
var comparisonSymbols = map[string]string{"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}

// checkArguments validates the values given to a comparison operator the
// way DynamoDB does: count, then each value's type, then that all values
// share one type, then BETWEEN's bounds order.
func checkArguments(op string, vals []attr.Value) error {
	c := comparisons[op]
	if len(vals) < c.min || (c.max >= 0 && len(vals) > c.max) {
		return dberr.Invalidf("Invalid number of argument(s) for the %s ComparisonOperator", op)
	}
	for _, v := range vals {
		if c.types != nil && !hasType(c.types, v.T) {
			return dberr.Invalidf("ComparisonOperator %s is not valid for %s AttributeValue type", op, v.T)
		}
		if v.T != vals[0].T {
			return dberr.Invalidf("AttributeValues inside AttributeValueList must be of same type")
		}
	}
	if op == "BETWEEN" {
		if cmp, ok := attr.Compare(vals[0], vals[1]); ok && cmp > 0 {
			return dberr.Validationf("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

func hasType(types []attr.Type, t attr.Type) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// comparisonExpression returns the expression for "attribute name op vals";
// the arguments must have passed checkArguments.
func comparisonExpression(name, op string, vals []attr.Value, ln *legacyNames) string {
	n := ln.name(name)
	if sym, ok := comparisonSymbols[op]; ok {
		return fmt.Sprintf("%s %s %s", n, sym, ln.value(vals[0]))
	}
	switch op {
	case "NOT_NULL":
		return fmt.Sprintf("attribute_exists(%s)", n)
	case "NULL":
		return fmt.Sprintf("attribute_not_exists(%s)", n)
	case "CONTAINS":
		return fmt.Sprintf("contains(%s, %s)", n, ln.value(vals[0]))
	case "NOT_CONTAINS":
		return fmt.Sprintf("NOT contains(%s, %s)", n, ln.value(vals[0]))
	case "BEGINS_WITH":
		return fmt.Sprintf("begins_with(%s, %s)", n, ln.value(vals[0]))
	case "BETWEEN":
		return fmt.Sprintf("%s BETWEEN %s AND %s", n, ln.value(vals[0]), ln.value(vals[1]))
	default: // IN
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = ln.value(v)
		}
		return fmt.Sprintf("%s IN (%s)", n, strings.Join(ph, ", "))
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// single returns the error of one failed constraint.
func single(add func(c *constraints)) error {
	var c constraints
	add(&c)
	return c.err()
}

// checkConditionalOperator validates ConditionalOperator against the number
// of conditions it joins and returns the joining keyword.
func checkConditionalOperator(op *string, n int) (string, error) {
	if op == nil {
		return "AND", nil
	}
	if *op != "AND" && *op != "OR" {
		return "", single(func(c *constraints) { c.add(*op, "conditionalOperator", conditionalOperatorEnum) })
	}
	switch n {
	case 0:
		return "", dberr.Validationf("ConditionalOperator cannot be used without Filter or Expected")
	case 1:
		return "", dberr.Validationf("ConditionalOperator can only be used when Filter or Expected has two or more elements")
	}
	return *op, nil
}

// joinConditions joins condition expressions with AND or OR, parenthesising
// each when there is more than one.
func joinConditions(parts []string, op string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	for i, p := range parts {
		parts[i] = "(" + p + ")"
	}
	return strings.Join(parts, " "+op+" ")
}

// checkComparisonOperator validates a condition's ComparisonOperator, field
// naming the map whose entry it is ("scanFilter", "keyConditions", ...).
func checkComparisonOperator(field, name string, op *string) error {
	path := field + "." + name + ".member.comparisonOperator"
	if op == nil {
		return single(func(c *constraints) { c.addNull(path) })
	}
	if _, ok := comparisons[*op]; !ok {
		return single(func(c *constraints) { c.add(*op, path, comparisonOperatorEnum) })
	}
	return nil
}

// legacyConditions records the schema-level failures (missing or unknown
// ComparisonOperator) of QueryFilter, ScanFilter or KeyConditions; field is
// "queryFilter", "scanFilter" or "keyConditions".
func (c *constraints) legacyConditions(field string, conds map[string]legacyCondition) {
	for _, name := range sortedKeys(conds) {
		op := conds[name].ComparisonOperator
		path := field + "." + name + ".member.comparisonOperator"
		if op == nil {
			c.addNull(path)
		} else if _, ok := comparisons[*op]; !ok {
			c.add(*op, path, comparisonOperatorEnum)
		}
	}
}

// legacyExpected records the schema-level failures of Expected: an unknown
// ComparisonOperator.
func (c *constraints) legacyExpected(expected map[string]legacyExpected) {
	for _, name := range sortedKeys(expected) {
		if op := expected[name].ComparisonOperator; op != nil {
			if _, ok := comparisons[*op]; !ok {
				c.add(*op, "expected."+name+".member.comparisonOperator", comparisonOperatorEnum)
			}
		}
	}
}

// conditionalOperator records an unknown ConditionalOperator.
func (c *constraints) conditionalOperator(op *string) {
	if op != nil && *op != "AND" && *op != "OR" {
		c.add(*op, "conditionalOperator", conditionalOperatorEnum)
	}
}

// attributeUpdates records the schema-level failures of AttributeUpdates:
// an unknown Action.
func (c *constraints) attributeUpdates(updates map[string]legacyUpdate) {
	for _, name := range sortedKeys(updates) {
		if a := updates[name].Action; a != nil && *a != "ADD" && *a != "PUT" && *a != "DELETE" {
			c.add(*a, "attributeUpdates."+name+".member.action", updateActionEnum)
		}
	}
}

// attributesToGet records an AttributesToGet list of the wrong length
// (DynamoDB allows 1 to 255 names when the parameter is present).
func (c *constraints) attributesToGet(names []string) {
	if names == nil {
		return
	}
	if len(names) < 1 {
		c.add("[]", "attributesToGet", "Member must have length greater than or equal to 1")
	} else if len(names) > 255 {
		c.add("["+strings.Join(names, ", ")+"]", "attributesToGet", "Member must have length less than or equal to 255")
	}
}

// expectedExpression translates Expected and ConditionalOperator into a
// ConditionExpression ("" when there is neither). Call it whenever either
// parameter is present: ConditionalOperator without Expected is an error.
func expectedExpression(expected map[string]legacyExpected, conditionalOperator *string, ln *legacyNames) (string, error) {
	joiner, err := checkConditionalOperator(conditionalOperator, len(expected))
	if err != nil {
		return "", err
	}
	parts := make([]string, 0, len(expected))
	for _, name := range sortedKeys(expected) {
		part, err := expectedCondition(name, expected[name], ln)
		if err != nil {
			return "", err
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return joinConditions(parts, joiner), nil
}

// expectedCondition translates one Expected entry.
func expectedCondition(name string, e legacyExpected, ln *legacyNames) (string, error) {
	if e.Value != nil && e.AttributeValueList != nil {
		return "", dberr.Invalidf("Value and AttributeValueList cannot be used together for Attribute: %s", name)
	}
	if e.ComparisonOperator != nil {
		return expectedComparison(name, e, ln)
	}
	if e.AttributeValueList != nil {
		return "", dberr.Invalidf("AttributeValueList can only be used with a ComparisonOperator for Attribute: %s", name)
	}
	switch {
	case e.Exists == nil && e.Value == nil:
		return "", dberr.Invalidf("Value must be provided when Exists is null for Attribute: %s", name)
	case e.Exists != nil && *e.Exists && e.Value == nil:
		return "", dberr.Invalidf("Value must be provided when Exists is true for Attribute: %s", name)
	case e.Exists != nil && !*e.Exists && e.Value != nil:
		return "", dberr.Invalidf("Value cannot be used when Exists is false for Attribute: %s", name)
	case e.Value == nil:
		return comparisonExpression(name, "NULL", nil, ln), nil
	}
	return comparisonExpression(name, "EQ", []attr.Value{*e.Value}, ln), nil
}

// expectedComparison translates an Expected entry that has a
// ComparisonOperator.
func expectedComparison(name string, e legacyExpected, ln *legacyNames) (string, error) {
	op := *e.ComparisonOperator
	if err := checkComparisonOperator("expected", name, e.ComparisonOperator); err != nil {
		return "", err
	}
	if e.Exists != nil {
		return "", dberr.Invalidf("Exists and ComparisonOperator cannot be used together for Attribute: %s", name)
	}
	if op != "NULL" && op != "NOT_NULL" && e.Value == nil && e.AttributeValueList == nil {
		return "", dberr.Invalidf("Value or AttributeValueList must be used with ComparisonOperator: %s for Attribute: %s", op, name)
	}
	vals := e.AttributeValueList
	if e.Value != nil {
		vals = []attr.Value{*e.Value}
	}
	if err := checkArguments(op, vals); err != nil {
		return "", err
	}
	return comparisonExpression(name, op, vals, ln), nil
}

// filterExpression translates QueryFilter or ScanFilter (param names the
// parameter, "QueryFilter" or "ScanFilter") and ConditionalOperator into a
// FilterExpression ("" when there is neither). Call it whenever either
// parameter is present: ConditionalOperator without a filter is an error.
func filterExpression(param string, conds map[string]legacyCondition, conditionalOperator *string, ln *legacyNames) (string, error) {
	joiner, err := checkConditionalOperator(conditionalOperator, len(conds))
	if err != nil {
		return "", err
	}
	field := strings.ToLower(param[:1]) + param[1:]
	parts := make([]string, 0, len(conds))
	for _, name := range sortedKeys(conds) {
		part, err := conditionExpression(field, name, conds[name], ln)
		if err != nil {
			return "", err
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return joinConditions(parts, joiner), nil
}

// conditionExpression validates and translates one QueryFilter, ScanFilter
// or KeyConditions entry; field names the parameter in constraint messages.
func conditionExpression(field, name string, c legacyCondition, ln *legacyNames) (string, error) {
	if err := checkComparisonOperator(field, name, c.ComparisonOperator); err != nil {
		return "", err
	}
	op := *c.ComparisonOperator
	if err := checkArguments(op, c.AttributeValueList); err != nil {
		return "", err
	}
	return comparisonExpression(name, op, c.AttributeValueList, ln), nil
}

// indexable lists the comparison operators a key condition may use.
var indexable = map[string]bool{"EQ": true, "LE": true, "LT": true, "GE": true, "GT": true, "BEGINS_WITH": true, "BETWEEN": true}

// keyConditionsExpression translates KeyConditions into a
// KeyConditionExpression. Checks that need the key schema (the hash key is
// present and compared with EQ, value types match the schema) are left to
// parsing the result against the table's or index's key schema.
func keyConditionsExpression(conds map[string]legacyCondition, ln *legacyNames) (string, error) {
	names := sortedKeys(conds)
	parts := make([]string, 0, len(conds))
	for _, name := range names {
		c := conds[name]
		if err := checkComparisonOperator("keyConditions", name, c.ComparisonOperator); err != nil {
			return "", err
		}
		if err := checkArguments(*c.ComparisonOperator, c.AttributeValueList); err != nil {
			return "", err
		}
	}
	if len(conds) != 1 && len(conds) != 2 {
		return "", dberr.Validationf("Conditions can be of length 1 or 2 only")
	}
	for _, name := range names {
		c := conds[name]
		if !indexable[*c.ComparisonOperator] {
			return "", dberr.Validationf("Attempted conditional constraint is not an indexable operation")
		}
		parts = append(parts, comparisonExpression(name, *c.ComparisonOperator, c.AttributeValueList, ln))
	}
	return strings.Join(parts, " AND "), nil
}

// updateClauses collects the actions of an UpdateExpression by clause.
type updateClauses struct {
	set, remove, add, del []string
}

func (u *updateClauses) String() string {
	var b []string
	for _, c := range []struct {
		kw    string
		parts []string
	}{{"SET", u.set}, {"REMOVE", u.remove}, {"ADD", u.add}, {"DELETE", u.del}} {
		if len(c.parts) > 0 {
			b = append(b, c.kw+" "+strings.Join(c.parts, ", "))
		}
	}
	return strings.Join(b, " ")
}

// attributeUpdatesExpression translates AttributeUpdates into an
// UpdateExpression ("" when there is nothing to do).
func attributeUpdatesExpression(updates map[string]legacyUpdate, ln *legacyNames) (string, error) {
	var u updateClauses
	for _, name := range sortedKeys(updates) {
		if err := attributeUpdate(name, updates[name], &u, ln); err != nil {
			return "", err
		}
	}
	return u.String(), nil
}

// addTypes are the value types the ADD action accepts.
var addTypes = []attr.Type{attr.TypeN, attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeL}

// attributeUpdate validates one AttributeUpdates entry and adds its action
// to u. PUT sets the attribute; ADD adds to a number or set, or appends to
// a list (creating the attribute when missing); DELETE without a value
// removes the attribute, with a set value removes those members.
func attributeUpdate(name string, up legacyUpdate, u *updateClauses, ln *legacyNames) error {
	action := "PUT"
	if up.Action != nil {
		action = *up.Action
	}
	if action != "PUT" && action != "ADD" && action != "DELETE" {
		return single(func(c *constraints) { c.add(action, "attributeUpdates."+name+".member.action", updateActionEnum) })
	}
	if up.Value == nil {
		if action != "DELETE" {
			return dberr.Invalidf("Only DELETE action is allowed when no attribute value is specified")
		}
		u.remove = append(u.remove, ln.name(name))
		return nil
	}
	v := *up.Value
	switch action {
	case "PUT":
		u.set = append(u.set, ln.name(name)+" = "+ln.value(v))
	case "ADD":
		if !hasType(addTypes, v.T) {
			return dberr.Invalidf("ADD action is not supported for the type %s", v.T)
		}
		n := ln.name(name)
		if v.T == attr.TypeL {
			u.set = append(u.set, fmt.Sprintf("%s = list_append(if_not_exists(%s, %s), %s)", n, n, ln.value(attr.Value{T: attr.TypeL, L: []attr.Value{}}), ln.value(v)))
		} else {
			u.add = append(u.add, n+" "+ln.value(v))
		}
	default: // DELETE
		if v.T != attr.TypeSS && v.T != attr.TypeNS && v.T != attr.TypeBS {
			return dberr.Invalidf("DELETE action with value is not supported for the type %s", v.T)
		}
		u.del = append(u.del, ln.name(name)+" "+ln.value(v))
	}
	return nil
}

// attributesToGetProjection translates AttributesToGet into a
// ProjectionExpression ("" when names is empty), keeping the given order.
func attributesToGetProjection(names []string, ln *legacyNames) (string, error) {
	seen := make(map[string]bool, len(names))
	parts := make([]string, 0, len(names))
	for _, n := range names {
		if seen[n] {
			return "", dberr.Invalidf("Duplicate value in attribute name: %s", n)
		}
		seen[n] = true
		parts = append(parts, ln.name(n))
	}
	return strings.Join(parts, ", "), nil
}
