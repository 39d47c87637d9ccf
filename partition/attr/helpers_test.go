package attr

import (
	"errors"
	"testing"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

// wantErr checks that err is a *dberr.Error of kind k with message msg, or
// that err is nil when msg is empty.
func wantErr(t *testing.T, err error, k dberr.Kind, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *dberr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *dberr.Error %q", err, err, msg)
	}
	if e.Kind != k || e.Message != msg {
		t.Fatalf("error = kind %d %q, want kind %d %q", e.Kind, e.Message, k, msg)
	}
}

func num(s string) Value { return Value{T: TypeN, S: s} }

func nested(depth int) Value {
	v := Str("leaf")
	for i := 1; i < depth; i++ {
		v = List(v)
	}
	return v
}
