package expr

// tokKind classifies a token of the expression language.
type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokIdent          // attribute name, keyword or function name: [A-Za-z][A-Za-z0-9_]*
	tokName           // expression attribute name placeholder: #[A-Za-z0-9_]+
	tokValue          // expression attribute value placeholder: :[A-Za-z0-9_]+
	tokNumber         // list index: [0-9]+
	tokPunct          // ( ) [ ] , . = <> < <= > >= + -
	tokBad            // any other character
)

// token is one lexeme: its kind and its byte span in the source.
type token struct {
	kind       tokKind
	start, end int
}

// lexer holds an expression's source and its tokens.
type lexer struct {
	src  string
	toks []token
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isWordByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_'
}
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lex splits src into tokens, ending with a tokEOF token at len(src).
// Lexing never fails: characters outside the language become tokBad tokens
// that the parser reports as syntax errors where it meets them.
func lex(src string) *lexer {
	lx := &lexer{src: src, toks: make([]token, 0, len(src)/3+2)}
	i := 0
	for i < len(src) {
		c := src[i]
		if isSpace(c) {
			i++
			continue
		}
		start := i
		kind := tokPunct
		switch {
		case isLetter(c):
			kind, i = tokIdent, scanWord(src, i+1)
		case isDigit(c):
			kind = tokNumber
			for i++; i < len(src) && isDigit(src[i]); i++ {
			}
		case c == '#' || c == ':':
			i = scanWord(src, i+1)
			switch {
			case i == start+1:
				kind = tokBad
			case c == '#':
				kind = tokName
			default:
				kind = tokValue
			}
		case c == '<':
			i++
			if i < len(src) && (src[i] == '=' || src[i] == '>') {
				i++
			}
		case c == '>':
			i++
			if i < len(src) && src[i] == '=' {
				i++
			}
		case c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '.' ||
			c == '=' || c == '+' || c == '-':
			i++
		default:
			kind, i = tokBad, scanRune(src, i)
		}
		lx.toks = append(lx.toks, token{kind: kind, start: start, end: i})
	}
	lx.toks = append(lx.toks, token{kind: tokEOF, start: len(src), end: len(src)})
	return lx
}

func scanWord(src string, i int) int {
	for i < len(src) && isWordByte(src[i]) {
		i++
	}
	return i
}

// scanRune returns the end of the UTF-8 sequence starting at i.
func scanRune(src string, i int) int {
	i++
	for i < len(src) && src[i]&0xC0 == 0x80 {
		i++
	}
	return i
}

// text returns the source text of token i.
func (lx *lexer) text(i int) string {
	t := lx.toks[i]
	return lx.src[t.start:t.end]
}

// near returns DynamoDB's context for a syntax error at token i: the source
// from the token before it to the token after it.
func (lx *lexer) near(i int) string {
	from := lx.toks[i].start
	if i > 0 {
		from = lx.toks[i-1].start
	}
	to := lx.toks[i].end
	if i+1 < len(lx.toks) {
		to = lx.toks[i+1].end
	}
	for to > from && isSpace(lx.src[to-1]) {
		to--
	}
	return lx.src[from:to]
}
