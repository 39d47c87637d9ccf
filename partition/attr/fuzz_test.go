package attr

import (
	"bytes"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

func FuzzUnmarshalValue(f *testing.F) {
	for _, s := range []string{
		`{"S":"x"}`, `{"N":"-1.5e3"}`, `{"B":"AQI="}`, `{"BOOL":true}`, `{"NULL":true}`,
		`{"L":[{"S":"a"},{"M":{"k":{"NS":["1","2"]}}}]}`, `{"SS":["a","b"]}`, `{"BS":["AQ=="]}`,
		`{}`, `{"S":5}`, `{"X":[1,{"y":null}],"S":"\u00e9\ud83d\ude00"}`, `{"N":"1e126"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v Value
		if err := v.UnmarshalJSON(in); err != nil {
			return
		}
		if Validate(v) != nil {
			return
		}
		out, err := v.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of decoded value: %v", err)
		}
		var back Value
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("decode of %s: %v", out, err)
		}
		if !Equal(v, back) {
			t.Fatalf("round trip of %q: %#v != %#v", in, v, back)
		}
		again, _ := back.MarshalJSON()
		if !bytes.Equal(out, again) {
			t.Fatalf("marshal not stable: %s vs %s", out, again)
		}
	})
}

func FuzzCodec(f *testing.F) {
	f.Add(AppendItem(nil, sampleItem()))
	f.Add(AppendItem(nil, Item{}))
	f.Add([]byte{codecVersion, 1, 1, 'a', byte(TypeL), 2, byte(TypeNULL), byte(TypeS), 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		it, err := DecodeItem(in)
		if err != nil {
			return
		}
		enc := AppendItem(nil, it)
		back, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("decode of re-encoded item: %v", err)
		}
		if !Equal(Map(it), Map(back)) {
			t.Fatalf("round trip differs: %#v vs %#v", it, back)
		}
		if !bytes.Equal(enc, in) {
			t.Fatalf("decoded input %x re-encodes as %x: encoding is not canonical", in, enc)
		}
	})
}

func FuzzCanonicalNumber(f *testing.F) {
	for _, s := range []string{"1", "-0.50", "1e3", ".5", "5.", "1E-130", "9.9999999999999999999999999999999999999E+125", "007.0700", "-0", "1e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalNumber(s)
		if err != nil {
			return
		}
		if CompareNumbers(s, c) != 0 {
			t.Fatalf("CanonicalNumber(%q) = %q, not numerically equal", s, c)
		}
		again, err := CanonicalNumber(c)
		if err != nil || again != c {
			t.Fatalf("canonical %q of %q not stable: %q, %v", c, s, again, err)
		}
		x, _, err := apd.NewFromString(s)
		if err != nil && c != "0" {
			t.Fatalf("apd rejects %q which CanonicalNumber accepts: %v", s, err)
		}
		y, _, _ := apd.NewFromString(c)
		if err == nil && x.Cmp(y) != 0 {
			t.Fatalf("apd: %q != %q", s, c)
		}
		sum, err := AddNumbers(c, "0")
		if err != nil || sum != c {
			t.Fatalf("AddNumbers(%q, 0) = %q, %v", c, sum, err)
		}
	})
}
