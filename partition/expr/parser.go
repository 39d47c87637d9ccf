package expr

import (
	"strconv"
	"strings"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// MaxExpressionSize is DynamoDB's limit on the length of one expression, in
// bytes.
const MaxExpressionSize = 4096

// maxListIndex bounds list indexes in document paths; DynamoDB items cannot
// hold lists anywhere near this long.
const maxListIndex = 1<<31 - 1

// slot is a class of semantic error. DynamoDB parses a whole expression
// before it reports semantic errors, and then reports the first error of
// the highest-priority class; each expression kind has its own order.
type slot uint8

const (
	slotParens slot = iota
	slotUnknownFunc
	slotMisusedFunc
	slotReserved
	slotSection
	slotAttrName
	slotAttrVal
	slotOverlap
	slotConflict
	slotOperand
	slotOperandCount
	slotDistinct
	slotFunction
	numSlots
)

// parser is the state shared by the parsers of all expression kinds.
type parser struct {
	lx    *lexer
	pos   int
	label string // "ConditionExpression", "UpdateExpression", ...
	env   *Env
	errs  [numSlots]string
	order []slot
}

func newParser(label, src string, env *Env, order []slot) (*parser, error) {
	if src == "" {
		return nil, dberr.Validationf("Invalid %s: The expression can not be empty;", label)
	}
	if len(src) > MaxExpressionSize {
		return nil, dberr.Validationf("Invalid %s: Expression size has exceeded the maximum allowed size; expression size: %d", label, len(src))
	}
	if env == nil {
		env = NewEnv(nil, nil)
	}
	return &parser{lx: lex(src), label: label, env: env, order: order}, nil
}

func (p *parser) tok() token        { return p.lx.toks[p.pos] }
func (p *parser) kind() tokKind     { return p.lx.toks[p.pos].kind }
func (p *parser) text() string      { return p.lx.text(p.pos) }
func (p *parser) advance()          { p.pos++ }
func (p *parser) peekKind() tokKind { return p.lx.toks[min(p.pos+1, len(p.lx.toks)-1)].kind }

// isPunct reports whether the current token is the punctuation s.
func (p *parser) isPunct(s string) bool {
	return p.kind() == tokPunct && p.text() == s
}

// isKeyword reports whether the current token is the keyword kw (any case).
func (p *parser) isKeyword(kw string) bool {
	return p.kind() == tokIdent && strings.EqualFold(p.text(), kw)
}

// syntaxError is DynamoDB's message for an unexpected token at the current
// position.
func (p *parser) syntaxError() error {
	tok := "\"" + p.text() + "\""
	if p.kind() == tokEOF {
		tok = "\"<EOF>\""
	}
	return dberr.Validationf("Invalid %s: Syntax error; token: %s, near: \"%s\"", p.label, tok, p.lx.near(p.pos))
}

// expectPunct consumes the punctuation s or reports a syntax error.
func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.syntaxError()
	}
	p.advance()
	return nil
}

// expectEOF reports a syntax error unless the whole source was consumed.
func (p *parser) expectEOF() error {
	if p.kind() != tokEOF {
		return p.syntaxError()
	}
	return nil
}

// note records a semantic error of class s unless one is already recorded.
func (p *parser) note(s slot, msg string) {
	if p.errs[s] == "" {
		p.errs[s] = msg
	}
}

// semanticError returns the highest-priority semantic error, or nil.
func (p *parser) semanticError() error {
	for _, s := range p.order {
		if p.errs[s] != "" {
			return dberr.Validationf("Invalid %s: %s", p.label, p.errs[s])
		}
	}
	return nil
}

// parsePath parses a document path. isKeyword tells which identifiers are
// keywords of the expression kind and so cannot start a path.
func (p *parser) parsePath(isKeyword func(string) bool) (Path, error) {
	first, err := p.pathName(isKeyword)
	if err != nil {
		return nil, err
	}
	path := Path{first}
	for {
		switch {
		case p.isPunct("."):
			p.advance()
			e, err := p.pathName(nil)
			if err != nil {
				return nil, err
			}
			path = append(path, e)
		case p.isPunct("["):
			p.advance()
			e, err := p.pathIndex()
			if err != nil {
				return nil, err
			}
			path = append(path, e)
		default:
			return path, nil
		}
	}
}

// pathName parses one name step of a path: an identifier or a #name.
func (p *parser) pathName(isKeyword func(string) bool) (PathElem, error) {
	switch p.kind() {
	case tokIdent:
		name := p.text()
		if isKeyword != nil && isKeyword(name) {
			return PathElem{}, p.syntaxError()
		}
		if isReserved(name) {
			p.note(slotReserved, "Attribute name is a reserved keyword; reserved keyword: "+name)
		}
		p.advance()
		return PathElem{Name: name}, nil
	case tokName:
		name := p.resolveName(p.text())
		p.advance()
		return PathElem{Name: name}, nil
	}
	return PathElem{}, p.syntaxError()
}

// pathIndex parses "n]" after a "[".
func (p *parser) pathIndex() (PathElem, error) {
	if p.kind() != tokNumber {
		return PathElem{}, p.syntaxError()
	}
	n, err := strconv.Atoi(p.text())
	if err != nil || n > maxListIndex {
		return PathElem{}, p.syntaxError()
	}
	p.advance()
	if err := p.expectPunct("]"); err != nil {
		return PathElem{}, err
	}
	return PathElem{Index: n, IsIndex: true}, nil
}

// resolveName returns the attribute name a #placeholder stands for, noting
// an error when it is not defined.
func (p *parser) resolveName(ph string) string {
	name, ok := p.env.Names[ph]
	if !ok {
		p.note(slotAttrName, "An expression attribute name used in the document path is not defined; attribute name: "+ph)
		return ph
	}
	p.env.markName(ph)
	return name
}

// resolveValue returns the value a :placeholder stands for, noting an error
// when it is not defined.
func (p *parser) resolveValue(ph string) (attr.Value, bool) {
	v, ok := p.env.Values[ph]
	if !ok {
		p.note(slotAttrVal, "An expression attribute value used in expression is not defined; attribute value: "+ph)
		return attr.Value{}, false
	}
	p.env.markValue(ph)
	return v, true
}

// String renders a path the way DynamoDB's messages do: [a, b, [2]].
func (path Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range path {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// checkOverlap notes DynamoDB's overlap or conflict error for the first
// pair of paths where one is a prefix of the other, or where they diverge
// by step kind (name against index) at the same depth.
func (p *parser) checkOverlap(paths []Path) {
	for j := 1; j < len(paths); j++ {
		for i := 0; i < j; i++ {
			switch comparePaths(paths[i], paths[j]) {
			case pathsOverlap:
				p.note(slotOverlap, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "+paths[i].String()+", path two: "+paths[j].String())
			case pathsConflict:
				p.note(slotConflict, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "+paths[i].String()+", path two: "+paths[j].String())
			}
		}
	}
}

type pathRelation uint8

const (
	pathsDisjoint pathRelation = iota
	pathsOverlap
	pathsConflict
)

func comparePaths(a, b Path) pathRelation {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].IsIndex != b[i].IsIndex {
			return pathsConflict
		}
		if a[i] != b[i] {
			return pathsDisjoint
		}
	}
	return pathsOverlap
}
