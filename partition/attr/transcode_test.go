package attr

import (
	"bytes"
	"errors"
	"testing"
)

// TestAppendEncodedItemJSON: transcoding an encoded item writes exactly
// what encoding the decoded item writes, after what dst holds.
func TestAppendEncodedItemJSON(t *testing.T) {
	for name, it := range map[string]Item{
		"sample": sampleItem(),
		"empty":  {},
		"nested": {"a": nested(maxParseDepth - 1)},
		"escapes": {
			"quote\"and\\": Str("tab\there\u2028 and \x01 and é"),
			"bad utf8":     Str("\xff\xfe"),
			"num":          num("1E+5"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			want := AppendItemJSON([]byte("prefix"), it)
			got, err := AppendEncodedItemJSON([]byte("prefix"), AppendItem(nil, it))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("transcoded\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestAppendEncodedItemJSONCorrupt(t *testing.T) {
	good := AppendItem(nil, sampleItem())
	for name, in := range map[string][]byte{
		"empty":              nil,
		"bad version":        {9, 0},
		"names out of order": {codecVersion, 2, 1, 'b', byte(TypeNULL), 1, 'a', byte(TypeNULL)},
		"unknown type":       {codecVersion, 1, 1, 'a', 99},
		"bad bool":           {codecVersion, 1, 1, 'a', byte(TypeBOOL), 2},
		"set past end":       {codecVersion, 1, 1, 'a', byte(TypeSS), 2, 1, 'x'},
		"trailing bytes":     append(append([]byte{}, good...), 0),
		"truncated":          good[:len(good)-1],
	} {
		t.Run(name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := AppendEncodedItemJSON(dst, in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("AppendEncodedItemJSON = %v, want ErrCorrupt", err)
			}
			if string(out) != "keep" {
				t.Fatalf("dst became %q on error", out)
			}
			if _, err := DecodeItem(in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("DecodeItem accepts what the transcoder refuses: %v", err)
			}
		})
	}
}

// FuzzEncodedItemJSON: the transcoder accepts exactly what DecodeItem
// accepts, and writes what encoding the decoded item writes.
func FuzzEncodedItemJSON(f *testing.F) {
	f.Add(AppendItem(nil, sampleItem()))
	f.Add(AppendItem(nil, Item{}))
	f.Add([]byte{codecVersion, 1, 1, 'a', byte(TypeL), 2, byte(TypeNULL), byte(TypeS), 0})
	f.Add([]byte{codecVersion, 1, 1, 'a', byte(TypeBS), 2, 1, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := AppendEncodedItemJSON(nil, in)
		it, derr := DecodeItem(in)
		if (err == nil) != (derr == nil) {
			t.Fatalf("transcode error %v, decode error %v", err, derr)
		}
		if err != nil {
			return
		}
		if want := AppendItemJSON(nil, it); !bytes.Equal(got, want) {
			t.Fatalf("transcoded\n%s\nwant\n%s", got, want)
		}
	})
}
