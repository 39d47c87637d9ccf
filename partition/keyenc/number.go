package keyenc

import (
	"fmt"
	"strings"
)

// A number is written as a sign byte, then, for non-zero numbers, its
// decimal exponent and its significant digits. With the number written as
// 0.d1d2...dn × 10^E (d1 ≠ 0, dn ≠ 0):
//
//	sign      0x40 negative, 0x80 zero (nothing follows), 0xC0 positive
//	exponent  E + 0x8000, 2 bytes big-endian
//	digits    pairs (d1,d2), (d3,d4)... as one byte 10*a+b+1 (1..100); an odd
//	          last digit is paired with 0, which is unambiguous because dn ≠ 0
//	end       0x00
//
// For a negative number every byte after the sign is complemented, which
// reverses their order: a larger magnitude sorts lower.
const (
	signNeg  = 0x40
	signZero = 0x80
	signPos  = 0xC0

	expBias = 0x8000
	// maxExp bounds the decimal exponent accepted in number text, far beyond
	// DynamoDB's range, so that every biased exponent fits in two bytes.
	maxExp = 10000
)

// decimal is a parsed number: (-1 if neg) × 0.digits × 10^exp, with digits
// ASCII, no leading or trailing zeros; empty digits means zero.
type decimal struct {
	neg    bool
	digits []byte
	exp    int
}

// AppendNumber appends the encoding of a number, given as decimal text (any
// form DynamoDB accepts: "1.50", "-0.5", "1e2", "+3"), to dst. Equal numbers
// written differently encode identically.
func AppendNumber(dst []byte, text string) ([]byte, error) {
	d, err := parseDecimal(text)
	if err != nil {
		return dst, err
	}
	return appendDecimal(dst, d), nil
}

func appendDecimal(dst []byte, d decimal) []byte {
	if len(d.digits) == 0 {
		return append(dst, signZero)
	}
	sign := byte(signPos)
	if d.neg {
		sign = signNeg
	}
	dst = append(dst, sign)
	start := len(dst)
	e := uint16(d.exp + expBias)
	dst = append(dst, byte(e>>8), byte(e))
	for i := 0; i < len(d.digits); i += 2 {
		a := d.digits[i] - '0'
		var b byte
		if i+1 < len(d.digits) {
			b = d.digits[i+1] - '0'
		}
		dst = append(dst, 10*a+b+1)
	}
	dst = append(dst, 0x00)
	if d.neg {
		for i := start; i < len(dst); i++ {
			dst[i] = ^dst[i]
		}
	}
	return dst
}

// parseDecimal parses decimal text: [sign] digits [. digits] [e [sign] digits].
func parseDecimal(text string) (decimal, error) {
	var d decimal
	s := text
	if s != "" && (s[0] == '-' || s[0] == '+') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp, err := splitExponent(s)
	if err != nil {
		return decimal{}, fmt.Errorf("%w: %q: %v", ErrInvalidNumber, text, err)
	}
	digits, point, err := mantissaDigits(mant)
	if err != nil {
		return decimal{}, fmt.Errorf("%w: %q: %v", ErrInvalidNumber, text, err)
	}
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
		point--
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return decimal{}, nil
	}
	d.digits = digits
	d.exp = point + exp
	if d.exp > maxExp || d.exp < -maxExp {
		return decimal{}, fmt.Errorf("%w: %q: exponent out of range", ErrInvalidNumber, text)
	}
	return d, nil
}

// splitExponent splits "m[eE]x" into the mantissa text and the exponent.
func splitExponent(s string) (string, int, error) {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s, 0, nil
	}
	x := s[i+1:]
	neg := false
	if x != "" && (x[0] == '-' || x[0] == '+') {
		neg = x[0] == '-'
		x = x[1:]
	}
	if x == "" {
		return "", 0, fmt.Errorf("empty exponent")
	}
	exp := 0
	for _, c := range []byte(x) {
		if c < '0' || c > '9' {
			return "", 0, fmt.Errorf("bad exponent digit %q", c)
		}
		exp = exp*10 + int(c-'0')
		if exp > maxExp {
			return "", 0, fmt.Errorf("exponent out of range")
		}
	}
	if neg {
		exp = -exp
	}
	return s[:i], exp, nil
}

// mantissaDigits returns the digits of "ddd[.ddd]" and how many of them come
// before the decimal point.
func mantissaDigits(s string) ([]byte, int, error) {
	digits := make([]byte, 0, len(s))
	point := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '.' && point < 0:
			point = len(digits)
		default:
			return nil, 0, fmt.Errorf("unexpected %q", c)
		}
	}
	if len(digits) == 0 {
		return nil, 0, fmt.Errorf("no digits")
	}
	if point < 0 {
		point = len(digits)
	}
	return digits, point, nil
}

// DecodeNumber decodes one number encoding from the front of b and returns
// it as plain decimal text without exponent ("-12.5", "0.001", "100"), and
// the bytes after it.
func DecodeNumber(b []byte) (text string, rest []byte, err error) {
	if len(b) == 0 {
		return "", nil, fmt.Errorf("%w: empty number", ErrCorrupt)
	}
	switch b[0] {
	case signZero:
		return "0", b[1:], nil
	case signPos, signNeg:
	default:
		return "", nil, fmt.Errorf("%w: bad number sign byte 0x%02x", ErrCorrupt, b[0])
	}
	d := decimal{neg: b[0] == signNeg}
	flip := func(c byte) byte {
		if d.neg {
			return ^c
		}
		return c
	}
	if len(b) < 3 {
		return "", nil, fmt.Errorf("%w: truncated number", ErrCorrupt)
	}
	d.exp = int(uint16(flip(b[1]))<<8|uint16(flip(b[2]))) - expBias
	for i := 3; i < len(b); i++ {
		c := flip(b[i])
		if c == 0 {
			if len(d.digits) == 0 {
				return "", nil, fmt.Errorf("%w: number without digits", ErrCorrupt)
			}
			return formatDecimal(d), b[i+1:], nil
		}
		if c > 100 {
			return "", nil, fmt.Errorf("%w: bad digit pair 0x%02x", ErrCorrupt, c)
		}
		c--
		d.digits = append(d.digits, '0'+c/10, '0'+c%10)
	}
	return "", nil, fmt.Errorf("%w: missing number terminator", ErrCorrupt)
}

// formatDecimal writes d as plain decimal text, trimming the padding zero.
func formatDecimal(d decimal) string {
	digits := strings.TrimRight(string(d.digits), "0")
	var sb strings.Builder
	if d.neg {
		sb.WriteByte('-')
	}
	switch {
	case d.exp <= 0:
		sb.WriteString("0.")
		sb.WriteString(strings.Repeat("0", -d.exp))
		sb.WriteString(digits)
	case d.exp >= len(digits):
		sb.WriteString(digits)
		sb.WriteString(strings.Repeat("0", d.exp-len(digits)))
	default:
		sb.WriteString(digits[:d.exp])
		sb.WriteByte('.')
		sb.WriteString(digits[d.exp:])
	}
	return sb.String()
}
