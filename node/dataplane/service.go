package dataplane

import (
	"context"
	"log/slog"

	"github.com/flotilla-db/flotilla/partition"

	"github.com/flotilla-db/flotilla/proto/datapb"
	"google.golang.org/grpc"
)

// Service is the server side of DataService: it serves requests from this
// node's replicas only and answers NOT_LEADER or NO_REPLICA when it cannot.
type Service struct {
	datapb.UnimplementedDataServiceServer
	groups Groups
	m      Map // nil: never report a stale map
	log    *slog.Logger
}

var _ datapb.DataServiceServer = (*Service)(nil)

// NewService returns a Service over groups that checks senders' partition
// maps against m; m and logger may be nil.
func NewService(groups Groups, m Map, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{groups: groups, m: m, log: logger.With("component", "dataplane")}
}

// Register registers the service on a gRPC server.
func (s *Service) Register(r grpc.ServiceRegistrar) { datapb.RegisterDataServiceServer(r, s) }

// replica returns the hosted replica of a partition. Without one it
// returns errStaleMap when this node's catalog knows the sender's map of
// the partition (at epoch; 0 when the request carries none) is out of
// date, else errNoReplica. The catalog is consulted only then, so a
// request served here costs no lookup.
func (s *Service) replica(id, epoch uint64) (Replica, error) {
	if r, ok := s.groups.Replica(id); ok {
		return r, nil
	}
	if s.m != nil {
		current, gone := s.m.PartitionEpoch(id)
		if gone || (epoch != 0 && current > epoch) {
			return nil, errStaleMap
		}
	}
	return nil, errNoReplica
}

// outcome turns an error into the wire outcome, logging internal faults.
func (s *Service) outcome(op string, id uint64, err error) *datapb.Outcome {
	o := outcomeOf(err)
	if o.GetCode() == datapb.Code_FAILED && o.GetError().GetMessage() == "Internal server error" {
		s.log.LogAttrs(context.Background(), slog.LevelError, "request failed",
			slog.String("op", op), slog.Uint64("partition", id), slog.Any("err", err))
	}
	return o
}

// Write applies a command on the leader.
func (s *Service) Write(ctx context.Context, req *datapb.WriteRequest) (*datapb.WriteResponse, error) {
	r, err := s.replica(req.GetPartitionId(), req.GetEpoch())
	if err != nil {
		return &datapb.WriteResponse{Outcome: s.outcome("write", req.GetPartitionId(), err)}, nil
	}
	res, err := localWrite(ctx, r, req.GetCommand())
	if err == nil {
		var resp *datapb.WriteResponse
		if resp, err = resultToPB(res); err == nil {
			return resp, nil
		}
	}
	return &datapb.WriteResponse{Outcome: s.outcome("write", req.GetPartitionId(), err)}, nil
}

// Get reads one item. Like Query and Scan, it answers with the replica's
// applied index from before the read: the sender's reads afterwards must
// see at least that much.
func (s *Service) Get(ctx context.Context, req *datapb.GetRequest) (*datapb.GetResponse, error) {
	it, applied, err := s.get(ctx, req)
	if err != nil {
		return &datapb.GetResponse{Outcome: s.outcome("get", req.GetPartitionId(), err)}, nil
	}
	return &datapb.GetResponse{Outcome: outcomeOf(nil), Item: it, AppliedIndex: applied}, nil
}

func (s *Service) get(ctx context.Context, req *datapb.GetRequest) ([]byte, uint64, error) {
	r, err := s.replica(req.GetPartitionId(), req.GetEpoch())
	if err != nil {
		return nil, 0, err
	}
	key, err := decodeItem(req.GetKey())
	if err != nil {
		return nil, 0, err
	}
	return localGetEncoded(ctx, r, key, req.GetConsistent())
}

// Query reads one page of a query.
func (s *Service) Query(ctx context.Context, req *datapb.QueryRequest) (*datapb.PageResponse, error) {
	page, applied, err := s.query(ctx, req)
	if err != nil {
		return &datapb.PageResponse{Outcome: s.outcome("query", req.GetPartitionId(), err)}, nil
	}
	out := pageToPB(page)
	out.AppliedIndex = applied
	return out, nil
}

func (s *Service) query(ctx context.Context, req *datapb.QueryRequest) (*partition.Page, uint64, error) {
	r, err := s.replica(req.GetPartitionId(), req.GetEpoch())
	if err != nil {
		return nil, 0, err
	}
	in, err := queryFromPB(req)
	if err != nil {
		return nil, 0, err
	}
	return localQuery(ctx, r, in)
}

// Scan reads one page of a scan.
func (s *Service) Scan(ctx context.Context, req *datapb.ScanRequest) (*datapb.PageResponse, error) {
	page, applied, err := s.scan(ctx, req)
	if err != nil {
		return &datapb.PageResponse{Outcome: s.outcome("scan", req.GetPartitionId(), err)}, nil
	}
	out := pageToPB(page)
	out.AppliedIndex = applied
	return out, nil
}

func (s *Service) scan(ctx context.Context, req *datapb.ScanRequest) (*partition.Page, uint64, error) {
	r, err := s.replica(req.GetPartitionId(), req.GetEpoch())
	if err != nil {
		return nil, 0, err
	}
	in, err := scanFromPB(req)
	if err != nil {
		return nil, 0, err
	}
	return localScan(ctx, r, in)
}

// Stats returns the replica's item count and size.
func (s *Service) Stats(_ context.Context, req *datapb.StatsRequest) (*datapb.StatsResponse, error) {
	r, err := s.replica(req.GetPartitionId(), 0)
	if err != nil {
		return &datapb.StatsResponse{Outcome: s.outcome("stats", req.GetPartitionId(), err)}, nil
	}
	items, bytes := r.Partition().Stats()
	return &datapb.StatsResponse{Outcome: outcomeOf(nil), Items: items, Bytes: bytes}, nil
}
