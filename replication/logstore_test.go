package replication_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestLogStoreCounters checks that every replica counts its log writes and
// the entries they stored: concurrent proposals share writes, so there are
// at least as many entries as writes, and every replica stored at least
// the proposals.
func TestLogStoreCounters(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	l := c.leader()
	before := l.group.Stats()
	const writers, perWriter = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if _, err := l.group.Apply(ctx, putCmd(fmt.Sprint("w", w, "-", i), "v")); err != nil {
					t.Errorf("Apply: %v", err)
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	c.converged()
	for _, nd := range c.nodes {
		st := nd.group.Stats()
		if st.LogEntries < writers*perWriter || st.LogAppends == 0 || st.LogAppends > st.LogEntries {
			t.Errorf("%s: %d log writes storing %d entries, want 1..entries writes and >= %d entries",
				nd.id, st.LogAppends, st.LogEntries, writers*perWriter)
		}
	}
	after := l.group.Stats()
	if got := after.LogEntries - before.LogEntries; got < writers*perWriter {
		t.Errorf("leader stored %d entries for %d proposals", got, writers*perWriter)
	}
	if after.LogAppends <= before.LogAppends {
		t.Errorf("leader log writes went from %d to %d", before.LogAppends, after.LogAppends)
	}
}
