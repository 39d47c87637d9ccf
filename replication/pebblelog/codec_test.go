package pebblelog

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestCodecRoundTrip(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	cases := []struct {
		name string
		log  raft.Log
	}{
		{"zero", raft.Log{}},
		{"command", raft.Log{Index: 7, Term: 3, Type: raft.LogCommand, Data: []byte("put x"), AppendedAt: at}},
		{"empty data", raft.Log{Index: 1, Term: 1, Type: raft.LogCommand, Data: []byte{}, Extensions: []byte{}}},
		{"noop", raft.Log{Index: 2, Term: 2, Type: raft.LogNoop}},
		{"configuration", raft.Log{Index: 3, Term: 2, Type: raft.LogConfiguration, Data: []byte{0, 1, 2}, Extensions: []byte("ext")}},
		{"barrier", raft.Log{Index: 4, Term: 9, Type: raft.LogBarrier}},
		{"extremes", raft.Log{Index: math.MaxUint64, Term: math.MaxUint64, Type: raft.LogType(255),
			Data: bytes.Repeat([]byte{0xff}, 1<<16), AppendedAt: time.Unix(0, math.MaxInt64)}},
		{"before 1970", raft.Log{Index: 5, Term: 1, AppendedAt: time.Unix(-5, 0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc := appendLog([]byte("prefix"), &tc.log)
			var got raft.Log
			if err := decodeLog(enc[len("prefix"):], &got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			assertLogEqual(t, &got, &tc.log)
		})
	}
}

// TestCodecCopies checks that a decoded entry does not alias the buffer.
func TestCodecCopies(t *testing.T) {
	enc := appendLog(nil, &raft.Log{Index: 1, Data: []byte("abc"), Extensions: []byte("de")})
	var got raft.Log
	if err := decodeLog(enc, &got); err != nil {
		t.Fatal(err)
	}
	for i := range enc {
		enc[i] = 'z'
	}
	if string(got.Data) != "abc" || string(got.Extensions) != "de" {
		t.Fatalf("decoded entry changed with its buffer: %q %q", got.Data, got.Extensions)
	}
}

// TestCodecRejectsCorrupt decodes every truncation of an entry, a wrong
// version and trailing bytes.
func TestCodecRejectsCorrupt(t *testing.T) {
	enc := appendLog(nil, &raft.Log{Index: 300, Term: 5, Data: []byte("data"), Extensions: []byte("x"), AppendedAt: time.Now()})
	for n := 0; n < len(enc); n++ {
		if err := decodeLog(enc[:n], &raft.Log{}); !errors.Is(err, errCorrupt) {
			t.Errorf("decode of %d/%d bytes = %v, want errCorrupt", n, len(enc), err)
		}
	}
	bad := append([]byte{codecVersion + 1}, enc[1:]...)
	if err := decodeLog(bad, &raft.Log{}); !errors.Is(err, errCorrupt) {
		t.Errorf("decode of version %d = %v", bad[0], err)
	}
	if err := decodeLog(append(enc, 0), &raft.Log{}); !errors.Is(err, errCorrupt) {
		t.Errorf("decode with a trailing byte = %v", err)
	}
}

// assertLogEqual compares entries field by field, times by instant and
// byte strings including nil-ness.
func assertLogEqual(t *testing.T, got, want *raft.Log) {
	t.Helper()
	if got.Index != want.Index || got.Term != want.Term || got.Type != want.Type {
		t.Errorf("got index %d term %d type %v, want %d %d %v", got.Index, got.Term, got.Type, want.Index, want.Term, want.Type)
	}
	if !bytes.Equal(got.Data, want.Data) || (got.Data == nil) != (want.Data == nil) {
		t.Errorf("got data %q (nil %v), want %q (nil %v)", got.Data, got.Data == nil, want.Data, want.Data == nil)
	}
	if !bytes.Equal(got.Extensions, want.Extensions) || (got.Extensions == nil) != (want.Extensions == nil) {
		t.Errorf("got extensions %q, want %q", got.Extensions, want.Extensions)
	}
	if !got.AppendedAt.Equal(want.AppendedAt) {
		t.Errorf("got appendedAt %v, want %v", got.AppendedAt, want.AppendedAt)
	}
}
