package attr

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// benchItem returns a ~1 KB item of mixed types, the same on every call.
func benchItem() Item {
	rng := rand.New(rand.NewPCG(1, 2))
	it := Item{
		"pk":      Str("customer#000123"),
		"sk":      Str("order#2024-05-01T10:00:00Z"),
		"total":   num("1234.56"),
		"paid":    Bool(true),
		"coupon":  Null(),
		"tags":    {T: TypeSS, SS: []string{"gift", "express", "fragile"}},
		"scores":  {T: TypeNS, SS: []string{"1", "2.5", "-3"}},
		"payload": Bin(make([]byte, 64)),
	}
	lines := make([]Value, 8)
	for i := range lines {
		lines[i] = Map(map[string]Value{
			"sku":   Str(fmt.Sprintf("SKU-%06d", rng.IntN(1e6))),
			"qty":   num(fmt.Sprint(rng.IntN(10) + 1)),
			"price": num(fmt.Sprintf("%d.%02d", rng.IntN(500), rng.IntN(100))),
			"note":  Str("handle with care"),
		})
	}
	it["lines"] = List(lines...)
	return it
}

func BenchmarkMarshalJSON(b *testing.B) {
	it := benchItem()
	out, _ := json.Marshal(it)
	b.Run("api=AppendItemJSON", func(b *testing.B) {
		buf := make([]byte, 0, 4096)
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendItemJSON(buf[:0], it)
		}
	})
	b.Run("api=MarshalJSON", func(b *testing.B) {
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := it.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnmarshalJSON(b *testing.B) {
	in, _ := json.Marshal(benchItem())
	b.Run("api=Item.UnmarshalJSON", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			var it Item
			if err := it.UnmarshalJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api=encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			var it Item
			if err := json.Unmarshal(in, &it); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCodec(b *testing.B) {
	it := benchItem()
	enc := AppendItem(nil, it)
	b.Run("op=encode", func(b *testing.B) {
		buf := make([]byte, 0, 4096)
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendItem(buf[:0], it)
		}
	})
	b.Run("op=decode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeItem(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkValidateItem(b *testing.B) {
	it := benchItem()
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateItem(it); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetItemJSON compares writing a stored 1 KB item's wire JSON by
// decoding it first with transcoding it directly.
func BenchmarkGetItemJSON(b *testing.B) {
	it := Item{"ycsb_key": Str("user1234567890")}
	for i := range 10 {
		it["field"+strconv.Itoa(i)] = Str(strings.Repeat("x", 93))
	}
	enc := AppendItem(nil, it)
	buf := make([]byte, 0, 4096)
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d, err := DecodeItem(enc)
			if err != nil {
				b.Fatal(err)
			}
			buf = AppendItemJSON(buf[:0], d)
		}
	})
	b.Run("transcode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = AppendEncodedItemJSON(buf[:0], enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
