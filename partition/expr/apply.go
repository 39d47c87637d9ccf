package expr

import (
	"bytes"
	"sort"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// DynamoDB's messages for updates that cannot be applied to an item.
const (
	msgInvalidPath    = "The document path provided in the update expression is invalid for update"
	msgWrongType      = "An operand in the update expression has an incorrect data type"
	msgMissingOperand = "The provided expression refers to an attribute that does not exist in the item"
)

// Apply returns a new item with the update applied; it is not modified,
// and the result shares with it only the parts the update did not touch.
// Every SET value is computed from the item as it was before the update;
// REMOVE of several indexes of one list refers to the list's original
// positions. Errors are ValidationExceptions with DynamoDB's messages.
func (u *Update) Apply(it attr.Item) (attr.Item, error) {
	vals := make([]attr.Value, len(u.actions))
	for i, a := range u.actions {
		if a.kind != actSet {
			continue
		}
		v, err := setValue(a.val, it)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	out := make(attr.Item, len(it)+len(u.actions))
	for k, v := range it {
		out[k] = v
	}
	var removes []Path
	for i, a := range u.actions {
		var err error
		switch a.kind {
		case actSet:
			err = setPath(out, a.path, vals[i])
		case actRemove:
			removes = append(removes, a.path)
		case actAdd:
			err = addPath(out, a.path, a.val.val)
		case actDelete:
			err = deletePath(out, a.path, a.val.val)
		}
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(removes, func(i, j int) bool { return removeBefore(removes[i], removes[j]) })
	for _, path := range removes {
		removePath(out, path)
	}
	return out, nil
}

// removeBefore orders REMOVE paths so that higher indexes of the same list
// go first, which keeps the lower indexes valid.
func removeBefore(a, b Path) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i].IsIndex && b[i].IsIndex && a[i].Index != b[i].Index:
			return a[i].Index > b[i].Index
		case !a[i].IsIndex && !b[i].IsIndex && a[i].Name != b[i].Name:
			return a[i].Name < b[i].Name
		}
	}
	return len(a) < len(b)
}

// setValue computes the value of a SET operand against the original item.
func setValue(n *node, it attr.Item) (attr.Value, error) {
	switch n.kind {
	case nValue:
		return n.val, nil
	case nPath:
		v, ok := lookup(it, n.path)
		if !ok {
			return attr.Value{}, dberr.Validationf(msgMissingOperand)
		}
		return v, nil
	case nPlus, nMinus:
		return arithmetic(n, it)
	case nFunc:
		if n.fn == fnIfNotExists {
			if v, ok := lookup(it, n.args[0].path); ok {
				return v, nil
			}
			return setValue(n.args[1], it)
		}
		return listAppend(n, it)
	}
	return attr.Value{}, dberr.Validationf(msgWrongType)
}

func arithmetic(n *node, it attr.Item) (attr.Value, error) {
	a, err := setValue(n.args[0], it)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := setValue(n.args[1], it)
	if err != nil {
		return attr.Value{}, err
	}
	if a.T != attr.TypeN || b.T != attr.TypeN {
		return attr.Value{}, dberr.Validationf(msgWrongType)
	}
	var s string
	if n.kind == nPlus {
		s, err = attr.AddNumbers(a.S, b.S)
	} else {
		s, err = attr.SubNumbers(a.S, b.S)
	}
	if err != nil {
		return attr.Value{}, err
	}
	return attr.Value{T: attr.TypeN, S: s}, nil
}

func listAppend(n *node, it attr.Item) (attr.Value, error) {
	a, err := setValue(n.args[0], it)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := setValue(n.args[1], it)
	if err != nil {
		return attr.Value{}, err
	}
	if a.T != attr.TypeL || b.T != attr.TypeL {
		return attr.Value{}, dberr.Validationf(msgWrongType)
	}
	l := make([]attr.Value, 0, len(a.L)+len(b.L))
	l = append(append(l, a.L...), b.L...)
	return attr.Value{T: attr.TypeL, L: l}, nil
}

// setPath stores v at path in out (whose top-level map the caller owns),
// copying every container on the way down. The parent of the target must
// exist; an index past the end of a list appends.
func setPath(out attr.Item, path Path, v attr.Value) error {
	name := path[0].Name
	if len(path) == 1 {
		out[name] = v
		return nil
	}
	cur, ok := out[name]
	if !ok {
		return dberr.Validationf(msgInvalidPath)
	}
	nv, err := setIn(cur, path[1:], v)
	if err != nil {
		return err
	}
	out[name] = nv
	return nil
}

// setIn returns a copy of container with v stored at path inside it.
func setIn(container attr.Value, path Path, v attr.Value) (attr.Value, error) {
	e := path[0]
	if e.IsIndex {
		if container.T != attr.TypeL {
			return attr.Value{}, dberr.Validationf(msgInvalidPath)
		}
		l := make([]attr.Value, len(container.L), len(container.L)+1)
		copy(l, container.L)
		if len(path) == 1 {
			if e.Index >= len(l) {
				l = append(l, v)
			} else {
				l[e.Index] = v
			}
			return attr.Value{T: attr.TypeL, L: l}, nil
		}
		if e.Index >= len(l) {
			return attr.Value{}, dberr.Validationf(msgInvalidPath)
		}
		child, err := setIn(l[e.Index], path[1:], v)
		if err != nil {
			return attr.Value{}, err
		}
		l[e.Index] = child
		return attr.Value{T: attr.TypeL, L: l}, nil
	}
	if container.T != attr.TypeM {
		return attr.Value{}, dberr.Validationf(msgInvalidPath)
	}
	m := copyMap(container.M, 1)
	if len(path) == 1 {
		m[e.Name] = v
		return attr.Value{T: attr.TypeM, M: m}, nil
	}
	cur, ok := m[e.Name]
	if !ok {
		return attr.Value{}, dberr.Validationf(msgInvalidPath)
	}
	child, err := setIn(cur, path[1:], v)
	if err != nil {
		return attr.Value{}, err
	}
	m[e.Name] = child
	return attr.Value{T: attr.TypeM, M: m}, nil
}

