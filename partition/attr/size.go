package attr

// Size is v's size in bytes computed DynamoDB's way:
//
//   - S: its UTF-8 bytes; B: its bytes;
//   - N: one byte per two significant digits, plus one;
//   - BOOL and NULL: one byte;
//   - L and M: three bytes of overhead plus one byte per element, plus the
//     elements (and for M the lengths of the keys);
//   - SS, NS, BS: the sum of their members' sizes.
func Size(v Value) int {
	switch v.T {
	case TypeS:
		return len(v.S)
	case TypeN:
		return numberSize(v.S)
	case TypeB:
		return len(v.B)
	case TypeBOOL, TypeNULL:
		return 1
	case TypeL:
		n := 3 + len(v.L)
		for _, e := range v.L {
			n += Size(e)
		}
		return n
	case TypeM:
		n := 3 + len(v.M)
		for k, e := range v.M {
			n += len(k) + Size(e)
		}
		return n
	case TypeSS:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case TypeNS:
		n := 0
		for _, s := range v.SS {
			n += numberSize(s)
		}
		return n
	case TypeBS:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	}
	return 0
}

// numberSize is the stored size of number text.
func numberSize(s string) int {
	return (numberDigits(s)+1)/2 + 1
}

// ItemSize is it's size in bytes: the sum of its attribute names' lengths
// and its values' sizes. Callers compare it with MaxItemSize.
func ItemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + Size(v)
	}
	return n
}
