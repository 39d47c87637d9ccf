package dataplane

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/proto/datapb"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// Data implements router.Data over the partitions' Raft groups, local or
// on other nodes.
type Data struct {
	cfg   Config
	log   *slog.Logger
	marks marks
}

// New returns a Data; it rejects an invalid Config.
func New(cfg Config) (*Data, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Data{cfg: cfg, log: logger.With("component", "dataplane")}, nil
}

// op is one request to a partition: how to serve it from a local replica
// and how to ask another node. Both return classified errors.
type op[T any] struct {
	name string
	// write marks a proposal: once it may have been sent, a failure leaves
	// its outcome unknown and it is not retried.
	write bool
	// instant marks an op whose local attempt neither blocks nor needs a
	// deadline (an eventually consistent read): this node's replica serves
	// it without a route or a deadline when it may (see onLocalReplica).
	instant bool
	local   func(ctx context.Context, r Replica) (T, error)
	remote  func(ctx context.Context, c datapb.DataServiceClient, from string) (T, error)
}

// transportError marks a gRPC failure of a remote call.
type transportError struct{ err error }

func (e *transportError) Error() string { return "dataplane: rpc: " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// rpcErr wraps a non-nil gRPC error as a transportError.
func rpcErr(err error) error {
	if err == nil {
		return nil
	}
	return &transportError{err: err}
}

// run serves o on partition p, trying nodes as the route says and pausing
// between rounds, until it succeeds, fails for good or ctx ends.
func run[T any](ctx context.Context, d *Data, p *schema.Partition, o op[T]) (T, error) {
	if o.instant {
		if v, ok := onLocalReplica(ctx, d, p, o); ok {
			return v, nil
		}
	}
	ctx, cancel := d.withDeadline(ctx)
	defer cancel()
	var zero T
	rt := newRoute(d, p)
	backoff := d.cfg.RetryBackoff
	var last error
	for {
		if o.write && !hasTime(ctx, d.cfg.WriteReserve) {
			return zero, unavailable(last)
		}
		tgt, ok := rt.next()
		if !ok {
			if !pause(ctx, backoff) {
				return zero, unavailable(last)
			}
			backoff = min(2*backoff, d.cfg.MaxRetryBackoff)
			rt.restart()
			continue
		}
		v, err := attempt(ctx, d, p, tgt, o)
		if err == nil {
			return v, nil
		}
		if errors.Is(err, errStaleMap) {
			return zero, staleMap(fmt.Errorf("dataplane: %s on partition %d (epoch %d): %w", o.name, p.ID, p.Epoch, err))
		}
		if !retryable(err) {
			return zero, d.fail(ctx, p, o.name, err)
		}
		last = err
		d.log.LogAttrs(ctx, slog.LevelDebug, "retrying", slog.String("op", o.name),
			slog.Uint64("partition", p.ID), slog.String("node", tgt.nodeID), slog.Any("err", err))
		var re *redirectError
		if errors.As(err, &re) {
			rt.hint(re.LeaderID, re.LeaderAddr)
		}
	}
}

// onLocalReplica runs an instant op on this node's replica of p when it
// may serve it: as the leader, or as a follower in touch with the leader
// (Replica.FollowerReadIndex). Either way the replica must first have
// applied p's mark, so that this node's clients read their own writes and
// never see older state than they saw before; a follower must also have
// applied what the leader had committed as of its last append. It waits
// up to Config.LocalReadWait for that. False when it may not, or when the
// attempt failed: the caller then takes the full route (the leader first),
// which retries or reports the failure.
func onLocalReplica[T any](ctx context.Context, d *Data, p *schema.Partition, o op[T]) (T, bool) {
	var zero T
	r, ok := d.cfg.Groups.Replica(p.ID)
	if !ok {
		return zero, false
	}
	need := d.marks.get(p.ID)
	if id, _ := r.Leader(); string(id) != d.cfg.NodeID {
		if d.cfg.LocalReadWait <= 0 {
			return zero, false
		}
		idx, ok := r.FollowerReadIndex()
		if !ok {
			return zero, false
		}
		need = max(need, idx)
	}
	if r.AppliedIndex() < need {
		if d.cfg.LocalReadWait <= 0 {
			return zero, false
		}
		wait, cancel := context.WithTimeout(ctx, d.cfg.LocalReadWait)
		err := r.WaitApplied(wait, need)
		cancel()
		if err != nil {
			return zero, false
		}
	}
	v, err := o.local(ctx, r)
	if err != nil {
		return zero, false
	}
	return v, true
}

// fail is the error of a request that failed for good: a read that ran
// out of time is unavailable; a write's unknown outcome is an internal
// error.
func (d *Data) fail(ctx context.Context, p *schema.Partition, op string, err error) error {
	err = fmt.Errorf("dataplane: %s on partition %d: %w", op, p.ID, err)
	if ctx.Err() != nil && !errors.Is(err, errUnknownOutcome) {
		return unavailable(err)
	}
	return clientError(err)
}

// attempt runs o once on tgt.
func attempt[T any](ctx context.Context, d *Data, p *schema.Partition, tgt target, o op[T]) (T, error) {
	var zero T
	if tgt.local {
		r, ok := d.cfg.Groups.Replica(p.ID)
		if !ok {
			return zero, errNoReplica
		}
		return o.local(ctx, r)
	}
	cc, err := d.cfg.Dialer.Conn(raft.ServerAddress(tgt.addr))
	if err != nil {
		return zero, fmt.Errorf("%w: dial %s: %w", errBusy, tgt.addr, err)
	}
	ready := cc.GetState() == connectivity.Ready
	v, err := o.remote(ctx, datapb.NewDataServiceClient(cc), tgt.nodeID)
	var te *transportError
	if errors.As(err, &te) {
		return zero, classifyRPC(te.err, o.write, ready)
	}
	return v, err
}

// classifyRPC classifies a gRPC failure. Reads are always retried. A
// write is retried only when the connection was not established and the
// call failed as Unavailable, i.e. the request never left this node;
// otherwise its outcome is unknown.
func classifyRPC(err error, write, ready bool) error {
	if !write || (!ready && status.Code(err) == codes.Unavailable) {
		return fmt.Errorf("%w: %w", errBusy, err)
	}
	return fmt.Errorf("%w: %w", errUnknownOutcome, err)
}

// withDeadline gives ctx the default timeout when it has no deadline.
func (d *Data) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d.cfg.DefaultTimeout)
}

