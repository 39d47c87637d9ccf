package attr

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

// DynamoDB's messages for values that parse but break its rules.
const (
	// msgNesting is reported for a single value nested too deeply.
	msgNesting = "Nesting Levels have exceeded supported limits"
	// msgItemNesting is reported for an item with a value nested too deeply.
	msgItemNesting  = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	msgEmptySS      = "An string set  may not be empty"
	msgEmptyNS      = "An number set  may not be empty"
	msgEmptyBS      = "Binary sets should not be empty"
	msgDuplicatesNS = "Input collection contains duplicates."
)

// Validate checks a decoded value against DynamoDB's rules for attribute
// values: it has a type; sets are non-empty and without duplicates (number
// sets compared numerically); numbers are in range with at most 38
// significant digits; nesting is at most MaxDepth levels (a top-level value
// is level 1, each L or M adds one). It returns a ValidationException with
// DynamoDB's message. Empty S and B values are allowed: only keys reject
// them, which is the caller's check.
func Validate(v Value) error {
	if valueDepth(v) > MaxDepth {
		return dberr.Validationf(msgNesting)
	}
	return validate(v)
}

// ValidateItem validates every attribute value of it as Validate does. When
// several are invalid the one reported is the first by attribute name, so
// the answer does not depend on map order.
func ValidateItem(it Item) error {
	for _, v := range it {
		if valueDepth(v) > MaxDepth {
			return dberr.Validationf(msgItemNesting)
		}
	}
	for _, v := range it {
		if validate(v) != nil {
			return firstInvalid(it)
		}
	}
	return nil
}

// firstInvalid returns the error of it's first invalid attribute by name.
func firstInvalid(it Item) error {
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if err := validate(it[k]); err != nil {
			return err
		}
	}
	return nil
}

// valueDepth is v's nesting level count: 1 for a scalar or set, 1 plus the
// deepest element for L and M.
func valueDepth(v Value) int {
	deepest := 0
	switch v.T {
	case TypeL:
		for _, e := range v.L {
			deepest = max(deepest, valueDepth(e))
		}
	case TypeM:
		for _, e := range v.M {
			deepest = max(deepest, valueDepth(e))
		}
	}
	return 1 + deepest
}

// validate checks everything but depth.
func validate(v Value) error {
	switch v.T {
	case TypeS, TypeB, TypeBOOL, TypeNULL:
		return nil
	case TypeN:
		return validNumber(v.S)
	case TypeL:
		for _, e := range v.L {
			if err := validate(e); err != nil {
				return err
			}
		}
		return nil
	case TypeM:
		return validateMap(v.M)
	case TypeSS:
		return validateStringSet(v.SS)
	case TypeNS:
		return validateNumberSet(v.SS)
	case TypeBS:
		return validateBinarySet(v.BS)
	}
	return dberr.Validationf(msgEmptyValue)
}

func validateMap(m map[string]Value) error {
	for _, e := range m {
		if validate(e) != nil {
			return firstInvalid(m)
		}
	}
	return nil
}

// validNumber checks that s is a number in range. Decoded numbers are
// canonical already; any valid number text is accepted here.
func validNumber(s string) error {
	_, err := CanonicalNumber(s)
	return err
}

func validateStringSet(ss []string) error {
	if len(ss) == 0 {
		return dberr.Invalidf(msgEmptySS)
	}
	if hasDuplicate(ss) {
		return dberr.Invalidf("Input collection [%s] contains duplicates.", strings.Join(ss, ", "))
	}
	return nil
}

func validateNumberSet(ns []string) error {
	if len(ns) == 0 {
		return dberr.Invalidf(msgEmptyNS)
	}
	for _, n := range ns {
		if err := validNumber(n); err != nil {
			return err
		}
	}
	if hasDuplicateNumber(ns) {
		return dberr.Invalidf(msgDuplicatesNS)
	}
	return nil
}

func validateBinarySet(bs [][]byte) error {
	if len(bs) == 0 {
		return dberr.Invalidf(msgEmptyBS)
	}
	keys := make([]string, len(bs))
	for i, b := range bs {
		keys[i] = string(b)
	}
	if !hasDuplicate(keys) {
		return nil
	}
	enc := make([]string, len(bs))
	for i, b := range bs {
		enc[i] = base64.StdEncoding.EncodeToString(b)
	}
	return dberr.Invalidf("Input collection [%s]of type BS contains duplicates.", strings.Join(enc, ", "))
}

// hasDuplicate reports whether ss holds a string twice.
func hasDuplicate(ss []string) bool {
	if len(ss) <= 16 {
		for i := 1; i < len(ss); i++ {
			if slices.Contains(ss[:i], ss[i]) {
				return true
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		if _, ok := seen[s]; ok {
			return true
		}
		seen[s] = struct{}{}
	}
	return false
}

// hasDuplicateNumber reports whether ns holds a number twice. Canonical
// text is equal exactly when the numbers are, so only text that is not
// canonical needs converting.
func hasDuplicateNumber(ns []string) bool {
	canon := ns
	for i, n := range ns {
		c, _ := CanonicalNumber(n)
		if c == n {
			continue
		}
		if &canon[0] == &ns[0] {
			canon = slices.Clone(ns)
		}
		canon[i] = c
	}
	return hasDuplicate(canon)
}
