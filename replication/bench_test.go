package replication_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flotilla-db/flotilla/replication"
)

// BenchmarkGroupApply proposes 1 KB puts from parallel clients to a
// 3-replica group over in-memory transports (raft log and Pebble on disk).
// It keeps the production leader timeouts: with the tests' 50ms ones, a
// loaded machine's fsync stalls cost the leader its lease mid-run.
func BenchmarkGroupApply(b *testing.B) {
	cfg := testConfig()
	def := replication.DefaultConfig()
	cfg.HeartbeatTimeout, cfg.ElectionTimeout, cfg.LeaderLeaseTimeout = def.HeartbeatTimeout, def.ElectionTimeout, def.LeaderLeaseTimeout
	c := newCluster(b, 3, cfg)
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
