package replication_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkGroupApply proposes 1 KB puts from parallel clients to a
// 3-replica group over in-memory transports (raft log and Pebble on disk).
func BenchmarkGroupApply(b *testing.B) {
	c := newCluster(b, 3, testConfig())
	l := c.leader()
	value := strings.Repeat("x", 1024)
	var seq atomic.Int64
	b.SetBytes(1024)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprint("k", seq.Add(1))
			if _, err := l.group.Apply(context.Background(), putCmd(id, value)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
