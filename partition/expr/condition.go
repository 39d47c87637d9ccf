package expr

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// Condition is a parsed ConditionExpression, FilterExpression or
// KeyConditionExpression. It is immutable.
type Condition struct {
	root *node
}

// maxInOperands is DynamoDB's limit on the operands of one IN.
const maxInOperands = 100

// conditionOrder is the priority of semantic errors in conditions.
var conditionOrder = []slot{slotParens, slotUnknownFunc, slotMisusedFunc, slotReserved,
	slotAttrName, slotAttrVal, slotOperandCount, slotDistinct, slotFunction}

// isCondKeyword reports whether word is a keyword of the condition grammar.
func isCondKeyword(word string) bool {
	switch strings.ToUpper(word) {
	case "AND", "OR", "NOT", "BETWEEN", "IN":
		return true
	}
	return false
}

// ParseCondition parses a ConditionExpression or FilterExpression; label
// is "ConditionExpression" or "FilterExpression" and appears in messages
// ("Invalid FilterExpression: ...").
func ParseCondition(label, s string, env *Env) (*Condition, error) {
	root, _, err := parseConditionTree(label, s, env)
	if err != nil {
		return nil, err
	}
	return &Condition{root: root}, nil
}

// parseConditionTree parses and checks a condition and returns its tree and
// parser (whose semantic errors have been reported).
func parseConditionTree(label, s string, env *Env) (*node, *parser, error) {
	p, err := newParser(label, s, env, conditionOrder)
	if err != nil {
		return nil, nil, err
	}
	root, err := p.parseOr()
	if err != nil {
		return nil, nil, err
	}
	if !root.isCondition() {
		return nil, nil, p.syntaxError()
	}
	if err := p.expectEOF(); err != nil {
		return nil, nil, err
	}
	p.checkCondition(root)
	if err := p.semanticError(); err != nil {
		return nil, nil, err
	}
	return root, p, nil
}

// parseOr parses cond (OR cond)*.
func (p *parser) parseOr() (*node, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		if !left.isCondition() {
			return nil, p.syntaxError()
		}
		p.advance()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		if !right.isCondition() {
			return nil, p.syntaxError()
		}
		left = &node{kind: nOr, args: []*node{left, right}}
	}
	return left, nil
}

// parseAnd parses cond (AND cond)*.
func (p *parser) parseAnd() (*node, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		if !left.isCondition() {
			return nil, p.syntaxError()
		}
		p.advance()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if !right.isCondition() {
			return nil, p.syntaxError()
		}
		left = &node{kind: nAnd, args: []*node{left, right}}
	}
	return left, nil
}

// parseNot parses NOT cond | comparison.
func (p *parser) parseNot() (*node, error) {
	if !p.isKeyword("NOT") {
		return p.parseComparison()
	}
	p.advance()
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	if !x.isCondition() {
		return nil, p.syntaxError()
	}
	return &node{kind: nNot, args: []*node{x}}, nil
}

// parseComparison parses a term optionally followed by a comparator,
// BETWEEN or IN. A bare term passes through: the caller decides whether it
// may stand where it is.
func (p *parser) parseComparison() (*node, error) {
	left, err := p.parseTerm(false)
	if err != nil {
		return nil, err
	}
	switch {
	case p.kind() == tokPunct:
		op, ok := parseCmp(p.text())
		if !ok {
			return left, nil
		}
		if !left.isOperand() {
			return nil, p.syntaxError()
		}
		p.advance()
		right, err := p.parseTerm(true)
		if err != nil {
			return nil, err
		}
		return &node{kind: nCompare, cmp: op, args: []*node{left, right}}, nil
	case p.isKeyword("BETWEEN"):
		if !left.isOperand() {
			return nil, p.syntaxError()
		}
		p.advance()
		return p.parseBetween(left)
	case p.isKeyword("IN"):
		if !left.isOperand() {
			return nil, p.syntaxError()
		}
		p.advance()
		return p.parseIn(left)
	}
	return left, nil
}

