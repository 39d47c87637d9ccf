package expr

// Paths lists the document paths a condition reads, in the order they
// appear. Query uses it to reject a FilterExpression on key attributes.
func (c *Condition) Paths() []Path {
	if c == nil {
		return nil
	}
	var out []Path
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.kind == nPath {
			out = append(out, n.path)
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(c.root)
	return out
}