// hasTime reports whether ctx has at least d left.
func hasTime(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ctx.Err() == nil && (!ok || time.Until(dl) >= d)
}

// pause waits for d or until ctx ends; false means ctx ended (or would end
// during the pause, so that the caller fails now rather than later).
func pause(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ---- router.Data ----

// Write applies cmd on partition p's leader.
func (d *Data) Write(ctx context.Context, t *schema.Table, p *schema.Partition, cmd *partition.Command) (partition.Result, error) {
	data := partition.EncodeCommand(cmd)
	res, err := run(ctx, d, p, op[partition.Result]{
		name:  "write",
		write: true,
		local: func(ctx context.Context, r Replica) (partition.Result, error) { return localWrite(ctx, r, data) },
		remote: func(ctx context.Context, c datapb.DataServiceClient, from string) (partition.Result, error) {
			resp, err := c.Write(ctx, &datapb.WriteRequest{PartitionId: p.ID, Epoch: p.Epoch, Command: data})
			if err != nil {
				return partition.Result{}, rpcErr(err)
			}
			if err := outcomeErr(resp.GetOutcome(), from); err != nil {
				return partition.Result{}, err
			}
			return resultFromPB(resp)
		},
	})
	if err == nil {
		d.marks.raise(p.ID, res.Index)
	}
	return res, err
}

// Get reads one item: from the leader after a ReadIndex when consistent,
// else from any replica (this node's first).
func (d *Data) Get(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, consistent bool) (attr.Item, error) {
	b, err := d.GetEncoded(ctx, t, p, key, consistent)
	if err != nil {
		return nil, err
	}
	return decodeItem(b)
}

// GetEncoded reads one item as Get does and returns its storage encoding
// (attr.AppendItem), or nil when there is none, without decoding it.
func (d *Data) GetEncoded(ctx context.Context, t *schema.Table, p *schema.Partition, key attr.Item, consistent bool) ([]byte, error) {
	if v, ok, err := readUnsafe(d, p, "get", func(pt *partition.Partition) ([]byte, error) { return pt.GetEncoded(key) }); ok {
		return v, err
	}
	return run(ctx, d, p, op[[]byte]{
		name:    "get",
		instant: !consistent,
		local: func(ctx context.Context, r Replica) ([]byte, error) {
			it, _, err := localGetEncoded(ctx, r, key, consistent)
			return it, err
		},
		remote: func(ctx context.Context, c datapb.DataServiceClient, from string) ([]byte, error) {
			resp, err := c.Get(ctx, &datapb.GetRequest{PartitionId: p.ID, Epoch: p.Epoch, Key: itemBytes(key), Consistent: consistent})
			if err != nil {
				return nil, rpcErr(err)
			}
			if err := outcomeErr(resp.GetOutcome(), from); err != nil {
				return nil, err
			}
			d.marks.raise(p.ID, resp.GetAppliedIndex())
			if len(resp.GetItem()) == 0 {
				return nil, nil
			}
			return resp.GetItem(), nil
		},
	})
}

// Query reads one page of a query of partition p.
func (d *Data) Query(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.QueryInput) (*partition.Page, error) {
	if v, ok, err := readUnsafe(d, p, "query", func(pt *partition.Partition) (*partition.Page, error) { return pt.Query(in) }); ok {
		return v, err
	}
	return run(ctx, d, p, op[*partition.Page]{
		name:    "query",
		instant: !in.Consistent,
		local: func(ctx context.Context, r Replica) (*partition.Page, error) {
			page, _, err := localQuery(ctx, r, in)
			return page, err
		},
		remote: func(ctx context.Context, c datapb.DataServiceClient, from string) (*partition.Page, error) {
			req, err := queryToPB(t, p, in)
			if err != nil {
				return nil, err
			}
			resp, err := c.Query(ctx, req)
			return d.pageResult(p, resp, err, from)
		},
	})
}

// Scan reads one page of a scan of partition p.
func (d *Data) Scan(ctx context.Context, t *schema.Table, p *schema.Partition, in *partition.ScanInput) (*partition.Page, error) {
	if v, ok, err := readUnsafe(d, p, "scan", func(pt *partition.Partition) (*partition.Page, error) { return pt.Scan(in) }); ok {
		return v, err
	}
	return run(ctx, d, p, op[*partition.Page]{
		name:    "scan",
		instant: !in.Consistent,
		local: func(ctx context.Context, r Replica) (*partition.Page, error) {
			page, _, err := localScan(ctx, r, in)
			return page, err
		},
		remote: func(ctx context.Context, c datapb.DataServiceClient, from string) (*partition.Page, error) {
			req, err := scanToPB(p, in)
			if err != nil {
				return nil, err
			}
			resp, err := c.Scan(ctx, req)
			return d.pageResult(p, resp, err, from)
		},
	})
}

// pageResult decodes a Query or Scan answer from another node about p.
func (d *Data) pageResult(p *schema.Partition, resp *datapb.PageResponse, err error, from string) (*partition.Page, error) {
	if err != nil {
		return nil, rpcErr(err)
	}
	if err := outcomeErr(resp.GetOutcome(), from); err != nil {
		return nil, err
	}
	d.marks.raise(p.ID, resp.GetAppliedIndex())
	return pageFromPB(resp)
}

// Stats sums the item counts and sizes of t's partitions, each from any
// replica (this node's first).
func (d *Data) Stats(ctx context.Context, t *schema.Table) (items, bytes int64, err error) {
	for i := range t.Partitions {
		s, err := d.partitionStats(ctx, &t.Partitions[i])
		if err != nil {
			return 0, 0, fmt.Errorf("dataplane: stats of table %s: %w", t.Name, err)
		}
		items += s[0]
		bytes += s[1]
	}
	return items, bytes, nil
}

func (d *Data) partitionStats(ctx context.Context, p *schema.Partition) ([2]int64, error) {
	return run(ctx, d, p, op[[2]int64]{
		name: "stats",
		local: func(_ context.Context, r Replica) ([2]int64, error) {
			items, bytes := r.Partition().Stats()
			return [2]int64{items, bytes}, nil
		},
		remote: func(ctx context.Context, c datapb.DataServiceClient, from string) ([2]int64, error) {
			resp, err := c.Stats(ctx, &datapb.StatsRequest{PartitionId: p.ID})
			if err != nil {
				return [2]int64{}, rpcErr(err)
			}
			if err := outcomeErr(resp.GetOutcome(), from); err != nil {
				return [2]int64{}, err
			}
			return [2]int64{resp.GetItems(), resp.GetBytes()}, nil
		},
	})
}
