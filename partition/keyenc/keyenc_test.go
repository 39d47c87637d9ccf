package keyenc

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/flotilla-db/flotilla/partition/attr"
)

func num(s string) attr.Value { return attr.Value{T: attr.TypeN, S: s} }

func mustAppend(t testing.TB, v attr.Value) []byte {
	t.Helper()
	b, err := Append(nil, v)
	if err != nil {
		t.Fatalf("Append(%v): %v", v, err)
	}
	return b
}

func TestNumberOrder(t *testing.T) {
	// Strictly ascending.
	ordered := []string{
		"-9.9999999999999999999999999999999999999E+125", "-1e100", "-1000", "-999.99", "-100",
		"-12.5", "-12", "-1.01", "-1", "-0.99", "-0.1", "-0.0101", "-0.01", "-1E-130",
		"0",
		"1E-130", "0.000001", "0.01", "0.0101", "0.1", "0.99", "1", "1.000000000000000000000000000000000001",
		"1.01", "9", "10", "10.5", "11", "99", "100", "1000", "12345678901234567890123456789012345678",
		"1e100", "9.9999999999999999999999999999999999999E+125",
	}
	for i := 1; i < len(ordered); i++ {
		a, b := ordered[i-1], ordered[i]
		t.Run(a+"<"+b, func(t *testing.T) {
			ea, eb := mustAppend(t, num(a)), mustAppend(t, num(b))
			if bytes.Compare(ea, eb) >= 0 {
				t.Fatalf("enc(%s)=%x not < enc(%s)=%x", a, ea, b, eb)
			}
		})
	}
}

func TestNumberEquivalentForms(t *testing.T) {
	tests := []struct{ a, b string }{
		{"1.50", "1.5"}, {"1e2", "100"}, {"+3", "3"}, {"-0", "0"}, {"0.000", "0"},
		{"00012.3400", "12.34"}, {"1.5E-3", "0.0015"}, {".5", "0.5"}, {"5.", "5"}, {"-1E+2", "-100"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if ea, eb := mustAppend(t, num(tt.a)), mustAppend(t, num(tt.b)); !bytes.Equal(ea, eb) {
				t.Fatalf("enc(%s)=%x != enc(%s)=%x", tt.a, ea, tt.b, eb)
			}
			if Hash(num(tt.a)) != Hash(num(tt.b)) {
				t.Fatalf("Hash(%s) != Hash(%s)", tt.a, tt.b)
			}
		})
	}
}

func TestNumberDecode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"1", "1"}, {"-1", "-1"}, {"1.50", "1.5"}, {"1e2", "100"}, {"0.001", "0.001"},
		{"-12.345", "-12.345"}, {"123456789", "123456789"}, {"1E-3", "0.001"}, {"10", "10"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			enc := append(mustAppend(t, num(tt.in)), "tail"...)
			got, rest, err := DecodeNumber(enc)
			if err != nil || got != tt.want || string(rest) != "tail" {
				t.Fatalf("DecodeNumber = %q, %q, %v; want %q, \"tail\"", got, rest, err, tt.want)
			}
		})
	}
}

func TestInvalidNumbers(t *testing.T) {
	for _, s := range []string{"", "-", "abc", "1.2.3", "1e", "1e+", "e5", "1x", "1e99999", "--1", "."} {
		t.Run(s, func(t *testing.T) {
			if _, err := AppendNumber(nil, s); !errors.Is(err, ErrInvalidNumber) {
				t.Fatalf("AppendNumber(%q) err = %v, want ErrInvalidNumber", s, err)
			}
		})
	}
}

func TestBytesOrderAndRoundTrip(t *testing.T) {
	ordered := [][]byte{
		{}, {0x00}, {0x00, 0x00}, {0x00, 0x01}, {0x00, 0xFF}, {0x01}, {0x01, 0x00}, {0x7F},
		{0xFE, 0xFF}, {0xFF}, {0xFF, 0x00}, {0xFF, 0xFF},
	}
	for i, b := range ordered {
		enc := AppendBytes(nil, b)
		got, rest, err := DecodeBytes(append(enc, 0x42))
		if err != nil || !bytes.Equal(got, b) || !bytes.Equal(rest, []byte{0x42}) {
			t.Fatalf("DecodeBytes(enc(%x)) = %x, %x, %v", b, got, rest, err)
		}
		if i == 0 {
			continue
		}
		prev := AppendBytes(nil, ordered[i-1])
		if bytes.Compare(prev, enc) >= 0 {
			t.Fatalf("enc(%x)=%x not < enc(%x)=%x", ordered[i-1], prev, b, enc)
		}
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		prefix, value string
		want          bool
	}{
		{"ab", "abc", true}, {"ab", "ab", true}, {"ab", "a", false}, {"ab", "abd\x00", true},
		{"a\x00", "a\x00b", true}, {"a\x00", "a", false}, {"a\x00", "a\x01", false}, {"", "x", true},
		{"b", "ab", false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix+"/"+tt.value, func(t *testing.T) {
			p, err := AppendPrefix(nil, attr.Str(tt.prefix))
			if err != nil {
				t.Fatal(err)
			}
			enc := AppendString(nil, tt.value)
			in := bytes.Compare(enc, p) >= 0 && (PrefixEnd(p) == nil || bytes.Compare(enc, PrefixEnd(p)) < 0)
			if in != tt.want {
				t.Fatalf("value %q in begins_with(%q) range = %v, want %v", tt.value, tt.prefix, in, tt.want)
			}
		})
	}
	if _, err := AppendPrefix(nil, num("1")); !errors.Is(err, ErrNotKeyType) {
		t.Fatalf("AppendPrefix(N) err = %v", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}}, {[]byte{1, 0xFF}, []byte{2}}, {[]byte{0xFF, 0xFF}, nil}, {nil, nil},
	}
	for _, tt := range tests {
		if got := PrefixEnd(tt.in); !bytes.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("PrefixEnd(%x) = %x, want %x", tt.in, got, tt.want)
		}
	}
}

