package expr

import (
	"sort"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// projectionOrder is the priority of semantic errors in projections.
var projectionOrder = []slot{slotReserved, slotAttrName, slotOverlap, slotConflict}

// ParseProjection parses a ProjectionExpression: document paths separated
// by commas, none overlapping another.
func ParseProjection(s string, env *Env) ([]Path, error) {
	p, err := newParser("ProjectionExpression", s, env, projectionOrder)
	if err != nil {
		return nil, err
	}
	var paths []Path
	for {
		path, err := p.parsePath(nil)
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		if p.kind() == tokEOF {
			break
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
	p.checkOverlap(paths)
	if err := p.semanticError(); err != nil {
		return nil, err
	}
	return paths, nil
}

// projNode is one level of the tree of projected paths.
type projNode struct {
	whole   bool // the value here is projected entirely
	fields  map[string]*projNode
	indexes map[int]*projNode
}

func (t *projNode) add(path Path) {
	for _, e := range path {
		if t.whole {
			return
		}
		var next *projNode
		if e.IsIndex {
			if t.indexes == nil {
				t.indexes = map[int]*projNode{}
			}
			if next = t.indexes[e.Index]; next == nil {
				next = &projNode{}
				t.indexes[e.Index] = next
			}
		} else {
			if t.fields == nil {
				t.fields = map[string]*projNode{}
			}
			if next = t.fields[e.Name]; next == nil {
				next = &projNode{}
				t.fields[e.Name] = next
			}
		}
		t = next
	}
	t.whole, t.fields, t.indexes = true, nil, nil
}

// Project returns the parts of it named by paths (nil paths: all of it),
// keeping their place in the document: a.b[1] yields
// {a: {M: {b: {L: [element 1]}}}}. Elements picked from one list keep
// their order; paths that name nothing are left out. The result shares
// values with it.
func Project(it attr.Item, paths []Path) attr.Item {
	if paths == nil {
		return it
	}
	root := &projNode{}
	for _, path := range paths {
		root.add(path)
	}
	out := attr.Item{}
	for name, sub := range root.fields {
		v, ok := it[name]
		if !ok {
			continue
		}
		if pv, ok := sub.project(v); ok {
			out[name] = pv
		}
	}
	return out
}

// project returns the part of v that t selects, and false if nothing.
func (t *projNode) project(v attr.Value) (attr.Value, bool) {
	if t.whole {
		return v, true
	}
	switch {
	case t.fields != nil && v.T == attr.TypeM:
		m := map[string]attr.Value{}
		for name, sub := range t.fields {
			if cv, ok := v.M[name]; ok {
				if pv, ok := sub.project(cv); ok {
					m[name] = pv
				}
			}
		}
		return attr.Value{T: attr.TypeM, M: m}, len(m) > 0
	case t.indexes != nil && v.T == attr.TypeL:
		idx := make([]int, 0, len(t.indexes))
		for i := range t.indexes {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		var l []attr.Value
		for _, i := range idx {
			if i < len(v.L) {
				if pv, ok := t.indexes[i].project(v.L[i]); ok {
					l = append(l, pv)
				}
			}
		}
		return attr.Value{T: attr.TypeL, L: l}, len(l) > 0
	}
	return attr.Value{}, false
}
