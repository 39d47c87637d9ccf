package router

import (
	"context"
	"fmt"
	"strings"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// constraints collects DynamoDB's schema-level validation failures, which it
// reports together: "1 validation error detected: Value 'x' at 'tableName'
// failed to satisfy constraint: Member must have length greater than or
// equal to 3". Use one per request; err returns nil when nothing failed.
type constraints struct{ msgs []string }

// add records that value at field failed constraint.
func (c *constraints) add(value any, field, constraint string) {
	v := "null"
	if value != nil {
		v = fmt.Sprintf("'%v'", value)
	}
	c.msgs = append(c.msgs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", v, field, constraint))
}

// addNull records that the required field is missing.
func (c *constraints) addNull(field string) {
	c.msgs = append(c.msgs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", field))
}

func (c *constraints) err() error {
	if len(c.msgs) == 0 {
		return nil
	}
	noun := "errors"
	if len(c.msgs) == 1 {
		noun = "error"
	}
	return dberr.Validationf("%d validation %s detected: %s", len(c.msgs), noun, strings.Join(c.msgs, "; "))
}

// validTableName reports whether name is made of [a-zA-Z0-9_.-] only (a
// loop, not a regular expression: it runs on every request).
func validTableName(name string) bool {
	for i := 0; i < len(name); i++ {
		switch ch := name[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '_', ch == '.', ch == '-':
		default:
			return false
		}
	}
	return name != ""
}

// tableName checks a table name against DynamoDB's constraints (3 to 255
// characters of [a-zA-Z0-9_.-]), recording failures at field.
func (c *constraints) tableName(name *string, field string) {
	switch {
	case name == nil:
		c.addNull(field)
	case len(*name) < 3:
		c.add(*name, field, "Member must have length greater than or equal to 3")
		if !validTableName(*name) {
			c.add(*name, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	case len(*name) > 255:
		c.add(*name, field, "Member must have length less than or equal to 255")
	case !validTableName(*name):
		c.add(*name, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
}

// table validates a data-plane request's TableName and returns the table, or
// ResourceNotFoundException "Requested resource not found" (the catalog's
// own message, "Requested resource not found: Table: X not found", is what
// the control plane reports).
func (r *Router) table(ctx context.Context, name *string) (*schema.Table, error) {
	var c constraints
	c.tableName(name, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	t, err := r.readTable(ctx, *name)
	if dberr.Is(err, dberr.ResourceNotFound) {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found")
	}
	return t, err
}

// readTable returns the named table for a request that only reads it: the
// catalog's shared copy when it offers one (SharedTableReader), else a copy.
func (r *Router) readTable(ctx context.Context, name string) (*schema.Table, error) {
	if sr, ok := r.cfg.Catalog.(SharedTableReader); ok {
		return sr.SharedTable(ctx, name)
	}
	return r.cfg.Catalog.Table(ctx, name)
}
