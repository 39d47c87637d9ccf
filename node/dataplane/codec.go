package dataplane

import (
	"errors"
	"fmt"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
	"github.com/flotilla-db/flotilla/proto/datapb"
)

// errNoSource is returned for a Query or Scan input that cannot be sent to
// another node because it lacks the text of its expressions.
var errNoSource = errors.New("dataplane: read input has no Source to send")

// ---- outcomes and errors ----

// outcomeOf turns an attempt's classified error into the wire outcome.
func outcomeOf(err error) *datapb.Outcome {
	var re *redirectError
	var de *dberr.Error
	switch {
	case err == nil:
		return &datapb.Outcome{Code: datapb.Code_OK}
	case errors.As(err, &re):
		return &datapb.Outcome{Code: datapb.Code_NOT_LEADER, LeaderId: re.LeaderID, LeaderAddr: re.LeaderAddr}
	case errors.Is(err, errStaleMap):
		return &datapb.Outcome{Code: datapb.Code_STALE_MAP}
	case errors.Is(err, errNoReplica):
		return &datapb.Outcome{Code: datapb.Code_NO_REPLICA}
	case errors.Is(err, errBusy):
		return &datapb.Outcome{Code: datapb.Code_BUSY}
	case errors.Is(err, errUnknownOutcome):
		return &datapb.Outcome{Code: datapb.Code_OUTCOME_UNKNOWN, Error: &datapb.Error{Message: err.Error()}}
	case errors.As(err, &de):
		return &datapb.Outcome{Code: datapb.Code_FAILED, Error: errorToPB(de)}
	}
	return &datapb.Outcome{Code: datapb.Code_FAILED, Error: &datapb.Error{
		Kind: uint32(dberr.Internal), Message: "Internal server error"}}
}

// outcomeErr is the inverse of outcomeOf; from names the node that answered.
func outcomeErr(o *datapb.Outcome, from string) error {
	switch o.GetCode() {
	case datapb.Code_OK:
		return nil
	case datapb.Code_NOT_LEADER:
		return &redirectError{LeaderID: o.GetLeaderId(), LeaderAddr: o.GetLeaderAddr()}
	case datapb.Code_NO_REPLICA:
		return fmt.Errorf("%w (node %s)", errNoReplica, from)
	case datapb.Code_STALE_MAP:
		return fmt.Errorf("%w (node %s)", errStaleMap, from)
	case datapb.Code_BUSY:
		return fmt.Errorf("%w (node %s)", errBusy, from)
	case datapb.Code_OUTCOME_UNKNOWN:
		return fmt.Errorf("%w (node %s: %s)", errUnknownOutcome, from, o.GetError().GetMessage())
	case datapb.Code_FAILED:
		return errorFromPB(o.GetError())
	}
	return fmt.Errorf("dataplane: node %s answered with unknown code %v", from, o.GetCode())
}

func errorToPB(e *dberr.Error) *datapb.Error {
	out := &datapb.Error{Kind: uint32(e.Kind), Message: e.Message}
	if it, ok := e.Item.(attr.Item); ok {
		out.Item = itemBytes(it)
	}
	return out
}

// errorFromPB returns the *dberr.Error e carries, or nil for none.
func errorFromPB(e *datapb.Error) error {
	if e == nil {
		return nil
	}
	out := &dberr.Error{Kind: dberr.Kind(e.GetKind()), Message: e.GetMessage()}
	it, err := decodeItem(e.GetItem())
	if err != nil {
		return fmt.Errorf("dataplane: error item: %w", err)
	}
	if it != nil {
		out.Item = it
	}
	return out
}

// ---- items ----

// itemBytes encodes an optional item (nil: empty bytes).
func itemBytes(it attr.Item) []byte {
	if it == nil {
		return nil
	}
	return attr.AppendItem(nil, it)
}

// decodeItem decodes an optional item (empty bytes: nil).
func decodeItem(b []byte) (attr.Item, error) {
	if len(b) == 0 {
		return nil, nil
	}
	it, err := attr.DecodeItem(b)
	if err != nil {
		return nil, fmt.Errorf("dataplane: decode item: %w", err)
	}
	return it, nil
}

// ---- writes ----

func resultToPB(res partition.Result) (*datapb.WriteResponse, error) {
	out := &datapb.WriteResponse{Outcome: outcomeOf(nil), Attributes: itemBytes(res.Attributes), ItemBytes: int64(res.ItemBytes), Index: res.Index}
	if res.Err != nil {
		var de *dberr.Error
		if !errors.As(res.Err, &de) {
			return nil, fmt.Errorf("dataplane: result error is not client-visible: %w", res.Err)
		}
		out.ResultError = errorToPB(de)
	}
	return out, nil
}

func resultFromPB(r *datapb.WriteResponse) (partition.Result, error) {
	attrs, err := decodeItem(r.GetAttributes())
	if err != nil {
		return partition.Result{}, err
	}
	return partition.Result{Attributes: attrs, Err: errorFromPB(r.GetResultError()), ItemBytes: int(r.GetItemBytes()), Index: r.GetIndex()}, nil
}

// ---- reads ----

func keySchemaToPB(k schema.KeySchema) *datapb.KeySchema {
	return &datapb.KeySchema{
		Hash:  &datapb.KeyAttr{Name: k.Hash.Name, Type: uint32(k.Hash.Type)},
		Range: &datapb.KeyAttr{Name: k.Range.Name, Type: uint32(k.Range.Type)},
	}
}

func keySchemaFromPB(k *datapb.KeySchema) schema.KeySchema {
	return schema.KeySchema{
		Hash:  schema.KeyAttr{Name: k.GetHash().GetName(), Type: attr.Type(k.GetHash().GetType())},
		Range: schema.KeyAttr{Name: k.GetRange().GetName(), Type: attr.Type(k.GetRange().GetType())},
	}
}

