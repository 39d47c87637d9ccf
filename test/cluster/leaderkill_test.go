package cluster

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	killItems   = 10_000
	killWriters = 16
	// killEvery is how many acknowledgements to wait for between restarting
	// one node and killing the next.
	killEvery = 200
	// killDownAcks is how many acknowledgements the two live nodes must give
	// while the third is down.
	killDownAcks = 200
	// killProgressTimeout bounds each wait for acknowledgements.
	killProgressTimeout = 30 * time.Second
	killLoadTimeout     = 120 * time.Second
)

// killLoad writes keyedItem(k00000..k09999) with killWriters goroutines,
// each through a random node, retrying each key until acknowledged.
type killLoad struct {
	dbs    []*dynamodb.Client
	table  string
	acked  [killItems]atomic.Bool
	acks   atomic.Int64
	errs   atomic.Int64
	mu     sync.Mutex
	hard   []error // errors that are not unavailability, up to 10
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

func startKillLoad(dbs []*dynamodb.Client, table string) *killLoad {
	ctx, cancel := context.WithTimeout(context.Background(), killLoadTimeout)
	l := &killLoad{dbs: dbs, table: table, cancel: cancel}
	for w := range killWriters {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for k := w; k < killItems && ctx.Err() == nil; k += killWriters {
				l.writeUntilAcked(ctx, rng, k)
			}
		}()
	}
	return l
}

// writeUntilAcked puts item k, the same key and value each time, through
// random nodes until one acknowledges it or ctx ends.
func (l *killLoad) writeUntilAcked(ctx context.Context, rng *rand.Rand, k int) {
	item := keyedItem(killKey(k))
	for ctx.Err() == nil {
		attempt, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := l.dbs[rng.IntN(len(l.dbs))].PutItem(attempt, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: item}, noRetry)
		cancel()
		if err == nil {
			l.acked[k].Store(true)
			l.acks.Add(1)
			return
		}
		l.errs.Add(1)
		if !retryable(err) {
			l.mu.Lock()
			if len(l.hard) < 10 {
				l.hard = append(l.hard, fmt.Errorf("PutItem %s: %w", killKey(k), err))
			}
			l.mu.Unlock()
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(5+rng.IntN(20)) * time.Millisecond): // back off before the retry
		}
	}
}

// halt stops the writers and waits for them.
func (l *killLoad) halt() {
	l.cancel()
	l.wg.Wait()
}

func (l *killLoad) finished() bool { return l.acks.Load() >= killItems }

// waitAcks polls until n writes are acknowledged or every write is; it
// reports false if timeout passed first.
func (l *killLoad) waitAcks(n int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for l.acks.Load() < n && !l.finished() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

func TestLeaderKillNoAckLost(t *testing.T) {
	c := harness.StartCluster(t, 3)
	dbs := c.Clients()
	const table = "leaderkill"
	createTable(t, dbs[0], table, false)
	waitTable(t, dbs[1], table)
	waitTable(t, dbs[2], table)

	load := startKillLoad(dbs, table)
	defer load.halt()
	kills := 0
	for node := 1; !load.finished(); node = node%c.Size() + 1 {
		if !load.waitAcks(load.acks.Load()+killEvery, killProgressTimeout) {
			t.Fatalf("no %d acknowledged writes within %v with all nodes up (%d acks, %d errors so far)", killEvery, killProgressTimeout, load.acks.Load(), load.errs.Load())
		}
		if load.finished() {
			break
		}
		c.Kill(node)
		kills++
		if !load.waitAcks(load.acks.Load()+killDownAcks, killProgressTimeout) {
			t.Fatalf("no %d acknowledged writes within %v with n%d down (%d acks, %d errors so far)", killDownAcks, killProgressTimeout, node, load.acks.Load(), load.errs.Load())
		}
		t.Logf("killed n%d; %d acks, %d errors so far", node, load.acks.Load(), load.errs.Load())
		c.Restart(node)
	}
	load.halt()
	t.Logf("%d kills, %d acknowledged writes, %d failed attempts", kills, load.acks.Load(), load.errs.Load())
	for _, err := range load.hard {
		t.Errorf("write failed with a non-transient error: %v", err)
	}
	if kills < c.Size() {
		t.Errorf("only %d kills during the load, want every node killed at least once", kills)
	}
	if got := load.acks.Load(); got != killItems {
		t.Errorf("%d of %d writes acknowledged within %v", got, killItems, killLoadTimeout)
	}
	verifyKillLoad(t, dbs, load)
}

// verifyKillLoad checks that every acknowledged item reads back exactly
// with strongly consistent reads, and that no item in the table is half
// applied or unknown.
func verifyKillLoad(t *testing.T, dbs []*dynamodb.Client, load *killLoad) {
	t.Helper()
	ctx := harness.Context(t, 60*time.Second)
	var acked []string
	for k := range killItems {
		if load.acked[k].Load() {
			acked = append(acked, killKey(k))
		}
	}
	got, err := batchGetConsistent(ctx, dbs, load.table, acked)
	if err != nil {
		t.Fatalf("read back acknowledged items: %v", err)
	}
	bad := 0
	for _, k := range acked {
		it, ok := got[k]
		var err error
		if !ok {
			err = fmt.Errorf("acknowledged item %s is missing", k)
		} else {
			err = checkKeyedItem(k, it)
		}
		if err != nil {
			if bad < 10 {
				t.Error(err)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d acknowledged items lost or wrong", bad, len(acked))
	}
	items, err := scanAll(ctx, dbs[0], load.table, true)
	if err != nil {
		t.Fatalf("scan after the load: %v", err)
	}
	known := map[string]bool{}
	for k := range killItems {
		known[killKey(k)] = true
	}
	for _, it := range items {
		k, ok := keyOf(it)
		if !ok || !known[k] {
			t.Fatalf("scan found an item no writer wrote: %s", show(it))
		}
		if err := checkKeyedItem(k, it); err != nil {
			t.Fatalf("scan: %v", err)
		}
	}
	if len(items) < len(acked) {
		t.Fatalf("scan returned %d items, fewer than the %d acknowledged", len(items), len(acked))
	}
}
