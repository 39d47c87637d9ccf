package expr

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// Eval reports whether the item satisfies the condition, with DynamoDB's
// semantics: a comparison that involves a missing attribute or operands of
// different types is false (except <>, which is then true); <, <=, >, >=
// and BETWEEN order only S, N and B. A nil item has no attributes.
func (c *Condition) Eval(it attr.Item) bool {
	return c.root.eval(it)
}

func (n *node) eval(it attr.Item) bool {
	switch n.kind {
	case nAnd:
		return n.args[0].eval(it) && n.args[1].eval(it)
	case nOr:
		return n.args[0].eval(it) || n.args[1].eval(it)
	case nNot:
		return !n.args[0].eval(it)
	case nCompare:
		return n.evalCompare(it)
	case nBetween:
		return n.evalBetween(it)
	case nIn:
		return n.evalIn(it)
	case nFunc:
		return n.evalFunc(it)
	}
	return false
}

// operand returns the value of an operand node; ok is false when a path
// names nothing or size() has no meaning for its argument.
func (n *node) operand(it attr.Item) (attr.Value, bool) {
	switch n.kind {
	case nPath:
		return lookup(it, n.path)
	case nValue:
		return n.val, n.val.T != attr.TypeInvalid
	case nFunc:
		if n.fn == fnSize {
			return sizeOf(n.args[0], it)
		}
	}
	return attr.Value{}, false
}

// lookup returns the value at path in it.
func lookup(it attr.Item, path Path) (attr.Value, bool) {
	v, ok := it[path[0].Name]
	if !ok {
		return attr.Value{}, false
	}
	for _, e := range path[1:] {
		if e.IsIndex {
			if v.T != attr.TypeL || e.Index >= len(v.L) {
				return attr.Value{}, false
			}
			v = v.L[e.Index]
			continue
		}
		if v.T != attr.TypeM {
			return attr.Value{}, false
		}
		if v, ok = v.M[e.Name]; !ok {
			return attr.Value{}, false
		}
	}
	return v, true
}

// sizeOf is DynamoDB's size(): bytes of S and B, members of sets, elements
// of L and M.
func sizeOf(arg *node, it attr.Item) (attr.Value, bool) {
	v, ok := arg.operand(it)
	if !ok {
		return attr.Value{}, false
	}
	var n int
	switch v.T {
	case attr.TypeS:
		n = len(v.S)
	case attr.TypeB:
		n = len(v.B)
	case attr.TypeSS, attr.TypeNS:
		n = len(v.SS)
	case attr.TypeBS:
		n = len(v.BS)
	case attr.TypeL:
		n = len(v.L)
	case attr.TypeM:
		n = len(v.M)
	default:
		return attr.Value{}, false
	}
	return attr.Value{T: attr.TypeN, S: strconv.Itoa(n)}, true
}

func (n *node) evalCompare(it attr.Item) bool {
	a, okA := n.args[0].operand(it)
	b, okB := n.args[1].operand(it)
	if n.cmp == cmpNE {
		return !okA || !okB || !attr.Equal(a, b)
	}
	if !okA || !okB {
		return false
	}
	if n.cmp == cmpEQ {
		return attr.Equal(a, b)
	}
	c, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch n.cmp {
	case cmpLT:
		return c < 0
	case cmpLE:
		return c <= 0
	case cmpGT:
		return c > 0
	}
	return c >= 0
}

func (n *node) evalBetween(it attr.Item) bool {
	v, ok := n.args[0].operand(it)
	if !ok {
		return false
	}
	lo, okLo := n.args[1].operand(it)
	hi, okHi := n.args[2].operand(it)
	if !okLo || !okHi {
		return false
	}
	c1, ok1 := attr.Compare(lo, v)
	c2, ok2 := attr.Compare(v, hi)
	return ok1 && ok2 && c1 <= 0 && c2 <= 0
}

func (n *node) evalIn(it attr.Item) bool {
	v, ok := n.args[0].operand(it)
	if !ok {
		return false
	}
	for _, a := range n.args[1:] {
		if w, ok := a.operand(it); ok && attr.Equal(v, w) {
			return true
		}
	}
	return false
}

func (n *node) evalFunc(it attr.Item) bool {
	switch n.fn {
	case fnAttributeExists:
		_, ok := n.args[0].operand(it)
		return ok
	case fnAttributeNotExists:
		_, ok := n.args[0].operand(it)
		return !ok
	case fnAttributeType:
		v, ok := n.args[0].operand(it)
		t, okT := n.args[1].operand(it)
		return ok && okT && t.T == attr.TypeS && v.T.String() == t.S
	case fnBeginsWith:
		v, ok := n.args[0].operand(it)
		prefix, okP := n.args[1].operand(it)
		return ok && okP && beginsWith(v, prefix)
	case fnContains:
		v, ok := n.args[0].operand(it)
		elem, okE := n.args[1].operand(it)
		return ok && okE && contains(v, elem)
	}
	return false
}

func beginsWith(v, prefix attr.Value) bool {
	switch {
	case v.T == attr.TypeS && prefix.T == attr.TypeS:
		return strings.HasPrefix(v.S, prefix.S)
	case v.T == attr.TypeB && prefix.T == attr.TypeB:
		return bytes.HasPrefix(v.B, prefix.B)
	}
	return false
}

// contains is DynamoDB's contains(): a substring of S, a subsequence of B,
// a member of a set of the element's type, or an element of L.
func contains(v, elem attr.Value) bool {
	switch v.T {
	case attr.TypeS:
		return elem.T == attr.TypeS && strings.Contains(v.S, elem.S)
	case attr.TypeB:
		return elem.T == attr.TypeB && bytes.Contains(v.B, elem.B)
	case attr.TypeSS:
		return elem.T == attr.TypeS && containsString(v.SS, elem.S)
	case attr.TypeNS:
		if elem.T != attr.TypeN {
			return false
		}
		for _, s := range v.SS {
			if attr.CompareNumbers(s, elem.S) == 0 {
				return true
			}
		}
	case attr.TypeBS:
		if elem.T != attr.TypeB {
			return false
		}
		for _, b := range v.BS {
			if bytes.Equal(b, elem.B) {
				return true
			}
		}
	case attr.TypeL:
		for _, e := range v.L {
			if attr.Equal(e, elem) {
				return true
			}
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
