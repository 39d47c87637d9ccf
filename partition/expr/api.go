package expr

import (
	"github.com/flotilla-db/flotilla/partition/attr"
)

// The contract other packages rely on. The functions listed at the end of
// this file live in condition.go, eval.go, update.go, apply.go,
// projection.go, keycond.go and env.go.

// Env is one request's ExpressionAttributeNames and ExpressionAttributeValues.
// Every Parse* call on it records the names and values it used, so that
// CheckUnused can report the ones no expression used. Not safe for
// concurrent use.
type Env struct {
	Names  map[string]string
	Values map[string]attr.Value

	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewEnv returns an Env over a request's names and values (either may be nil).
func NewEnv(names map[string]string, values map[string]attr.Value) *Env {
	return &Env{Names: names, Values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

// PathElem is one step of a document path: a name (attribute or map key) or
// a list index.
type PathElem struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path such as a.b[2].c; Path[0] is always a name.
type Path []PathElem

// RangeOp is the operator of a key condition on the sort key.
type RangeOp uint8

// Sort key operators. RangeNone means the condition names only the hash key.
const (
	RangeNone RangeOp = iota
	RangeEQ
	RangeLT
	RangeLE
	RangeGT
	RangeGE
	RangeBetween
	RangeBeginsWith
)

// KeyCondition is a parsed KeyConditionExpression: equality on the hash key
// and at most one condition on the sort key. Values[1] is used by
// RangeBetween only.
type KeyCondition struct {
	HashName  string
	HashValue attr.Value
	RangeName string
	Op        RangeOp
	Values    [2]attr.Value
}

// Functions:
//
//	// ParseCondition parses a ConditionExpression or FilterExpression; label
//	// is "ConditionExpression" or "FilterExpression" and appears in messages
//	// ("Invalid FilterExpression: ...").
//	func ParseCondition(label, s string, env *Env) (*Condition, error)
//	func (c *Condition) Eval(it attr.Item) bool
//
//	func ParseUpdate(s string, env *Env) (*Update, error)
//	// Paths lists the document paths the update sets or removes, in order.
//	func (u *Update) Paths() []Path
//	// Apply returns a new item with the update applied (it is not modified)
//	// and the paths it changed; errors are ValidationExceptions with
//	// DynamoDB's messages (wrong operand types, list index misuse, ...).
//	func (u *Update) Apply(it attr.Item) (attr.Item, error)
//
//	func ParseProjection(s string, env *Env) ([]Path, error)
//	// Project returns the parts of it named by paths (nil paths: all of it).
//	func Project(it attr.Item, paths []Path) attr.Item
//
//	// ParseKeyCondition parses a KeyConditionExpression against a key schema.
//	func ParseKeyCondition(s string, env *Env, key schema.KeySchema) (*KeyCondition, error)
//
//	// CheckUnused returns DynamoDB's ValidationException for names or values
//	// that no parsed expression used, or nil.
//	func (e *Env) CheckUnused() error
//
//	// Validate checks the names and values maps themselves (not empty,
//	// keys are #name / :value placeholders); call it before parsing.
//	func (e *Env) Validate() error
//
