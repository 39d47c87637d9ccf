package expr

import (
	"strconv"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// actionKind is the clause an update action belongs to.
type actionKind uint8

const (
	actSet actionKind = iota
	actRemove
	actAdd
	actDelete
)

var sectionNames = [...]string{"SET", "REMOVE", "ADD", "DELETE"}

// action is one action of an update: SET path = val, REMOVE path,
// ADD path val, DELETE path val.
type action struct {
	kind actionKind
	path Path
	val  *node
}

// Update is a parsed UpdateExpression. It is immutable.
type Update struct {
	actions []action
	paths   []Path
}

// updateOrder is the priority of semantic errors in update expressions.
var updateOrder = []slot{slotReserved, slotUnknownFunc, slotSection, slotAttrName, slotAttrVal,
	slotOverlap, slotConflict, slotOperand, slotOperandCount, slotFunction}

// isUpdateKeyword reports whether word is a clause keyword of the update
// grammar.
func isUpdateKeyword(word string) bool {
	return sectionOf(word) >= 0
}

func sectionOf(word string) int {
	for i, s := range sectionNames {
		if strings.EqualFold(word, s) {
			return i
		}
	}
	return -1
}

// ParseUpdate parses an UpdateExpression.
func ParseUpdate(s string, env *Env) (*Update, error) {
	p, err := newParser("UpdateExpression", s, env, updateOrder)
	if err != nil {
		return nil, err
	}
	u := &Update{}
	var seen [len(sectionNames)]bool
	for {
		sec := -1
		if p.kind() == tokIdent {
			sec = sectionOf(p.text())
		}
		if sec < 0 {
			return nil, p.syntaxError()
		}
		if seen[sec] {
			p.note(slotSection, "The \""+sectionNames[sec]+"\" section can only be used once in an update expression;")
		}
		seen[sec] = true
		p.advance()
		if err := p.parseSection(u, actionKind(sec)); err != nil {
			return nil, err
		}
		if p.kind() == tokEOF {
			break
		}
	}
	p.checkOverlap(u.paths)
	if err := p.semanticError(); err != nil {
		return nil, err
	}
	return u, nil
}

// parseSection parses the comma-separated actions of one clause.
func (p *parser) parseSection(u *Update, kind actionKind) error {
	for {
		a, err := p.parseAction(kind)
		if err != nil {
			return err
		}
		u.actions = append(u.actions, a)
		u.paths = append(u.paths, a.path)
		if !p.isPunct(",") {
			return nil
		}
		p.advance()
	}
}

func (p *parser) parseAction(kind actionKind) (action, error) {
	path, err := p.parsePath(isUpdateKeyword)
	if err != nil {
		return action{}, err
	}
	a := action{kind: kind, path: path}
	switch kind {
	case actSet:
		if err := p.expectPunct("="); err != nil {
			return action{}, err
		}
		a.val, err = p.parseSetValue()
		if err != nil {
			return action{}, err
		}
		p.checkSetValue(a.val)
	case actAdd, actDelete:
		if p.kind() != tokValue {
			return action{}, p.syntaxError()
		}
		a.val = &node{kind: nValue}
		var ok bool
		if a.val.val, ok = p.resolveValue(p.text()); ok {
			p.checkAddDeleteOperand(kind, a.val.val.T)
		}
		p.advance()
	}
	return a, nil
}

// parseSetValue parses operand [(+|-) operand].
func (p *parser) parseSetValue() (*node, error) {
	left, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	kind := nPlus
	switch {
	case p.isPunct("+"):
	case p.isPunct("-"):
		kind = nMinus
	default:
		return left, nil
	}
	p.advance()
	right, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	return &node{kind: kind, args: []*node{left, right}}, nil
}

// parseUpdateOperand parses a parenthesised value, a function call, a
// value placeholder or a path.
func (p *parser) parseUpdateOperand() (*node, error) {
	switch p.kind() {
	case tokPunct:
		if !p.isPunct("(") {
			return nil, p.syntaxError()
		}
		p.advance()
		inner, err := p.parseSetValue()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return inner, nil
	case tokValue:
		n := &node{kind: nValue}
		n.val, _ = p.resolveValue(p.text())
		p.advance()
		return n, nil
	case tokIdent:
		if p.peekKind() == tokPunct && p.lx.text(p.pos+1) == "(" && !isUpdateKeyword(p.text()) {
			return p.parseUpdateFunc()
		}
	}
	path, err := p.parsePath(isUpdateKeyword)
	if err != nil {
		return nil, err
	}
	return &node{kind: nPath, path: path}, nil
}

func (p *parser) parseUpdateFunc() (*node, error) {
	n := &node{kind: nFunc, name: p.text()}
	n.fn = funcByName[n.name]
	p.advance()
	p.advance()
	for {
		a, err := p.parseUpdateOperand()
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, a)
		if p.isPunct(")") {
			p.advance()
			return n, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// checkSetValue records the semantic errors of a SET value.
func (p *parser) checkSetValue(n *node) {
	switch n.kind {
	case nPlus, nMinus:
		op := "+"
		if n.kind == nMinus {
			op = "-"
		}
		p.checkImmediateTypes(op, n.args, attr.TypeN)
		for _, a := range n.args {
			p.checkSetValue(a)
		}
	case nFunc:
		p.checkUpdateFunc(n)
	}
}

func (p *parser) checkUpdateFunc(n *node) {
	switch {
	case n.fn.isConditionFunc():
		p.note(slotUnknownFunc, "The function is not allowed in an update expression; function: "+n.name)
		return
	case n.fn == fnUnknown:
		p.note(slotUnknownFunc, "Invalid function name; function: "+n.name)
		return
	}
	for _, a := range n.args {
		p.checkSetValue(a)
	}
	if len(n.args) != funcArity[n.fn] {
		p.note(slotOperandCount, "Incorrect number of operands for operator or function; operator or function: "+n.name+", number of operands: "+strconv.Itoa(len(n.args)))
		return
	}
	switch n.fn {
	case fnIfNotExists:
		if n.args[0].kind != nPath {
			p.note(slotFunction, "Operator or function requires a document path; operator or function: "+n.name)
		}
	case fnListAppend:
		p.checkImmediateTypes(n.name, n.args, attr.TypeL)
	}
}

// checkImmediateTypes notes an error for a literal operand of op whose type
// is not want.
func (p *parser) checkImmediateTypes(op string, args []*node, want attr.Type) {
	for _, a := range args {
		if a.kind == nValue && a.val.T != attr.TypeInvalid && a.val.T != want {
			p.note(slotFunction, "Incorrect operand type for operator or function; operator or function: "+op+", operand type: "+a.val.T.String())
			return
		}
	}
}

// operandTypeNames are the type names DynamoDB uses in ADD and DELETE
// operand errors.
var operandTypeNames = map[attr.Type]string{
	attr.TypeS: "STRING", attr.TypeN: "NUMBER", attr.TypeB: "BINARY", attr.TypeNULL: "NULL",
	attr.TypeBOOL: "BOOLEAN", attr.TypeL: "LIST", attr.TypeM: "MAP",
}

func (p *parser) checkAddDeleteOperand(kind actionKind, t attr.Type) {
	name, scalar := operandTypeNames[t]
	if !scalar || (kind == actAdd && t == attr.TypeN) {
		return
	}
	p.note(slotOperand, "Incorrect operand type for operator or function; operator: "+sectionNames[kind]+", operand type: "+name)
}

// Paths lists the document paths the update sets or removes, in order.
func (u *Update) Paths() []Path {
	return u.paths
}
