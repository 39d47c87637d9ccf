package expr

import (
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Condition is a parsed ConditionExpression or FilterExpression.
type Condition struct{}

// Update is a parsed UpdateExpression.
type Update struct{}

func ParseCondition(label, s string, env *Env) (*Condition, error) { panic("expr: not written") }
func (c *Condition) Eval(it attr.Item) bool                       { panic("expr: not written") }
func ParseUpdate(s string, env *Env) (*Update, error)              { panic("expr: not written") }
func (u *Update) Paths() []Path                                    { panic("expr: not written") }
func (u *Update) Apply(it attr.Item) (attr.Item, error)            { panic("expr: not written") }
func ParseProjection(s string, env *Env) ([]Path, error)           { panic("expr: not written") }
func Project(it attr.Item, paths []Path) attr.Item                 { panic("expr: not written") }
func ParseKeyCondition(s string, env *Env, key schema.KeySchema) (*KeyCondition, error) {
	panic("expr: not written")
}
func (e *Env) CheckUnused() error { panic("expr: not written") }
