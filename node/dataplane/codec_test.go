package dataplane

import (
	"errors"
	"reflect"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// TestOutcomeRoundTrip checks that every attempt error survives the wire
// with its class (retryable or not) and, for client-visible errors, its
// kind, message and item.
func TestOutcomeRoundTrip(t *testing.T) {
	ccf := dberr.ConditionFailed()
	ccf.Item = attr.Item{"pk": attr.Str("a")}
	tests := []struct {
		name      string
		err       error
		retryable bool
		check     func(t *testing.T, got error)
	}{
		{"ok", nil, false, func(t *testing.T, got error) {
			if got != nil {
				t.Errorf("got %v", got)
			}
		}},
		{"redirect", &redirectError{LeaderID: "n2", LeaderAddr: "h:1"}, true, func(t *testing.T, got error) {
			var re *redirectError
			if !errors.As(got, &re) || *re != (redirectError{"n2", "h:1"}) {
				t.Errorf("got %v", got)
			}
		}},
		{"no replica", errNoReplica, true, nil},
		{"busy", errBusy, true, nil},
		{"unknown outcome", errUnknownOutcome, false, func(t *testing.T, got error) {
			if !errors.Is(got, errUnknownOutcome) {
				t.Errorf("got %v", got)
			}
		}},
		{"condition failed with item", ccf, false, func(t *testing.T, got error) {
			var de *dberr.Error
			if !errors.As(got, &de) || !reflect.DeepEqual(de, ccf) {
				t.Errorf("got %#v, want %#v", got, ccf)
			}
		}},
		{"validation", dberr.Validationf("bad %s", "x"), false, func(t *testing.T, got error) {
			if !dberr.Is(got, dberr.Validation) || got.Error() != "bad x" {
				t.Errorf("got %v", got)
			}
		}},
		{"internal fault", errors.New("disk on fire"), false, func(t *testing.T, got error) {
			if !dberr.Is(got, dberr.Internal) || got.Error() != "Internal server error" {
				t.Errorf("got %v", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := outcomeErr(outcomeOf(tt.err), "n1")
			if retryable(got) != tt.retryable {
				t.Errorf("retryable(%v) = %v, want %v", got, retryable(got), tt.retryable)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig()
	good.NodeID, good.Groups, good.Directory, good.Dialer = "n1", &fakeGroups{}, directory{}, &dialer{}
	tests := []struct {
		name   string
		mutate func(*Config)
		ok     bool
	}{
		{"valid", func(*Config) {}, true},
		{"no node id", func(c *Config) { c.NodeID = "" }, false},
		{"no groups", func(c *Config) { c.Groups = nil }, false},
		{"zero backoff", func(c *Config) { c.RetryBackoff = 0 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mutate(&c)
			if _, err := New(c); (err == nil) != tt.ok {
				t.Errorf("New: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