func sourceToPB(s *partition.ReadSource) *datapb.ReadSource {
	var values []byte
	if s.Values != nil {
		values = attr.AppendItem(nil, attr.Item(s.Values))
	}
	return &datapb.ReadSource{KeyCondition: s.KeyCondition, Filter: s.Filter, Projection: s.Projection, Names: s.Names, Values: values}
}

// parsedSource is a ReadSource parsed again on the serving node.
type parsedSource struct {
	key        *expr.KeyCondition
	filter     *expr.Condition
	projection []expr.Path
}

// parseSource parses the expressions of s; key is the table's key schema
// (Query only).
func parseSource(s *datapb.ReadSource, key *schema.KeySchema) (*parsedSource, error) {
	values, err := decodeItem(s.GetValues())
	if err != nil {
		return nil, err
	}
	env := expr.NewEnv(s.GetNames(), values)
	var out parsedSource
	if key != nil {
		if out.key, err = expr.ParseKeyCondition(s.GetKeyCondition(), env, *key); err != nil {
			return nil, err
		}
	}
	if s.GetFilter() != "" {
		if out.filter, err = expr.ParseCondition("FilterExpression", s.GetFilter(), env); err != nil {
			return nil, err
		}
	}
	if s.GetProjection() != "" {
		if out.projection, err = expr.ParseProjection(s.GetProjection(), env); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

func queryToPB(t *schema.Table, p *schema.Partition, in *partition.QueryInput) (*datapb.QueryRequest, error) {
	if in.Source == nil {
		return nil, errNoSource
	}
	return &datapb.QueryRequest{
		PartitionId: p.ID, Epoch: p.Epoch, Consistent: in.Consistent,
		KeySchema: keySchemaToPB(t.Key), Source: sourceToPB(in.Source),
		Forward: in.Forward, Limit: int64(in.Limit), ExclusiveStartKey: itemBytes(in.ExclusiveStartKey),
		CountOnly: in.CountOnly, MaxBytes: int64(in.MaxBytes),
	}, nil
}

func queryFromPB(r *datapb.QueryRequest) (*partition.QueryInput, error) {
	ks := keySchemaFromPB(r.GetKeySchema())
	src, err := parseSource(r.GetSource(), &ks)
	if err != nil {
		return nil, err
	}
	esk, err := decodeItem(r.GetExclusiveStartKey())
	if err != nil {
		return nil, err
	}
	return &partition.QueryInput{
		Key: src.key, Forward: r.GetForward(), Limit: int(r.GetLimit()), ExclusiveStartKey: esk,
		Filter: src.filter, Projection: src.projection, CountOnly: r.GetCountOnly(),
		MaxBytes: int(r.GetMaxBytes()), Consistent: r.GetConsistent(),
	}, nil
}

func scanToPB(p *schema.Partition, in *partition.ScanInput) (*datapb.ScanRequest, error) {
	src := in.Source
	if src == nil {
		if in.Filter != nil || in.Projection != nil {
			return nil, errNoSource
		}
		src = &partition.ReadSource{}
	}
	return &datapb.ScanRequest{
		PartitionId: p.ID, Epoch: p.Epoch, Consistent: in.Consistent, Source: sourceToPB(src),
		HashFirst: in.HashFirst, HashLast: in.HashLast, Limit: int64(in.Limit),
		ExclusiveStartKey: itemBytes(in.ExclusiveStartKey), CountOnly: in.CountOnly, MaxBytes: int64(in.MaxBytes),
	}, nil
}

func scanFromPB(r *datapb.ScanRequest) (*partition.ScanInput, error) {
	src, err := parseSource(r.GetSource(), nil)
	if err != nil {
		return nil, err
	}
	esk, err := decodeItem(r.GetExclusiveStartKey())
	if err != nil {
		return nil, err
	}
	return &partition.ScanInput{
		HashFirst: r.GetHashFirst(), HashLast: r.GetHashLast(), Limit: int(r.GetLimit()), ExclusiveStartKey: esk,
		Filter: src.filter, Projection: src.projection, CountOnly: r.GetCountOnly(),
		MaxBytes: int(r.GetMaxBytes()), Consistent: r.GetConsistent(),
	}, nil
}

func pageToPB(pg *partition.Page) *datapb.PageResponse {
	out := &datapb.PageResponse{
		Outcome: outcomeOf(nil), Items: make([][]byte, len(pg.Items)),
		Count: int64(pg.Count), ScannedCount: int64(pg.ScannedCount),
		LastEvaluatedKey: itemBytes(pg.LastEvaluatedKey), ReadBytes: int64(pg.ReadBytes),
	}
	for i, it := range pg.Items {
		out.Items[i] = attr.AppendItem(nil, it)
	}
	return out
}

func pageFromPB(r *datapb.PageResponse) (*partition.Page, error) {
	out := &partition.Page{Count: int(r.GetCount()), ScannedCount: int(r.GetScannedCount()), ReadBytes: int(r.GetReadBytes())}
	if len(r.GetItems()) > 0 {
		out.Items = make([]attr.Item, len(r.GetItems()))
	}
	for i, b := range r.GetItems() {
		it, err := attr.DecodeItem(b)
		if err != nil {
			return nil, fmt.Errorf("dataplane: decode page item %d: %w", i, err)
		}
		out.Items[i] = it
	}
	lek, err := decodeItem(r.GetLastEvaluatedKey())
	if err != nil {
		return nil, err
	}
	out.LastEvaluatedKey = lek
	return out, nil
}
