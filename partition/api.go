package partition

import (
	"math"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
)

// Op is the kind of a write command.
type Op uint8

// Write operations.
const (
	OpPut Op = iota + 1
	OpUpdate
	OpDelete
)

// ReturnValues settings, as on the wire.
const (
	ReturnNone       = "NONE"
	ReturnAllOld     = "ALL_OLD"
	ReturnUpdatedOld = "UPDATED_OLD"
	ReturnAllNew     = "ALL_NEW"
	ReturnUpdatedNew = "UPDATED_NEW"
)

// Command is one replicated write. It carries expressions as text, validated
// by the router before proposal and parsed again by every replica, so that
// a command is plain data that encodes deterministically.
type Command struct {
	Op Op
	// Item is the whole item for OpPut and the primary key for OpUpdate and
	// OpDelete.
	Item attr.Item
	// Condition is a ConditionExpression ("" for none). Legacy Expected
	// parameters arrive here already translated.
	Condition string
	// Update is an UpdateExpression (OpUpdate only; "" upserts the key).
	Update string
	Names  map[string]string
	Values map[string]attr.Value
	// ReturnValues is one of the Return* constants ("" means NONE).
	ReturnValues string
	// ReturnOldOnConditionFailure asks for the current item in the
	// ConditionalCheckFailed error (ReturnValuesOnConditionCheckFailure=ALL_OLD).
	ReturnOldOnConditionFailure bool
}

// Result is the outcome of one command.
type Result struct {
	// Attributes is what ReturnValues asked for (nil for NONE or nothing).
	Attributes attr.Item
	// Err is nil or a *dberr.Error: ConditionalCheckFailed (with the old item
	// when asked for), or a ValidationException found while applying (an
	// update's operand of the wrong type, an item grown past 400 KB). A
	// failed command changes nothing.
	Err error
	// ItemBytes is the size of the larger of the item's old and new
	// versions (attr.ItemSize), for write capacity units; 0 if unknown.
	ItemBytes int
	// Index is the replication log index the command was applied at: once
	// a replica has applied it, reads there see the command's effect.
	Index uint64
}

// QueryInput is one page of a Query on this partition.
type QueryInput struct {
	Key     *expr.KeyCondition
	Forward bool // ScanIndexForward
	// Limit is the most items to evaluate (before the filter); 0 means none.
	Limit             int
	ExclusiveStartKey attr.Item
	Filter            *expr.Condition
	// Projection is the paths to return; nil returns whole items.
	Projection []expr.Path
	// CountOnly returns counts and no items (Select=COUNT).
	CountOnly bool
	// MaxBytes is the most bytes of items to read (0 means MaxPageBytes):
	// the router passes what is left of a page's budget.
	MaxBytes int
	// Consistent asks for a strongly consistent read (ConsistentRead):
	// the partition's leader serves it. The partition itself ignores it.
	Consistent bool
	// Source is the text Key, Filter and Projection were parsed from, so
	// that the input can be sent to another node and parsed there again;
	// nil when unknown.
	Source *ReadSource
}

// ScanInput is one page of a Scan of this partition, in partition-key
// hash order.
type ScanInput struct {
	// HashFirst and HashLast bound the partition-key hashes to scan, both
	// inclusive. Both zero means the whole hash space: no partition or
	// parallel scan segment is the single hash 0.
	HashFirst, HashLast uint64
	// Limit is the most items to evaluate (before the filter); 0 means none.
	Limit             int
	ExclusiveStartKey attr.Item
	Filter            *expr.Condition
	Projection        []expr.Path
	CountOnly         bool
	// MaxBytes is the most bytes of items to read (0 means MaxPageBytes).
	MaxBytes int
	// Consistent is as in QueryInput.
	Consistent bool
	// Source is the text Filter and Projection were parsed from (see
	// QueryInput.Source); nil when unknown.
	Source *ReadSource
}

// ReadSource is the text of a Query's or Scan's expressions after legacy
// parameters were translated, with the names and values they use. "" means
// the expression is absent.
type ReadSource struct {
	KeyCondition string // Query only
	Filter       string
	Projection   string
	Names        map[string]string
	Values       map[string]attr.Value
}

// hashRange returns the inclusive range of hashes the scan covers.
func (in *ScanInput) hashRange() (first, last uint64) {
	if in.HashFirst == 0 && in.HashLast == 0 {
		return 0, math.MaxUint64
	}
	return in.HashFirst, in.HashLast
}

// Page is one page of Query or Scan results. A page stops at Limit items
// evaluated or MaxBytes (1 MB) of items read, whichever is first; LastEvaluatedKey is
// then the key of the last item evaluated (nil when the range is done).
type Page struct {
	Items            []attr.Item
	Count            int // items that passed the filter
	ScannedCount     int // items evaluated
	LastEvaluatedKey attr.Item
	// ReadBytes is the size of the items evaluated, for consumed capacity.
	ReadBytes int
}

// MaxPageBytes is DynamoDB's Query and Scan page limit: 1 MB read.
const MaxPageBytes = 1 << 20
