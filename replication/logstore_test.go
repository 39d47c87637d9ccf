package replication_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/replication"
)

// TestLogStoreCounters checks that every replica counts its log writes and
// the entries they stored: concurrent proposals share writes, so there are
// at least as many entries as writes, and every replica stored at least
// the proposals.
func TestLogStoreCounters(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	c.leader()
	const writers, perWriter = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if err := applyRetrying(c, putCmd(fmt.Sprint("w", w, "-", i), "v")); err != nil {
					t.Errorf("Apply: %v", err)
					return
				}
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
}

var errNoLeader = errors.New("no leader")

// applyRetrying proposes data on whichever node leads, retrying for up
// to 10s while leadership moves (a busy machine can delay heartbeats past
// the test's short timeouts). Unlike cluster.apply it may run on any
// goroutine.
func applyRetrying(c *cluster, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		err := errNoLeader
		for _, nd := range c.nodes {
			if nd.up && nd.group.IsLeader() {
				if _, err = nd.group.Apply(ctx, data); err == nil {
					return nil
				}
				break
			}
		}
		if ctx.Err() != nil {
			return err
		}
		if !errors.Is(err, replication.ErrNotLeader) && !errors.Is(err, replication.ErrLeadershipLost) && !errors.Is(err, errNoLeader) {
			return err
		}
		select { // pace the retries while an election runs
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
	}
}
