package expr

import (
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// keyTerm is one condition of a key condition: on which attribute, with
// which operator and values.
type keyTerm struct {
	name string
	op   RangeOp
	vals []attr.Value
}

var cmpRange = [...]RangeOp{cmpEQ: RangeEQ, cmpLT: RangeLT, cmpLE: RangeLE, cmpGT: RangeGT, cmpGE: RangeGE}

// flipped is the operator to use when the value is on the left: ":v < k"
// means "k > :v".
var flipped = [...]RangeOp{RangeEQ: RangeEQ, RangeLT: RangeGT, RangeLE: RangeGE, RangeGT: RangeLT, RangeGE: RangeLE}

// ParseKeyCondition parses a KeyConditionExpression against a key schema:
// equality on the hash key, optionally AND one condition on the sort key
// (=, <, <=, >, >=, BETWEEN, begins_with), in either order and with the
// value on either side of a comparator.
func ParseKeyCondition(s string, env *Env, key schema.KeySchema) (*KeyCondition, error) {
	root, _, err := parseConditionTree("KeyConditionExpression", s, env)
	if err != nil {
		return nil, err
	}
	var terms []keyTerm
	if msg := collectKeyTerms(root, &terms); msg != "" {
		return nil, dberr.Validationf("%s", msg)
	}
	return keyConditionFor(terms, key)
}

// collectKeyTerms flattens the ANDs of a key condition into terms and
// returns DynamoDB's message for anything else.
func collectKeyTerms(n *node, terms *[]keyTerm) string {
	switch n.kind {
	case nAnd:
		if msg := collectKeyTerms(n.args[0], terms); msg != "" {
			return msg
		}
		return collectKeyTerms(n.args[1], terms)
	case nOr:
		return "Invalid operator used in KeyConditionExpression: OR"
	case nNot:
		return "Invalid operator used in KeyConditionExpression: NOT"
	case nIn:
		return "Invalid operator used in KeyConditionExpression: IN"
	case nCompare:
		if n.cmp == cmpNE {
			return "Invalid operator used in KeyConditionExpression: <>"
		}
		return keyTermOf(n, cmpRange[n.cmp], terms)
	case nBetween:
		if n.args[0].kind != nPath {
			return "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"
		}
		return keyTermOf(n, RangeBetween, terms)
	case nFunc:
		switch n.fn {
		case fnBeginsWith:
			if n.args[0].kind != nPath {
				return "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"
			}
			return keyTermOf(n, RangeBeginsWith, terms)
		case fnSize:
			return "KeyConditionExpressions cannot contain nested operations"
		}
		return "Invalid operator used in KeyConditionExpression: " + n.name
	}
	return "Invalid condition in KeyConditionExpression: No key attribute specified"
}

// keyTermOf turns one comparison, BETWEEN or begins_with into a term.
func keyTermOf(n *node, op RangeOp, terms *[]keyTerm) string {
	t := keyTerm{op: op}
	at := -1
	for i, a := range n.args {
		switch a.kind {
		case nPath:
			if at >= 0 {
				return "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
			}
			if len(a.path) > 1 {
				return "KeyConditionExpressions cannot have conditions on nested attributes"
			}
			t.name, at = a.path[0].Name, i
		case nFunc:
			return "KeyConditionExpressions cannot contain nested operations"
		default:
			t.vals = append(t.vals, a.val)
		}
	}
	if at < 0 {
		return "Invalid condition in KeyConditionExpression: No key attribute specified"
	}
	for _, o := range *terms {
		if o.name == t.name {
			return "KeyConditionExpressions must only contain one condition per key"
		}
	}
	if at != 0 && op <= RangeGE {
		t.op = flipped[op]
	}
	*terms = append(*terms, t)
	return ""
}

// keyConditionFor checks terms against the key schema the way DynamoDB
// does, hash key first.
func keyConditionFor(terms []keyTerm, key schema.KeySchema) (*KeyCondition, error) {
	find := func(name string) *keyTerm {
		for i := range terms {
			if terms[i].name == name {
				return &terms[i]
			}
		}
		return nil
	}
	if !key.HasRange() && len(terms) > 1 {
		return nil, dberr.Validationf("Query key condition not supported")
	}
	hash := find(key.Hash.Name)
	if hash == nil {
		return nil, dberr.Validationf("Query condition missed key schema element: %s", key.Hash.Name)
	}
	if err := checkKeyTypes(hash, key.Hash.Type); err != nil {
		return nil, err
	}
	if hash.op != RangeEQ {
		return nil, dberr.Validationf("Query key condition not supported")
	}
	kc := &KeyCondition{HashName: hash.name, HashValue: hash.vals[0]}
	if len(terms) == 1 {
		return kc, nil
	}
	rng := find(key.Range.Name)
	if rng == nil {
		return nil, dberr.Validationf("Query condition missed key schema element: %s", key.Range.Name)
	}
	if len(terms) > 2 {
		return nil, dberr.Validationf("Query key condition not supported")
	}
	if err := checkKeyTypes(rng, key.Range.Type); err != nil {
		return nil, err
	}
	kc.RangeName, kc.Op = rng.name, rng.op
	copy(kc.Values[:], rng.vals)
	return kc, nil
}

func checkKeyTypes(t *keyTerm, want attr.Type) error {
	for _, v := range t.vals {
		if v.T != want {
			return dberr.Invalidf("Condition parameter type does not match schema type")
		}
	}
	return nil
}

// MatchesRange reports whether a sort key value satisfies the key
// condition's sort key predicate (true when it has none).
func (kc *KeyCondition) MatchesRange(v attr.Value) bool {
	if kc.Op == RangeNone {
		return true
	}
	c, ok := attr.Compare(v, kc.Values[0])
	if !ok {
		return false
	}
	switch kc.Op {
	case RangeEQ:
		return c == 0
	case RangeLT:
		return c < 0
	case RangeLE:
		return c <= 0
	case RangeGT:
		return c > 0
	case RangeGE:
		return c >= 0
	case RangeBetween:
		hi, ok := attr.Compare(v, kc.Values[1])
		return ok && c >= 0 && hi <= 0
	case RangeBeginsWith:
		return beginsWith(v, kc.Values[0])
	}
	return true
}
