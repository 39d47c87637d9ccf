package expr

import (
	"sort"
	"strings"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

func (e *Env) markName(ph string) {
	if e.usedNames == nil {
		e.usedNames = map[string]bool{}
	}
	e.usedNames[ph] = true
}

func (e *Env) markValue(ph string) {
	if e.usedValues == nil {
		e.usedValues = map[string]bool{}
	}
	e.usedValues[ph] = true
}

// Validate checks the shape of ExpressionAttributeNames and
// ExpressionAttributeValues before any expression is parsed: a map given
// must not be empty, and every key must be a placeholder (#name, :value).
// It does not validate the values themselves (attr.Validate does).
func (e *Env) Validate() error {
	if e.Names != nil {
		if len(e.Names) == 0 {
			return dberr.Validationf("ExpressionAttributeNames must not be empty")
		}
		for _, k := range sortedKeys(e.Names) {
			if !isPlaceholder(k, '#') {
				return dberr.Validationf("ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k)
			}
		}
	}
	if e.Values != nil {
		if len(e.Values) == 0 {
			return dberr.Validationf("ExpressionAttributeValues must not be empty")
		}
		for _, k := range sortedKeys(e.Values) {
			if !isPlaceholder(k, ':') {
				return dberr.Validationf("ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k)
			}
		}
	}
	return nil
}

// isPlaceholder reports whether k is lead followed by one or more of
// [A-Za-z0-9_].
func isPlaceholder(k string, lead byte) bool {
	if len(k) < 2 || k[0] != lead {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isWordByte(k[i]) {
			return false
		}
	}
	return true
}

// CheckUnused returns DynamoDB's ValidationException for names or values
// that no parsed expression used, or nil. Names are checked first; keys are
// listed in sorted order.
func (e *Env) CheckUnused() error {
	if unused := unusedKeys(e.Names, e.usedNames); len(unused) > 0 {
		return dberr.Validationf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	if unused := unusedKeys(e.Values, e.usedValues); len(unused) > 0 {
		return dberr.Validationf("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	return nil
}

func unusedKeys[V any](m map[string]V, used map[string]bool) []string {
	var out []string
	for k := range m {
		if !used[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
