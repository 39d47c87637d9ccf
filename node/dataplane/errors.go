package dataplane

import (
	"context"
	"errors"
	"fmt"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/flotilla-db/flotilla/router"
)

// An attempt to serve a request on one replica ends in a result or in one
// of these errors (or a *dberr.Error, which goes to the client as is).
var (
	// errNoReplica: the node hosts no open replica; try another node.
	errNoReplica = errors.New("dataplane: no replica of the partition here")
	// errBusy: the replica or the node could not take the request and
	// nothing was proposed; try again.
	errBusy = errors.New("dataplane: replica busy")
	// errUnknownOutcome: a write was proposed and may or may not apply.
	errUnknownOutcome = errors.New("dataplane: write outcome unknown")
	// errStaleMap: a node's catalog says the sender's partition map is out
	// of date (the partition is gone or its replicas moved); nothing was
	// proposed. The request ends at once so that the router can refresh
	// the map.
	errStaleMap = fmt.Errorf("dataplane: %w", router.ErrStaleMap)
	// errNoLeader: a replica that knows no leader of its group does not
	// serve eventually consistent reads: it may be cut off from the group,
	// or be what is left of a deleted partition on a node that was down.
	errNoLeader = &redirectError{}
)

// redirectError says the replica tried is not the leader; LeaderID and
// LeaderAddr name the leader when known.
type redirectError struct {
	LeaderID, LeaderAddr string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("dataplane: not the leader (leader %q at %q)", e.LeaderID, e.LeaderAddr)
}

// classify maps a local replica's error to the attempt errors above;
// other errors pass through.
func classify(err error) error {
	var nl *replication.NotLeaderError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nl):
		return &redirectError{LeaderID: string(nl.LeaderID), LeaderAddr: string(nl.LeaderAddr)}
	case errors.Is(err, replication.ErrShutdown):
		return fmt.Errorf("%w: %w", errNoReplica, err)
	case errors.Is(err, replication.ErrTimeout):
		return fmt.Errorf("%w: %w", errBusy, err)
	case errors.Is(err, replication.ErrLeadershipLost):
		// A read that lost its leader mid-verification changed nothing
		// and may be served by the new leader. (A write's lost leadership
		// leaves its outcome unknown: classifyWrite sees it first.)
		return fmt.Errorf("%w: %w", errBusy, err)
	}
	return err
}

// classifyWrite is classify for a proposal: leadership lost or the context
// ending after the proposal leave its outcome unknown.
func classifyWrite(err error) error {
	switch {
	case errors.Is(err, replication.ErrLeadershipLost),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: %w", errUnknownOutcome, err)
	}
	return classify(err)
}

// retryable reports whether another attempt may serve the request.
func retryable(err error) bool {
	var re *redirectError
	return errors.As(err, &re) || errors.Is(err, errNoReplica) || errors.Is(err, errBusy)
}

// clientError is the error a request that failed for good reports:
// client-visible errors as they are, anything else as an internal error
// (never as success).
func clientError(err error) error {
	var de *dberr.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%w: %w", &dberr.Error{Kind: dberr.Internal, Message: "Internal server error"}, err)
}

// staleMap is the error of a request sent with a stale partition map: a
// retryable Unavailable for a caller that does not refresh, wrapping
// router.ErrStaleMap for one that does.
func staleMap(err error) error { return unavailable(err) }

// unavailable is the error of a request no replica served before its
// deadline; last is the last attempt's error.
func unavailable(last error) error {
	e := dberr.New(dberr.Unavailable, "The service is currently unavailable or busy.")
	if last == nil {
		return e
	}
	return fmt.Errorf("%w: %w", e, last)
}
