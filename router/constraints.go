package router

import (
	"context"
	"fmt"
	"regexp"
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

var tableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// tableName checks a table name against DynamoDB's constraints (3 to 255
// characters of [a-zA-Z0-9_.-]), recording failures at field.
func (c *constraints) tableName(name *string, field string) {
	switch {
	case name == nil:
		c.addNull(field)
	case len(*name) < 3:
		c.add(*name, field, "Member must have length greater than or equal to 3")
		if !tableNamePattern.MatchString(*name) {
			c.add(*name, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	case len(*name) > 255:
		c.add(*name, field, "Member must have length less than or equal to 255")
	case !tableNamePattern.MatchString(*name):
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
	t, err := r.cfg.Catalog.Table(ctx, *name)
	if dberr.Is(err, dberr.ResourceNotFound) {
		return nil, dberr.New(dberr.ResourceNotFound, "Requested resource not found")
	}
	return t, err
}
