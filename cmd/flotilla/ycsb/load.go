package ycsb

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// LoadBatch is the number of records per InsertBatch call: DynamoDB's
// BatchWriteItem limit.
const LoadBatch = 25

// LoadReport is the outcome of a load phase.
type LoadReport struct {
	Records int64
	Elapsed time.Duration
}

// Throughput returns records loaded per second.
func (r *LoadReport) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Records) / r.Elapsed.Seconds()
}

// Load writes records 0..cfg.Records-1, each client a contiguous share of
// them in batches of LoadBatch. It stops at the first failure.
func Load(ctx context.Context, cfg Config, stores Stores) (*LoadReport, error) {
	if err := cfg.Validate(false); err != nil {
		return nil, err
	}
	clock := cfg.clock()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var loaded atomic.Int64
	start := clock.Now()
	prog := newProgress(&cfg, "load", start, cfg.Records, func() uint64 { return uint64(loaded.Load()) })
	stopProgress := everySecond(func() { prog.update(clock.Now()) })
	var wg sync.WaitGroup
	per := (cfg.Records + int64(cfg.Clients) - 1) / int64(cfg.Clients)
	for i := range cfg.Clients {
		lo, hi := int64(i)*per, min(int64(i+1)*per, cfg.Records)
		if lo >= hi {
			break
		}
		wg.Go(func() {
			if err := loadRange(ctx, &cfg, stores(i), uint64(i), lo, hi, &loaded); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	end := clock.Now()
	stopProgress()
	prog.finish(end)
	rep := &LoadReport{Records: loaded.Load(), Elapsed: end.Sub(start)}
	if err := context.Cause(ctx); err != nil {
		return rep, err
	}
	return rep, nil
}

// loadRange inserts records lo..hi-1.
func loadRange(ctx context.Context, cfg *Config, store Store, id uint64, lo, hi int64, loaded *atomic.Int64) error {
	w := &worker{rng: rand.New(rand.NewPCG(cfg.Seed, id+1<<32)), fields: FieldLength(cfg.ItemSize)}
	for lo < hi {
		n := min(hi-lo, LoadBatch)
		keys := make([]int64, n)
		values := make([][]string, n)
		for i := range keys {
			keys[i], values[i] = lo+int64(i), w.values()
		}
		if err := store.InsertBatch(ctx, keys, values); err != nil {
			return fmt.Errorf("load records %d..%d: %w", lo, lo+n-1, err)
		}
		loaded.Add(n)
		lo += n
	}
	return nil
}

// everySecond calls tick once a second, on a goroutine of its own, until
// the returned function is called; stop waits for that goroutine.
func everySecond(tick func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				tick()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// IsTerminal reports whether w is a character device, such as a terminal:
// the progress display draws a bar there and prints plain lines elsewhere.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