func copyMap(m map[string]attr.Value, extra int) map[string]attr.Value {
	out := make(map[string]attr.Value, len(m)+extra)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// removePath deletes the value at path from out; a path that names nothing
// is not an error.
func removePath(out attr.Item, path Path) {
	name := path[0].Name
	if len(path) == 1 {
		delete(out, name)
		return
	}
	cur, ok := out[name]
	if !ok {
		return
	}
	if nv, changed := removeIn(cur, path[1:]); changed {
		out[name] = nv
	}
}

// removeIn returns a copy of container without the value at path, and
// whether anything was removed.
func removeIn(container attr.Value, path Path) (attr.Value, bool) {
	e := path[0]
	switch {
	case e.IsIndex && container.T == attr.TypeL && e.Index < len(container.L):
		if len(path) == 1 {
			l := make([]attr.Value, 0, len(container.L)-1)
			l = append(append(l, container.L[:e.Index]...), container.L[e.Index+1:]...)
			return attr.Value{T: attr.TypeL, L: l}, true
		}
		child, changed := removeIn(container.L[e.Index], path[1:])
		if !changed {
			return container, false
		}
		l := append([]attr.Value(nil), container.L...)
		l[e.Index] = child
		return attr.Value{T: attr.TypeL, L: l}, true
	case !e.IsIndex && container.T == attr.TypeM:
		cur, ok := container.M[e.Name]
		if !ok {
			return container, false
		}
		m := copyMap(container.M, 0)
		if len(path) == 1 {
			delete(m, e.Name)
			return attr.Value{T: attr.TypeM, M: m}, true
		}
		child, changed := removeIn(cur, path[1:])
		if !changed {
			return container, false
		}
		m[e.Name] = child
		return attr.Value{T: attr.TypeM, M: m}, true
	}
	return container, false
}

// addPath is ADD: number addition (a missing attribute counts as 0) or set
// union (a missing attribute counts as the empty set).
func addPath(out attr.Item, path Path, v attr.Value) error {
	cur, ok := lookup(out, path)
	if !ok {
		return setPath(out, path, v)
	}
	if cur.T != v.T {
		return dberr.Validationf(msgWrongType)
	}
	switch v.T {
	case attr.TypeN:
		s, err := attr.AddNumbers(cur.S, v.S)
		if err != nil {
			return err
		}
		return setPath(out, path, attr.Value{T: attr.TypeN, S: s})
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		return setPath(out, path, setUnion(cur, v))
	}
	return dberr.Validationf(msgWrongType)
}

// deletePath is DELETE: set difference; an emptied set is removed and a
// missing attribute is left alone.
func deletePath(out attr.Item, path Path, v attr.Value) error {
	cur, ok := lookup(out, path)
	if !ok {
		return nil
	}
	if cur.T != v.T {
		return dberr.Validationf(msgWrongType)
	}
	diff := setDifference(cur, v)
	if setLen(diff) == 0 {
		removePath(out, path)
		return nil
	}
	return setPath(out, path, diff)
}

func setLen(v attr.Value) int {
	if v.T == attr.TypeBS {
		return len(v.BS)
	}
	return len(v.SS)
}

// setHas reports whether set s has the member at index i of set o.
func setHas(s attr.Value, o attr.Value, i int) bool {
	switch s.T {
	case attr.TypeSS:
		return containsString(s.SS, o.SS[i])
	case attr.TypeNS:
		for _, x := range s.SS {
			if attr.CompareNumbers(x, o.SS[i]) == 0 {
				return true
			}
		}
		return false
	}
	for _, x := range s.BS {
		if bytes.Equal(x, o.BS[i]) {
			return true
		}
	}
	return false
}

func setUnion(a, b attr.Value) attr.Value {
	out := attr.Value{T: a.T}
	if a.T == attr.TypeBS {
		out.BS = append([][]byte(nil), a.BS...)
		for i, x := range b.BS {
			if !setHas(a, b, i) {
				out.BS = append(out.BS, x)
			}
		}
		return out
	}
	out.SS = append([]string(nil), a.SS...)
	for i, x := range b.SS {
		if !setHas(a, b, i) {
			out.SS = append(out.SS, x)
		}
	}
	return out
}

func setDifference(a, b attr.Value) attr.Value {
	out := attr.Value{T: a.T}
	if a.T == attr.TypeBS {
		for i, x := range a.BS {
			if !setHas(b, a, i) {
				out.BS = append(out.BS, x)
			}
		}
		return out
	}
	for i, x := range a.SS {
		if !setHas(b, a, i) {
			out.SS = append(out.SS, x)
		}
	}
	return out
}
