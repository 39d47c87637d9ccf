package dataplane

import (
	"context"
	"fmt"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// The functions below serve a request from one local replica, for Data
// (this node's own replica) and Service (a request from another node)
// alike. Their errors are classified (see classify).

// localWrite proposes an encoded command.
func localWrite(ctx context.Context, r Replica, cmd []byte) (partition.Result, error) {
	resp, err := r.Apply(ctx, cmd)
	if err != nil {
		return partition.Result{}, classifyWrite(err)
	}
	res, ok := resp.(partition.Result)
	if !ok {
		return partition.Result{}, fmt.Errorf("dataplane: %w: apply returned %T", errUnknownOutcome, resp)
	}
	return res, nil
}

// readUnsafe serves a read from this node's replica as it stands, with no
// ReadIndex and no leader check, when Config.UnsafeStaleReads asks for it
// and this node hosts p; ok is false when the normal path must serve it.
func readUnsafe[T any](d *Data, p *schema.Partition, name string, read func(*partition.Partition) (T, error)) (v T, ok bool, err error) {
	if !d.cfg.UnsafeStaleReads {
		return v, false, nil
	}
	r, ok := d.cfg.Groups.Replica(p.ID)
	if !ok {
		return v, false, nil
	}
	if v, err = read(r.Partition()); err != nil {
		err = clientError(fmt.Errorf("dataplane: unsafe %s on partition %d: %w", name, p.ID, err))
	}
	return v, true, err
}

// readReady prepares a read: a consistent one waits for ReadIndex; an
// eventually consistent one needs a replica that knows its group's
// leader (see errNoLeader).
func readReady(ctx context.Context, r Replica, consistent bool) error {
	if !consistent {
		if id, _ := r.Leader(); id == "" {
			return errNoLeader
		}
		return nil
	}
	return classify(r.ReadIndex(ctx))
}

// The local reads return the replica's applied index from before the
// read, with what they read: the read reflects at least that index.

func localGetEncoded(ctx context.Context, r Replica, key attr.Item, consistent bool) ([]byte, uint64, error) {
	if err := readReady(ctx, r, consistent); err != nil {
		return nil, 0, err
	}
	applied := r.AppliedIndex()
	it, err := r.Partition().GetEncoded(key)
	return it, applied, err
}

func localQuery(ctx context.Context, r Replica, in *partition.QueryInput) (*partition.Page, uint64, error) {
	if err := readReady(ctx, r, in.Consistent); err != nil {
		return nil, 0, err
	}
	applied := r.AppliedIndex()
	page, err := r.Partition().Query(in)
	return page, applied, err
}

func localScan(ctx context.Context, r Replica, in *partition.ScanInput) (*partition.Page, uint64, error) {
	if err := readReady(ctx, r, in.Consistent); err != nil {
		return nil, 0, err
	}
	applied := r.AppliedIndex()
	page, err := r.Partition().Scan(in)
	return page, applied, err
}
