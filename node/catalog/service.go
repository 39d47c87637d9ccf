package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/flotilla-db/flotilla/proto/catalogpb"
	"github.com/flotilla-db/flotilla/replication"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
)

// errUnreachable marks a failed call to another node's catalog service:
// the command did not reach a leader, so it may be retried.
var errUnreachable = errors.New("catalog: leader unreachable")

// Service serves the Catalog gRPC service of this node: it accepts
// proposals and read-index requests while this node's replica leads.
type Service struct {
	catalogpb.UnimplementedCatalogServer
	c *Catalog
}

// Register registers the Catalog service of c on s.
func Register(s grpc.ServiceRegistrar, c *Catalog) {
	catalogpb.RegisterCatalogServer(s, &Service{c: c})
}

func notLeaderPB(err error) *catalogpb.NotLeader {
	var nl *replication.NotLeaderError
	if !errors.As(err, &nl) {
		return nil
	}
	return &catalogpb.NotLeader{LeaderId: string(nl.LeaderID), LeaderAddr: string(nl.LeaderAddr)}
}

// Propose applies a command on this node, which must be the leader.
func (s *Service) Propose(ctx context.Context, req *catalogpb.ProposeRequest) (*catalogpb.ProposeResponse, error) {
	resp, err := s.c.cfg.Group.Apply(ctx, req.GetCommand())
	if nl := notLeaderPB(err); nl != nil {
		return &catalogpb.ProposeResponse{NotLeader: nl}, nil
	}
	if err != nil {
		return nil, err
	}
	res, ok := resp.(*Result)
	if !ok {
		return nil, fmt.Errorf("catalog: apply returned %T", resp)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("catalog: encode result: %w", err)
	}
	return &catalogpb.ProposeResponse{Result: b, Index: s.c.s.AppliedIndex()}, nil
}

// ReadIndex confirms this node leads and returns its applied index, which
// covers every change committed before the call.
func (s *Service) ReadIndex(ctx context.Context, _ *catalogpb.ReadIndexRequest) (*catalogpb.ReadIndexResponse, error) {
	err := s.c.cfg.Group.ReadIndex(ctx)
	if nl := notLeaderPB(err); nl != nil {
		return &catalogpb.ReadIndexResponse{NotLeader: nl}, nil
	}
	if err != nil {
		return nil, err
	}
	return &catalogpb.ReadIndexResponse{Index: s.c.s.AppliedIndex()}, nil
}

func (c *Catalog) client(addr raft.ServerAddress) (catalogpb.CatalogClient, error) {
	cc, err := c.cfg.Dialer.Conn(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnreachable, err)
	}
	return catalogpb.NewCatalogClient(cc), nil
}

// notLeaderErr turns a not-leader answer into a retryable error and hint.
func notLeaderErr(nl *catalogpb.NotLeader) (raft.ServerAddress, error) {
	return raft.ServerAddress(nl.GetLeaderAddr()), &replication.NotLeaderError{
		Group: "catalog", LeaderID: raft.ServerID(nl.GetLeaderId()), LeaderAddr: raft.ServerAddress(nl.GetLeaderAddr()),
	}
}

// remotePropose proposes data on the node at addr.
func (c *Catalog) remotePropose(ctx context.Context, addr raft.ServerAddress, data []byte) (*Result, uint64, raft.ServerAddress, error) {
	cl, err := c.client(addr)
	if err != nil {
		return nil, 0, "", err
	}
	resp, err := cl.Propose(ctx, &catalogpb.ProposeRequest{Command: data})
	if err != nil {
		return nil, 0, "", c.callErr(ctx, addr, err)
	}
	if nl := resp.GetNotLeader(); nl != nil {
		hint, err := notLeaderErr(nl)
		return nil, 0, hint, err
	}
	var res Result
	if err := json.Unmarshal(resp.GetResult(), &res); err != nil {
		return nil, 0, "", fmt.Errorf("catalog: decode result from %s: %w", addr, err)
	}
	return &res, resp.GetIndex(), "", nil
}

// remoteReadIndex asks the node at addr for a read index.
func (c *Catalog) remoteReadIndex(ctx context.Context, addr raft.ServerAddress) (uint64, raft.ServerAddress, error) {
	cl, err := c.client(addr)
	if err != nil {
		return 0, "", err
	}
	resp, err := cl.ReadIndex(ctx, &catalogpb.ReadIndexRequest{})
	if err != nil {
		return 0, "", c.callErr(ctx, addr, err)
	}
	if nl := resp.GetNotLeader(); nl != nil {
		hint, err := notLeaderErr(nl)
		return 0, hint, err
	}
	return resp.GetIndex(), "", nil
}

// callErr wraps a failed RPC as retryable. A propose whose RPC failed
// after reaching the leader may have been applied; catalog commands are
// checked against the stored state, so a repeat cannot apply twice (an
// update's version check fails, a second create reports ResourceInUse).
func (c *Catalog) callErr(ctx context.Context, addr raft.ServerAddress, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("catalog: call %s: %w", addr, ctx.Err())
	}
	c.log.Debug("catalog leader call failed", "addr", addr, "err", err)
	return fmt.Errorf("%w: %s: %w", errUnreachable, addr, err)
}
