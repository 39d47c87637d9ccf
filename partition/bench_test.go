package partition

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
)

func benchItem(rng *rand.Rand, pk string, sk int) attr.Item {
	pad := make([]byte, 1000)
	for i := range pad {
		pad[i] = 'a' + byte(rng.IntN(26))
	}
	return item("pk", attr.Str(pk), "sk", num(fmt.Sprint(sk)), "body", attr.Str(string(pad)))
}

func BenchmarkApplyPut(b *testing.B) {
	for _, batch := range []int{1, 16} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			p := newPartition(b, hashRangeN)
			cmds := make([]*Command, batch)
			b.SetBytes(int64(1024 * batch))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for j := range cmds {
					cmds[j] = put(benchItem(rng, fmt.Sprint("user", rng.IntN(1000)), i*batch+j))
				}
				b.StartTimer()
				if _, err := p.ApplyBatch(p.AppliedIndex()+1, cmds); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fillBench stores users × perUser 1 KB items.
func fillBench(b *testing.B, p *Partition, users, perUser int) {
	rng := rand.New(rand.NewPCG(1, 1))
	for u := 0; u < users; u++ {
		cmds := make([]*Command, perUser)
		for s := range cmds {
			cmds[s] = put(benchItem(rng, fmt.Sprint("user", u), s))
		}
		mustApply(b, p, cmds...)
	}
}

func BenchmarkGet(b *testing.B) {
	p := newPartition(b, hashRangeN)
	fillBench(b, p, 100, 50)
	rng := rand.New(rand.NewPCG(2, 1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := item("pk", attr.Str(fmt.Sprint("user", rng.IntN(100))), "sk", num(fmt.Sprint(rng.IntN(50))))
		it, err := p.Get(key)
		if err != nil || it == nil {
			b.Fatalf("Get: %v, %v", it, err)
		}
	}
}

func BenchmarkQuery(b *testing.B) {
	p := newPartition(b, hashRangeN)
	fillBench(b, p, 20, 200)
	for _, limit := range []int{10, 100} {
		for _, filter := range []bool{false, true} {
			b.Run(fmt.Sprintf("limit=%d/filter=%v", limit, filter), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(3, 1))
				var cond *expr.Condition
				if filter {
					cond = parseCond(b, "begins_with(body, :p)", map[string]attr.Value{":p": attr.Str(strings.Repeat("a", 1))})
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					kc := &expr.KeyCondition{HashName: "pk", HashValue: attr.Str(fmt.Sprint("user", rng.IntN(20)))}
					page, err := p.Query(&QueryInput{Key: kc, Forward: true, Limit: limit, Filter: cond})
					if err != nil || page.ScannedCount != limit {
						b.Fatalf("Query: %v scanned %d", err, page.ScannedCount)
					}
				}
			})
		}
	}
}

// BenchmarkCommand encodes and decodes the command of a 1 KB PutItem with
// a condition, as carried by the replication log.
func BenchmarkCommand(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	cmd := put(benchItem(rng, "user1", 1))
	cmd.Condition = "attribute_not_exists(#p)"
	cmd.Names = map[string]string{"#p": "pk"}
	enc := EncodeCommand(cmd)
	b.Run("op=encode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			EncodeCommand(cmd)
		}
	})
	b.Run("op=decode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeCommand(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
