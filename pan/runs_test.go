package pan

import (
	"strings"
	"testing"
)

func TestMaskRuns(t *testing.T) {
	for in, want := range map[string]string{
		"5A0A6228480000000000018F":              "5A0A622848*********0018F",
		"no digits here":                        "no digits here",
		"000000000000000000000":                 "000000000000000000000", // zeros: no PAN starts with 0
		"amount 000000012345 date":              "amount 000000012345 date",
		"6222021000000013 and 4111111111111111": "622202******0013 and 411111******1111",
		"1234567890123":                         "1234567890123", // fails Luhn
	} {
		if got := MaskRuns(in); got != want {
			t.Errorf("MaskRuns(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMaskRuns(f *testing.F) {
	f.Add("5A0A6228480000000000018F")
	f.Add("6222021000000013")
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskRuns(s)
		if len(out) != len(s) {
			t.Fatalf("length changed: %d -> %d", len(s), len(out))
		}
		// No PAN-like window survives.
		for i := 0; i+MinMaskedVisible <= len(out); i++ {
			for n := MinMaskedVisible; n <= MaxLen && i+n <= len(out); n++ {
				w := out[i : i+n]
				if w[0] != '0' && !strings.ContainsRune(w, '*') && allDigits([]byte(w)) && Luhn([]byte(w)) {
					t.Fatalf("PAN-like %q left in %q", w, out)
				}
			}
		}
	})
}
