package expr

import (
	"errors"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

func num(s string) attr.Value { return attr.Value{T: attr.TypeN, S: s} }
func str(s string) attr.Value { return attr.Str(s) }
func ss(m ...string) attr.Value {
	return attr.Value{T: attr.TypeSS, SS: m}
}
func ns(m ...string) attr.Value {
	return attr.Value{T: attr.TypeNS, SS: m}
}
func mp(kv ...any) attr.Value {
	m := map[string]attr.Value{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(attr.Value)
	}
	return attr.Map(m)
}

// testEnv returns an Env with a fixed set of names and values used across
// the tests.
func testEnv() *Env {
	return NewEnv(map[string]string{
		"#n": "name", "#a": "a", "#b": "b", "#dot": "x.y",
	}, map[string]attr.Value{
		":s": str("abc"), ":t": str("xyz"), ":n": num("5"), ":m": num("10"),
		":one": num("1"), ":b": attr.Bin([]byte("ab")), ":bool": attr.Bool(true),
		":null": attr.Null(), ":l": attr.List(str("x")), ":map": mp("k", str("v")),
		":ss": ss("a", "b"), ":ns": ns("1", "2"), ":typeS": str("S"), ":typeBad": str("X"),
		":e": str("e"),
	})
}

// wantMessage fails t unless err is a ValidationException with message msg.
func wantMessage(t *testing.T, err error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %q", msg)
	}
	var de *dberr.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is %T, want *dberr.Error", err, err)
	}
	if de.Kind != dberr.Validation {
		t.Errorf("kind = %v, want Validation", de.Kind)
	}
	if de.Message != msg {
		t.Errorf("message:\n got %q\nwant %q", de.Message, msg)
	}
}
