package node

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Benchmark data: 1 KB items in benchPartitions item collections of
// benchPerPartition items each.
const (
	benchPartitions   = 256
	benchPerPartition = 16
	benchPayloadBytes = 1024
	benchSeed         = 1
	benchClients      = 16 // parallel PutItem callers per CPU (b.SetParallelism)
)

// benchPayload is the filler attribute that makes an item about 1 KB.
var benchPayload = strings.Repeat("x", benchPayloadBytes-64)

// benchNode is a node on a fresh data directory with the table bench
// (hash pk S, range sk S).
type benchNode struct {
	h http.Handler
}

// newBenchNode returns a node with the table bench, holding
// benchPartitions*benchPerPartition items if seed is set.
func newBenchNode(b *testing.B, seed bool) *benchNode {
	b.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = b.TempDir()
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.GRPCAddr = "127.0.0.1:0"
	cfg.GossipAddr = "127.0.0.1:0"
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := n.Close(); err != nil {
			b.Error(err)
		}
	})
	bn := &benchNode{h: n.Handler()}
	bn.call(b, "CreateTable", []byte(`{"TableName":"bench",`+
		`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],`+
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],`+
		`"BillingMode":"PAY_PER_REQUEST"}`))
	if !seed {
		return bn
	}
	for p := range benchPartitions {
		for s := range benchPerPartition {
			bn.call(b, "PutItem", putBody(p, s))
		}
	}
	return bn
}

// call serves one request through the node's HTTP handler and fails the
// benchmark unless it succeeds. It is safe for concurrent use.
func (bn *benchNode) call(b *testing.B, op string, body []byte) {
	req, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		b.Error(err)
		return
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	bn.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Errorf("%s: status %d: %s", op, rec.Code, rec.Body)
	}
}

func putBody(p, s int) []byte {
	return fmt.Appendf(nil, `{"TableName":"bench","Item":{"pk":{"S":"p%05d"},"sk":{"S":"s%05d"},"n":{"N":"%d"},"payload":{"S":"%s"}}}`,
		p, s, s, benchPayload)
}

func getBody(p, s int) []byte {
	return fmt.Appendf(nil, `{"TableName":"bench","Key":{"pk":{"S":"p%05d"},"sk":{"S":"s%05d"}}}`, p, s)
}

func queryBody(p int) []byte {
	return fmt.Appendf(nil, `{"TableName":"bench","KeyConditionExpression":"pk = :p AND sk >= :s",`+
		`"ExpressionAttributeValues":{":p":{"S":"p%05d"},":s":{"S":"s00000"}},"Limit":10}`, p)
}

// BenchmarkAPI measures the whole request path of one node: JSON decode,
// validation, the write or read against Pebble on disk (writes synced as in
// production) and the response encoding, without sockets.
func BenchmarkAPI(b *testing.B) {
	b.Run("op=PutItem", func(b *testing.B) {
		for _, parallel := range []bool{false, true} {
			b.Run(fmt.Sprintf("parallel=%t", parallel), func(b *testing.B) {
				benchPut(b, parallel)
			})
		}
	})
	b.Run("op=GetItem", func(b *testing.B) {
		bn := newBenchNode(b, true)
		rng := rand.New(rand.NewPCG(benchSeed, 0))
		b.ReportAllocs()
		b.SetBytes(benchPayloadBytes)
		b.ResetTimer()
		for b.Loop() {
			bn.call(b, "GetItem", getBody(rng.IntN(benchPartitions), rng.IntN(benchPerPartition)))
		}
	})
	b.Run("op=Query", func(b *testing.B) {
		bn := newBenchNode(b, true)
		rng := rand.New(rand.NewPCG(benchSeed, 0))
		b.ReportAllocs()
		b.SetBytes(10 * benchPayloadBytes)
		b.ResetTimer()
		for b.Loop() {
			bn.call(b, "Query", queryBody(rng.IntN(benchPartitions)))
		}
	})
}

// benchPut writes 1 KB items with fresh random keys; in parallel it runs
// benchClients callers per GOMAXPROCS so that writes to the table's
// partition are committed in groups.
func benchPut(b *testing.B, parallel bool) {
	bn := newBenchNode(b, false)
	b.ReportAllocs()
	b.SetBytes(benchPayloadBytes)
	b.ResetTimer()
	if !parallel {
		rng := rand.New(rand.NewPCG(benchSeed, 0))
		for b.Loop() {
			bn.call(b, "PutItem", putBody(rng.IntN(1<<20), rng.IntN(1<<20)))
		}
		return
	}
	var stream atomic.Uint64
	b.SetParallelism(benchClients)
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(benchSeed, stream.Add(1)))
		for pb.Next() {
			bn.call(b, "PutItem", putBody(rng.IntN(1<<20), rng.IntN(1<<20)))
		}
	})
}
