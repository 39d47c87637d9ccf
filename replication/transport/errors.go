package transport

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var (
	// ErrClosed is returned by outgoing RPCs, Conn and pipelines once the
	// Transport or the group's raft.Transport has been closed.
	ErrClosed = errors.New("transport: closed")

	// ErrUnknownGroup is wrapped in the error of an outgoing RPC whose
	// target node does not host (or no longer hosts) the group.
	ErrUnknownGroup = errors.New("transport: group not hosted by target")
)

// rpcError wraps the error of an outgoing RPC with its name, target and
// group, mapping gRPC statuses onto the package's sentinels.
func rpcError(rpc, groupID, target string, err error) error {
	switch status.Code(err) {
	case codes.NotFound:
		return fmt.Errorf("transport: %s to %s for group %s: %w: %s", rpc, target, groupID, ErrUnknownGroup, status.Convert(err).Message())
	case codes.Canceled:
		return fmt.Errorf("transport: %s to %s for group %s: %w", rpc, target, groupID, errors.Join(ErrClosed, err))
	default:
		return fmt.Errorf("transport: %s to %s for group %s: %w", rpc, target, groupID, err)
	}
}

// raftError turns the error Raft answered an incoming RPC with into a gRPC
// status for the sender.
func raftError(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	return status.Error(codes.Unknown, err.Error())
}
