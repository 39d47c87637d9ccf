package attr

import (
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/dberr"
)

func TestCanonicalNumber(t *testing.T) {
	max38 := "9.9999999999999999999999999999999999999E+125"
	tests := []struct {
		in, want, err string
	}{
		{in: "1", want: "1"},
		{in: "-0.50", want: "-0.5"},
		{in: "1e3", want: "1000"},
		{in: "1E+2", want: "100"},
		{in: "+5", want: "5"},
		{in: ".5", want: "0.5"},
		{in: "5.", want: "5"},
		{in: "-0", want: "0"},
		{in: "0.000", want: "0"},
		{in: "-0e999999999999999", want: "0"},
		{in: "007.0700", want: "7.07"},
		{in: "12.340e-5", want: "0.0001234"},
		{in: "1.5e1", want: "15"},
		{in: "123456e-3", want: "123.456"},
		{in: "-1E-2", want: "-0.01"},
		{in: "1000000000000000000000000000000000000000000", want: "1000000000000000000000000000000000000000000"},
		{in: "12345678901234567890123456789012345678", want: "12345678901234567890123456789012345678"},
		{in: "0.12345678901234567890123456789012345678", want: "0.12345678901234567890123456789012345678"},
		{in: "1E-130", want: "0." + strings.Repeat("0", 129) + "1"},
		{in: "-1E-130", want: "-0." + strings.Repeat("0", 129) + "1"},
		{in: max38, want: strings.Repeat("9", 38) + strings.Repeat("0", 88)},
		{in: "1E+125", want: "1" + strings.Repeat("0", 125)},
		{in: "123456789012345678901234567890123456789", err: msgNumberDigits},
		{in: "1.23456789012345678901234567890123456789", err: msgNumberDigits},
		{in: "1E-131", err: msgNumberUnder},
		{in: "0.99E-130", err: msgNumberUnder},
		{in: "1E+126", err: msgNumberOverflow},
		{in: "-1E+126", err: msgNumberOverflow},
		{in: "1e99999999999999999999999", err: msgNumberOverflow},
		{in: "1" + strings.Repeat("0", 130), err: msgNumberOverflow},
		{in: "", err: msgNotANumber},
		{in: " 1", err: msgNotANumber},
		{in: "1 ", err: msgNotANumber},
		{in: "NaN", err: msgNotANumber},
		{in: "Infinity", err: msgNotANumber},
		{in: "-Infinity", err: msgNotANumber},
		{in: "0x10", err: msgNotANumber},
		{in: "1e", err: msgNotANumber},
		{in: "1e+", err: msgNotANumber},
		{in: ".", err: msgNotANumber},
		{in: "-", err: msgNotANumber},
		{in: "+-1", err: msgNotANumber},
		{in: "1.2.3", err: msgNotANumber},
		{in: "abc", err: msgNotANumber},
		{in: "1_000", err: msgNotANumber},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CanonicalNumber(tc.in)
			wantErr(t, err, dberr.Validation, tc.err)
			if got != tc.want {
				t.Fatalf("CanonicalNumber(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if tc.err == "" {
				again, err := CanonicalNumber(got)
				if err != nil || again != got {
					t.Fatalf("canonical form %q is not stable: %q, %v", got, again, err)
				}
			}
		})
	}
}

func TestCanonicalNumberNoAllocWhenCanonical(t *testing.T) {
	for _, s := range []string{"1", "-12.5", "0.001", "100"} {
		t.Run(s, func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := CanonicalNumber(s); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Fatalf("allocs = %v, want 0", allocs)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	big := strings.Repeat("9", 38) + strings.Repeat("0", 88)
	tests := []struct {
		name      string
		a, b      string
		sub       bool
		want, err string
	}{
		{name: "exact decimal", a: "0.1", b: "0.2", want: "0.3"},
		{name: "integers", a: "5", b: "7", want: "12"},
		{name: "negative result", a: "1", b: "3", sub: true, want: "-2"},
		{name: "to zero", a: "1.5", b: "1.5", sub: true, want: "0"},
		{name: "mixed scale", a: "100", b: "0.001", want: "100.001"},
		{name: "38 digits", a: "9999999999999999999999999999999999999", b: "1", want: "10000000000000000000000000000000000000"},
		{name: "39 digits", a: "12345678901234567890123456789012345678", b: "0.1", err: msgNumberDigits},
		{name: "overflow", a: big, b: big, err: msgNumberOverflow},
		{name: "negative overflow", a: "-" + big, b: big, sub: true, err: msgNumberOverflow},
		{name: "not a number", a: "x", b: "1", err: msgNotANumber},
		{name: "sub exact", a: "0.3", b: "0.1", sub: true, want: "0.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			var err error
			if tc.sub {
				got, err = SubNumbers(tc.a, tc.b)
			} else {
				got, err = AddNumbers(tc.a, tc.b)
			}
			wantErr(t, err, dberr.Validation, tc.err)
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "1", 0},
		{"1", "1.0", 0},
		{"1e2", "100", 0},
		{"-0", "0", 0},
		{"1", "2", -1},
		{"2", "10", -1},
		{"-10", "-2", -1},
		{"-1", "0", -1},
		{"0", "0.0001", -1},
		{"0.5", "0.51", -1},
		{"0.51", "0.5", 1},
		{"1.5", "1.49", 1},
		{"99", "100", -1},
		{"-0.001", "-0.01", 1},
		{"12.5", "12.50", 0},
		{"1", "x", 1},
		{"x", "y", 0},
	}
	for _, tc := range tests {
		t.Run(tc.a+"_vs_"+tc.b, func(t *testing.T) {
			if got := CompareNumbers(tc.a, tc.b); got != tc.want {
				t.Fatalf("CompareNumbers(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := CompareNumbers(tc.b, tc.a); got != -tc.want {
				t.Fatalf("CompareNumbers(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}
