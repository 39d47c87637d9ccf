package attr

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

// DynamoDB's number limits.
const (
	// MaxNumberDigits is the most significant digits a number may have.
	MaxNumberDigits = 38
	// maxAdjustedExponent is the largest power of ten of a number's leading
	// digit (9.99...E+125).
	maxAdjustedExponent = 125
	// minAdjustedExponent is the smallest power of ten of a number's leading
	// digit (1E-130).
	minAdjustedExponent = -130
	// exponentClamp bounds parsed exponents so that absurd inputs such as
	// "1e999999999999999999999" cannot overflow int64 arithmetic; any value
	// past it is out of range anyway.
	exponentClamp = 1 << 40
)

// DynamoDB's messages for bad numbers (all ValidationException).
const (
	msgNotANumber     = "A value provided cannot be converted into a number"
	msgNumberDigits   = "Attempting to store more than 38 significant digits in a Number"
	msgNumberOverflow = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumberUnder    = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

// decimal is a parsed number: value = ±D × 10^scale, where D is the
// integer whose digits are those of span. span is a substring of the parsed
// text running from the first to the last significant digit (no leading or
// trailing zeros); it may hold one '.', which is skipped. n counts its
// digits; zero has an empty span.
type decimal struct {
	neg   bool
	span  string
	n     int
	scale int64
}

// adjusted is the power of ten of the leading digit (d.ddd × 10^adjusted).
func (d decimal) adjusted() int64 { return d.scale + int64(d.n) - 1 }

// isZero reports whether d is zero.
func (d decimal) isZero() bool { return d.n == 0 }

// CanonicalNumber parses DynamoDB number text and returns its canonical form
// (see api.go), or a ValidationException with DynamoDB's message when it is
// not a number, has more than 38 significant digits or is out of range.
// Text that is already canonical is returned without allocating.
func CanonicalNumber(s string) (string, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return "", dberr.Validationf(msgNotANumber)
	}
	if err := checkRange(d); err != nil {
		return "", err
	}
	if isCanonical(d, s) {
		return s, nil
	}
	return formatDecimal(d), nil
}

// checkRange applies DynamoDB's magnitude and precision limits, in the order
// DynamoDB reports them: overflow, underflow, then precision.
func checkRange(d decimal) error {
	if d.isZero() {
		return nil
	}
	adj := d.adjusted()
	switch {
	case adj > maxAdjustedExponent:
		return dberr.Validationf(msgNumberOverflow)
	case adj < minAdjustedExponent:
		return dberr.Validationf(msgNumberUnder)
	case d.n > MaxNumberDigits:
		return dberr.Validationf(msgNumberDigits)
	}
	return nil
}

// parseDecimal parses [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
// with no surrounding spaces. It does not allocate.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracEnd = i
	}
	if intEnd == intStart && fracEnd == fracStart {
		return d, false
	}
	exp, i, ok := parseExponent(s, i)
	if !ok || i != len(s) {
		return d, false
	}
	d.significant(s, intStart, intEnd, fracStart, fracEnd)
	d.scale += exp
	if d.isZero() {
		d.neg = false
	}
	return d, true
}

// significant sets span, n and scale (before the exponent) from the integer
// digits s[is:ie] and the fraction digits s[fs:fe].
func (d *decimal) significant(s string, is, ie, fs, fe int) {
	first := -1
	for j := is; j < ie; j++ {
		if s[j] != '0' {
			first = j
			break
		}
	}
	if first < 0 {
		for j := fs; j < fe; j++ {
			if s[j] != '0' {
				first = j
				break
			}
		}
	}
	if first < 0 {
		return
	}
	last := -1
	for j := fe - 1; j >= fs && j >= first; j-- {
		if s[j] != '0' {
			last = j
			break
		}
	}
	if last >= 0 {
		d.scale = -int64(last - fs + 1)
	} else {
		for j := ie - 1; j >= first; j-- {
			if s[j] != '0' {
				last = j
				break
			}
		}
		d.scale = int64(ie - 1 - last)
	}
	d.span = s[first : last+1]
	d.n = len(d.span)
	if first < ie && last >= fs && fs > ie {
		d.n-- // the span holds the '.'
	}
}

