package history

import "fmt"

// Outcome is what a client knows about an operation once it completed.
type Outcome int

const (
	// OK: the operation took effect and its output is known.
	OK Outcome = iota
	// Fail: the operation definitely did not take effect.
	Fail
	// Unknown: the operation may or may not have taken effect.
	Unknown
)

var outcomeNames = [...]string{OK: "ok", Fail: "fail", Unknown: "unknown"}

// String returns "ok", "fail" or "unknown".
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return fmt.Sprintf("outcome(%d)", int(o))
	}
	return outcomeNames[o]
}

// MarshalText encodes the outcome as its name, so that histories on disk
// read "ok", "fail" or "unknown".
func (o Outcome) MarshalText() ([]byte, error) {
	if o < 0 || int(o) >= len(outcomeNames) {
		return nil, fmt.Errorf("history: invalid outcome %d", int(o))
	}
	return []byte(outcomeNames[o]), nil
}

// UnmarshalText decodes a name written by MarshalText.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i, name := range outcomeNames {
		if string(b) == name {
			*o = Outcome(i)
			return nil
		}
	}
	return fmt.Errorf("history: unknown outcome %q", b)
}
