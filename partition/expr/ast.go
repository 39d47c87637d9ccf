package expr

import "github.com/flotilla-db/flotilla/partition/attr"

// nodeKind is the kind of a node of a parsed condition or update value.
type nodeKind uint8

const (
	nPath nodeKind = iota
	nValue
	nFunc
	nCompare
	nBetween
	nIn
	nAnd
	nOr
	nNot
	nPlus
	nMinus
)

// cmpOp is a comparator.
type cmpOp uint8

const (
	cmpEQ cmpOp = iota
	cmpNE
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

var cmpText = [...]string{"=", "<>", "<", "<=", ">", ">="}

func parseCmp(s string) (cmpOp, bool) {
	for i, t := range cmpText {
		if t == s {
			return cmpOp(i), true
		}
	}
	return 0, false
}

// funcID identifies a function of the expression language.
type funcID uint8

const (
	fnUnknown funcID = iota
	fnAttributeExists
	fnAttributeNotExists
	fnAttributeType
	fnBeginsWith
	fnContains
	fnSize
	fnIfNotExists
	fnListAppend
)

var funcByName = map[string]funcID{
	"attribute_exists":     fnAttributeExists,
	"attribute_not_exists": fnAttributeNotExists,
	"attribute_type":       fnAttributeType,
	"begins_with":          fnBeginsWith,
	"contains":             fnContains,
	"size":                 fnSize,
	"if_not_exists":        fnIfNotExists,
	"list_append":          fnListAppend,
}

// funcArity is the number of operands each function takes.
var funcArity = [...]int{
	fnAttributeExists:    1,
	fnAttributeNotExists: 1,
	fnAttributeType:      2,
	fnBeginsWith:         2,
	fnContains:           2,
	fnSize:               1,
	fnIfNotExists:        2,
	fnListAppend:         2,
}

func (f funcID) isConditionFunc() bool { return f >= fnAttributeExists && f <= fnSize }
func (f funcID) isUpdateFunc() bool    { return f == fnIfNotExists || f == fnListAppend }

// node is one node of a parsed expression. Which fields matter depends on
// kind: path for nPath, val for nValue, fn and name for nFunc, cmp for
// nCompare, args for everything that has operands.
type node struct {
	kind   nodeKind
	cmp    cmpOp
	fn     funcID
	parens uint8
	name   string // function name as written
	path   Path
	val    attr.Value
	args   []*node
}

// isCondition reports whether n can stand where a condition is expected.
func (n *node) isCondition() bool {
	switch n.kind {
	case nCompare, nBetween, nIn, nAnd, nOr, nNot, nFunc:
		return true
	}
	return false
}

// isOperand reports whether n can stand where an operand is expected.
func (n *node) isOperand() bool {
	return n.kind == nPath || n.kind == nValue || n.kind == nFunc
}

// staticType is the type an operand is known to have before evaluation:
// the type of a value, N for size(), TypeInvalid when unknown.
func (n *node) staticType() attr.Type {
	switch {
	case n.kind == nValue:
		return n.val.T
	case n.kind == nFunc && n.fn == fnSize:
		return attr.TypeN
	}
	return attr.TypeInvalid
}