func TestDecodeValue(t *testing.T) {
	tests := []attr.Value{attr.Str("héllo\x00"), attr.Bin([]byte{0, 1, 0xFF}), num("-3.25"), num("0")}
	for _, v := range tests {
		t.Run(v.T.String(), func(t *testing.T) {
			got, rest, err := Decode(mustAppend(t, v), v.T)
			if err != nil || len(rest) != 0 || got.T != v.T || got.S != v.S || !bytes.Equal(got.B, v.B) {
				t.Fatalf("Decode = %+v, %x, %v; want %+v", got, rest, err, v)
			}
		})
	}
	if _, err := Append(nil, attr.Bool(true)); !errors.Is(err, ErrNotKeyType) {
		t.Fatalf("Append(BOOL) err = %v", err)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		t    attr.Type
	}{
		{"bytes no terminator", []byte("abc"), attr.TypeB},
		{"bytes bad escape", []byte{'a', 0x00, 0x05}, attr.TypeS},
		{"bytes truncated escape", []byte{'a', 0x00}, attr.TypeS},
		{"number empty", nil, attr.TypeN},
		{"number bad sign", []byte{0x10}, attr.TypeN},
		{"number truncated", []byte{signPos, 0x80}, attr.TypeN},
		{"number no terminator", []byte{signPos, 0x80, 0x01, 0x05}, attr.TypeN},
		{"number bad pair", []byte{signPos, 0x80, 0x01, 0xF0, 0x00}, attr.TypeN},
		{"number no digits", []byte{signPos, 0x80, 0x01, 0x00}, attr.TypeN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Decode(tt.b, tt.t); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestHashStable(t *testing.T) {
	// Placement depends on these values never changing.
	a, b := Hash(attr.Str("user#1")), Hash(attr.Bin([]byte("user#1")))
	if a == b {
		t.Fatalf("S and B of the same bytes hash alike: %x", a)
	}
	if Hash(attr.Str("user#1")) != a {
		t.Fatal("Hash is not deterministic")
	}
	golden := []struct {
		v    attr.Value
		want uint64
	}{
		{attr.Str("user#1"), 0x173900371835fb12},
		{attr.Bin([]byte("user#1")), 0x3e7aa6dca7c63aa2},
		{num("42"), 0x9e1a4ed48eb445b5},
		{num("42.0"), 0x9e1a4ed48eb445b5},
	}
	for _, g := range golden {
		if got := Hash(g.v); got != g.want {
			t.Errorf("Hash(%+v) = %#x, want %#x", g.v, got, g.want)
		}
	}
}

func cmpDecimal(t *testing.T, a, b string) int {
	da, _, err := apd.NewFromString(a)
	if err != nil {
		t.Fatalf("apd %q: %v", a, err)
	}
	db, _, err := apd.NewFromString(b)
	if err != nil {
		t.Fatalf("apd %q: %v", b, err)
	}
	return da.Cmp(db)
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// numberText builds a number text from fuzz inputs: mantissa digits from m,
// exponent e in DynamoDB's range.
func numberText(neg bool, m uint64, e int8) string {
	s := apd.New(int64(m>>1), int32(e)).Text('E')
	if neg {
		s = "-" + s
	}
	return s
}

func FuzzKeyOrder(f *testing.F) {
	f.Add(false, uint64(3), int8(0), true, uint64(25), int8(-1), "a", "ab", []byte{0}, []byte{0, 0})
	f.Add(true, uint64(1)<<62, int8(100), false, uint64(0), int8(-100), "\x00", "", []byte{0xFF}, []byte{})
	f.Fuzz(func(t *testing.T, na bool, ma uint64, ea int8, nb bool, mb uint64, eb int8, sa, sb string, ba, bb []byte) {
		a, b := numberText(na, ma, ea), numberText(nb, mb, eb)
		checkPair(t, num(a), num(b), cmpDecimal(t, a, b))
		checkPair(t, attr.Str(sa), attr.Str(sb), bytes.Compare([]byte(sa), []byte(sb)))
		checkPair(t, attr.Bin(ba), attr.Bin(bb), bytes.Compare(ba, bb))
	})
}

func checkPair(t *testing.T, a, b attr.Value, want int) {
	t.Helper()
	ea, eb := mustAppend(t, a), mustAppend(t, b)
	if got := sign(bytes.Compare(ea, eb)); got != sign(want) {
		t.Fatalf("order of enc(%+v), enc(%+v) = %d, want %d", a, b, got, sign(want))
	}
	for _, v := range []struct {
		v   attr.Value
		enc []byte
	}{{a, ea}, {b, eb}} {
		got, rest, err := Decode(append(v.enc, 0x00, 0x01), v.v.T)
		if err != nil || !bytes.Equal(rest, []byte{0x00, 0x01}) {
			t.Fatalf("Decode(enc(%+v)) = %v, rest %x", v.v, err, rest)
		}
		switch v.v.T {
		case attr.TypeN:
			if cmpDecimal(t, got.S, v.v.S) != 0 {
				t.Fatalf("Decode(enc(%s)) = %s", v.v.S, got.S)
			}
		case attr.TypeS:
			if got.S != v.v.S {
				t.Fatalf("Decode(enc(%q)) = %q", v.v.S, got.S)
			}
		case attr.TypeB:
			if !bytes.Equal(got.B, v.v.B) {
				t.Fatalf("Decode(enc(%x)) = %x", v.v.B, got.B)
			}
		}
	}
}