func (p *parser) parseBetween(left *node) (*node, error) {
	lo, err := p.parseTerm(true)
	if err != nil {
		return nil, err
	}
	if !p.isKeyword("AND") {
		return nil, p.syntaxError()
	}
	p.advance()
	hi, err := p.parseTerm(true)
	if err != nil {
		return nil, err
	}
	return &node{kind: nBetween, args: []*node{left, lo, hi}}, nil
}

func (p *parser) parseIn(left *node) (*node, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	args, err := p.parseArgs()
	if err != nil {
		return nil, err
	}
	if len(args) > maxInOperands {
		p.note(slotOperandCount, "The IN operator is provided with too many operands; number of operands: "+strconv.Itoa(len(args)))
	}
	return &node{kind: nIn, args: append([]*node{left}, args...)}, nil
}

// parseArgs parses operand (, operand)* ) — the rest of a function call or
// IN list.
func (p *parser) parseArgs() ([]*node, error) {
	var args []*node
	for {
		a, err := p.parseTerm(true)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.isPunct(")") {
			p.advance()
			return args, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// parseTerm parses a parenthesised group, a function call, a value or a
// path. With operandOnly, a parenthesised group may hold only an operand.
func (p *parser) parseTerm(operandOnly bool) (*node, error) {
	switch p.kind() {
	case tokPunct:
		if !p.isPunct("(") {
			return nil, p.syntaxError()
		}
		p.advance()
		var inner *node
		var err error
		if operandOnly {
			inner, err = p.parseTerm(true)
		} else {
			inner, err = p.parseOr()
		}
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		p.wrapParens(inner)
		return inner, nil
	case tokValue:
		n := &node{kind: nValue}
		n.val, _ = p.resolveValue(p.text())
		p.advance()
		return n, nil
	case tokIdent:
		if p.peekKind() == tokPunct && p.lx.text(p.pos+1) == "(" && !isCondKeyword(p.text()) {
			return p.parseFunc()
		}
	}
	path, err := p.parsePath(isCondKeyword)
	if err != nil {
		return nil, err
	}
	return &node{kind: nPath, path: path}, nil
}

// wrapParens counts one more pair of parentheses around n; two pairs
// directly around the same thing are redundant to DynamoDB.
func (p *parser) wrapParens(n *node) {
	if n.parens < 2 {
		n.parens++
	}
	if n.parens == 2 {
		p.note(slotParens, "The expression has redundant parentheses;")
	}
}

// parseFunc parses name(operand, ...).
func (p *parser) parseFunc() (*node, error) {
	n := &node{kind: nFunc, name: p.text()}
	n.fn = funcByName[n.name]
	p.advance()
	p.advance()
	args, err := p.parseArgs()
	if err != nil {
		return nil, err
	}
	n.args = args
	return n, nil
}

// checkCondition records the semantic errors of a condition tree.
func (p *parser) checkCondition(n *node) {
	switch n.kind {
	case nAnd, nOr, nNot:
		for _, a := range n.args {
			p.checkCondition(a)
		}
	case nFunc:
		if n.fn == fnSize {
			p.note(slotMisusedFunc, "The function is not allowed to be used this way in an expression; function: size")
		}
		p.checkFunc(n)
	case nCompare:
		p.checkOperands(n.args)
		p.checkDistinct(cmpText[n.cmp], n.args[0], n.args[1])
	case nBetween:
		p.checkOperands(n.args)
		p.checkBetween(n.args[1], n.args[2])
	case nIn:
		p.checkOperands(n.args)
	}
}

// checkOperands checks nodes used as operands: only size() may be a
// function there.
func (p *parser) checkOperands(args []*node) {
	for _, a := range args {
		if a.kind != nFunc {
			continue
		}
		if a.fn != fnSize && a.fn.isConditionFunc() {
			p.note(slotMisusedFunc, "The function is not allowed to be used this way in an expression; function: "+a.name)
		}
		p.checkFunc(a)
	}
}

// checkFunc checks a function call's name, operand count and operand types.
func (p *parser) checkFunc(n *node) {
	switch {
	case n.fn.isUpdateFunc():
		p.note(slotUnknownFunc, "The function is not allowed in a condition expression; function: "+n.name)
		return
	case n.fn == fnUnknown:
		p.note(slotUnknownFunc, "Invalid function name; function: "+n.name)
		return
	}
	p.checkOperands(n.args)
	if len(n.args) != funcArity[n.fn] {
		p.note(slotOperandCount, "Incorrect number of operands for operator or function; operator or function: "+n.name+", number of operands: "+strconv.Itoa(len(n.args)))
		return
	}
	if len(n.args) == 2 {
		p.checkDistinct(n.name, n.args[0], n.args[1])
	}
	switch n.fn {
	case fnAttributeExists, fnAttributeNotExists:
		if n.args[0].kind != nPath {
			p.note(slotFunction, "Operator or function requires a document path; operator or function: "+n.name)
		}
	case fnBeginsWith:
		for _, a := range n.args {
			if t := a.staticType(); t != attr.TypeInvalid && t != attr.TypeS && t != attr.TypeB {
				p.noteOperandType(n.name, t.String())
				return
			}
		}
	case fnAttributeType:
		p.checkAttributeType(n)
	case fnSize:
		switch t := n.args[0].staticType(); t {
		case attr.TypeN, attr.TypeBOOL, attr.TypeNULL:
			p.noteOperandType(n.name, t.String())
		}
	}
}

func (p *parser) noteOperandType(fn, typ string) {
	p.note(slotFunction, "Incorrect operand type for operator or function; operator or function: "+fn+", operand type: "+typ)
}

func (p *parser) checkAttributeType(n *node) {
	arg := n.args[1]
	t := arg.staticType()
	if t != attr.TypeS {
		name := "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
		if t != attr.TypeInvalid {
			name = t.String()
		}
		p.noteOperandType(n.name, name)
		return
	}
	if attr.ParseType(arg.val.S) == attr.TypeInvalid {
		p.note(slotFunction, "Invalid attribute type name found; type: "+arg.val.S+", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
	}
}

// checkDistinct notes DynamoDB's error for an operator whose two operands
// are the same path.
func (p *parser) checkDistinct(op string, a, b *node) {
	if a.kind != nPath || b.kind != nPath || !pathsEqual(a.path, b.path) {
		return
	}
	p.note(slotDistinct, "The first operand must be distinct from the remaining operands for this operator or function; operator: "+op+", first operand: "+a.path.String())
}

func pathsEqual(a, b Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkBetween checks two literal bounds: same type, lower <= upper.
func (p *parser) checkBetween(lo, hi *node) {
	if lo.kind != nValue || hi.kind != nValue || lo.val.T == attr.TypeInvalid || hi.val.T == attr.TypeInvalid {
		return
	}
	bounds := "lower bound operand: AttributeValue: {" + valueText(lo.val) + "}, upper bound operand: AttributeValue: {" + valueText(hi.val) + "}"
	if lo.val.T != hi.val.T {
		p.note(slotFunction, "The BETWEEN operator requires same data type for lower and upper bounds; "+bounds)
		return
	}
	if c, ok := attr.Compare(lo.val, hi.val); ok && c > 0 {
		p.note(slotFunction, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "+bounds)
	}
}

// valueText renders a value as DynamoDB's messages do: "N:1", "S:abc".
func valueText(v attr.Value) string {
	switch v.T {
	case attr.TypeS, attr.TypeN:
		return v.T.String() + ":" + v.S
	case attr.TypeB:
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
	case attr.TypeBOOL:
		return "BOOL:" + strconv.FormatBool(v.Bool)
	case attr.TypeNULL:
		return "NULL:true"
	}
	return v.T.String()
}
