package attr

// Clone returns a deep copy of v: nothing it returns shares memory with v.
func (v Value) Clone() Value {
	c := Value{T: v.T, S: v.S, Bool: v.Bool}
	if v.B != nil {
		c.B = append([]byte(nil), v.B...)
	}
	if v.L != nil {
		c.L = make([]Value, len(v.L))
		for i, e := range v.L {
			c.L[i] = e.Clone()
		}
	}
	if v.M != nil {
		c.M = make(map[string]Value, len(v.M))
		for k, e := range v.M {
			c.M[k] = e.Clone()
		}
	}
	if v.SS != nil {
		c.SS = append([]string(nil), v.SS...)
	}
	if v.BS != nil {
		c.BS = make([][]byte, len(v.BS))
		for i, b := range v.BS {
			c.BS[i] = append([]byte(nil), b...)
		}
	}
	return c
}

// Clone returns a deep copy of it.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.Clone()
	}
	return c
}