// parseExponent parses an optional exponent at s[i:], clamped to
// ±exponentClamp.
func parseExponent(s string, i int) (int64, int, bool) {
	if i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return 0, i, true
	}
	i++
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var e int64
	for i < len(s) && isDigit(s[i]) {
		if e < exponentClamp {
			e = e*10 + int64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, i, false
	}
	if neg {
		e = -e
	}
	return e, i, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// canonicalLen is the length of d's canonical text.
func canonicalLen(d decimal) int64 {
	if d.isZero() {
		return 1
	}
	n := int64(d.n)
	l := n
	switch point := n + d.scale; {
	case d.scale >= 0:
		l += d.scale
	case point > 0:
		l++
	default:
		l += 2 - point
	}
	if d.neg {
		l++
	}
	return l
}

// isCanonical reports whether s, which parsed as d, is d's canonical text.
// Plain text (no exponent, no '+', no '.' at either end) that represents
// a value in more characters than needed is never shorter than the
// canonical text, so equal length means equal text.
func isCanonical(d decimal, s string) bool {
	if int64(len(s)) != canonicalLen(d) || s == "" {
		return false
	}
	body := s
	if body[0] == '-' {
		body = body[1:]
	}
	if body == "" || body[0] == '.' || body[len(body)-1] == '.' {
		return false
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; c != '.' && !isDigit(c) {
			return false
		}
	}
	return true
}

// formatDecimal renders d as plain decimal text. d must be in range.
func formatDecimal(d decimal) string {
	if d.isZero() {
		return "0"
	}
	var digitBuf [64]byte
	digits := appendDigits(digitBuf[:0], d.span)
	buf := make([]byte, 0, canonicalLen(d))
	if d.neg {
		buf = append(buf, '-')
	}
	n := int64(len(digits))
	switch point := n + d.scale; {
	case d.scale >= 0:
		buf = append(buf, digits...)
		buf = appendZeros(buf, d.scale)
	case point > 0:
		buf = append(buf, digits[:point]...)
		buf = append(buf, '.')
		buf = append(buf, digits[point:]...)
	default:
		buf = append(buf, '0', '.')
		buf = appendZeros(buf, -point)
		buf = append(buf, digits...)
	}
	return string(buf)
}

// appendDigits appends the digits of span, skipping its '.'.
func appendDigits(dst []byte, span string) []byte {
	for i := 0; i < len(span); i++ {
		if span[i] != '.' {
			dst = append(dst, span[i])
		}
	}
	return dst
}

func appendZeros(dst []byte, n int64) []byte {
	for ; n > 0; n-- {
		dst = append(dst, '0')
	}
	return dst
}

// arith is the context for exact arithmetic: enough digits for the sum of
// the largest and the smallest DynamoDB numbers.
var arith = apd.BaseContext.WithPrecision(400)

// AddNumbers returns a+b computed exactly; a result out of DynamoDB's range
// or precision is a ValidationException with DynamoDB's message.
func AddNumbers(a, b string) (string, error) { return arithmetic(a, b, false) }

// SubNumbers returns a-b computed exactly, with AddNumbers' errors.
func SubNumbers(a, b string) (string, error) { return arithmetic(a, b, true) }

func arithmetic(a, b string, sub bool) (string, error) {
	x, err := toApd(a)
	if err != nil {
		return "", err
	}
	y, err := toApd(b)
	if err != nil {
		return "", err
	}
	var r apd.Decimal
	if sub {
		_, err = arith.Sub(&r, x, y)
	} else {
		_, err = arith.Add(&r, x, y)
	}
	if err != nil {
		return "", dberr.Validationf(msgNumberOverflow)
	}
	return CanonicalNumber(r.Text('f'))
}

func toApd(s string) (*apd.Decimal, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return nil, dberr.Validationf(msgNotANumber)
	}
	if err := checkRange(d); err != nil {
		return nil, err
	}
	var x apd.Decimal
	if d.isZero() {
		return &x, nil
	}
	var digitBuf [64]byte
	if _, _, err := x.SetString(string(appendDigits(digitBuf[:0], d.span))); err != nil {
		return nil, dberr.Validationf(msgNotANumber)
	}
	x.Exponent = int32(d.scale) // within ±200 after checkRange
	x.Negative = d.neg
	return &x, nil
}

// CompareNumbers compares two numbers numerically: -1, 0 or +1. Text that
// is not a number sorts before every number (and equal to other such text),
// so that the order stays total.
func CompareNumbers(a, b string) int {
	if a == b {
		return 0
	}
	x, okx := parseDecimal(a)
	y, oky := parseDecimal(b)
	switch {
	case !okx || !oky:
		return boolCmp(okx, oky)
	case x.neg != y.neg:
		if x.neg {
			return -1
		}
		return 1
	}
	c := compareMagnitude(x, y)
	if x.neg {
		return -c
	}
	return c
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// compareMagnitude compares |x| and |y|.
func compareMagnitude(x, y decimal) int {
	switch {
	case x.isZero() || y.isZero():
		return boolCmp(!x.isZero(), !y.isZero())
	case x.adjusted() != y.adjusted():
		if x.adjusted() < y.adjusted() {
			return -1
		}
		return 1
	}
	return compareSpans(x.span, y.span)
}

// compareSpans compares two digit sequences that start at the same power of
// ten, skipping '.'; a missing digit counts as zero.
func compareSpans(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i < len(a) && a[i] == '.' {
			i++
			continue
		}
		if j < len(b) && b[j] == '.' {
			j++
			continue
		}
		var ca, cb byte = '0', '0'
		if i < len(a) {
			ca = a[i]
			i++
		}
		if j < len(b) {
			cb = b[j]
			j++
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return 0
}

// numberDigits is the count of significant digits of number text (0 for
// zero or text that is not a number).
func numberDigits(s string) int {
	d, _ := parseDecimal(s)
	return d.n
}
