package local

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// request is one queued write. The writer sets res and err, then closes done.
type request struct {
	cmd  *partition.Command
	res  partition.Result
	err  error
	done chan struct{}
}

// writer serialises the writes of one partition and group-commits them.
type writer struct {
	r        Replica
	maxBatch int
	log      *slog.Logger

	queue   chan *request
	quit    chan struct{} // closed by stop: this partition alone ends
	stopped chan struct{} // closed when run has returned
}

func newWriter(r Replica, maxBatch, depth int, log *slog.Logger) *writer {
	return &writer{
		r: r, maxBatch: maxBatch, log: log,
		queue:   make(chan *request, depth),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

// errStopped fails writes to a partition whose writer has ended.
var errStopped = dberr.New(dberr.Unavailable, "The partition is not available")

// write queues cmd and waits for its result or for ctx to end. A write whose
// ctx ends after it was queued may still be applied.
func (w *writer) write(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	req := &request{cmd: cmd, done: make(chan struct{})}
	select {
	case w.queue <- req:
	case <-w.stopped:
		return partition.Result{}, errStopped
	case <-ctx.Done():
		return partition.Result{}, ctx.Err()
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-w.stopped:
		// run closes done before stopped, so a finished request shows here.
		select {
		case <-req.done:
			return req.res, req.err
		default:
			return partition.Result{}, errStopped
		}
	case <-ctx.Done():
		return partition.Result{}, ctx.Err()
	}
}

// run applies queued writes in batches until ctx ends or stop is called.
func (w *writer) run(ctx context.Context) {
	defer close(w.stopped)
	batch := make([]*request, 0, w.maxBatch)
	cmds := make([]*partition.Command, 0, w.maxBatch)
	for {
		select {
		case req := <-w.queue:
			batch = w.collect(append(batch[:0], req))
		case <-ctx.Done():
			return
		case <-w.quit:
			return
		}
		cmds = cmds[:0]
		for _, req := range batch {
			cmds = append(cmds, req.cmd)
		}
		w.apply(batch, cmds)
	}
}

// collect adds to batch every request already queued, up to maxBatch.
func (w *writer) collect(batch []*request) []*request {
	for len(batch) < w.maxBatch {
		select {
		case req := <-w.queue:
			batch = append(batch, req)
		default:
			return batch
		}
	}
	return batch
}

// apply commits one batch and answers its callers.
func (w *writer) apply(batch []*request, cmds []*partition.Command) {
	first := w.r.AppliedIndex() + 1
	results, err := w.r.ApplyBatch(first, cmds)
	if err == nil && len(results) != len(cmds) {
		err = fmt.Errorf("partition returned %d results for %d commands", len(results), len(cmds))
	}
	if err != nil {
		err = fmt.Errorf("local: apply %d writes at index %d: %w", len(cmds), first, err)
		w.log.LogAttrs(context.Background(), slog.LevelError, "write batch failed", slog.Any("err", err))
	}
	for i, req := range batch {
		if err != nil {
			req.err = err
		} else {
			req.res = results[i]
		}
		close(req.done)
		batch[i] = nil
	}
}

// stop ends this writer after its current batch and waits for it, or for
// ctx to end.
func (w *writer) stop(ctx context.Context) error {
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	select {
	case <-w.stopped:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("local: wait for writer to stop: %w", ctx.Err())
	}
}
