package pan

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFromTrack2(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		ok   bool
	}{
		{"equals", "6222021234567894=25122011234567890", "6222021234567894", true},
		{"D separator", "6222021234567894D25122011234567890", "6222021234567894", true},
		{"lower d separator", "6222021234567894d2512201", "6222021234567894", true},
		{"19 digit PAN", "6222021234567890128=2512", "6222021234567890128", true},
		{"separator only tail", "6222021234567894=", "6222021234567894", true},
		{"20 digits", "62220212345678901234=2512", "", false},
		{"no separator", "6222021234567894", "", false},
		{"empty", "", "", false},
		{"empty PAN", "=2512", "", false},
		{"start sentinel", ";6222021234567894=2512?", "", false},
		{"letter in PAN", "62220212345A7894=2512", "", false},
		{"F padding", "6222021234567894F", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromTrack2([]byte(tt.in))
			assert.Equal(t, tt.ok, ok)
			if !tt.ok {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestFromTrack2AliasesInputWithCappedCapacity(t *testing.T) {
	in := []byte("6222021234567894=2512201")
	got, ok := FromTrack2(in)
	assert.True(t, ok)
	assert.Same(t, &in[0], &got[0])
	// Appending to the result must not overwrite the separator in the input.
	_ = append(got, 'X')
	assert.Equal(t, byte('='), in[16])
}

func FuzzFromTrack2(f *testing.F) {
	for _, s := range []string{
		"6222021234567894=25122011234567890",
		"6222021234567894D2512201123456789",
		"6228480123456789=49121010000000000000",
		"6222021234567890128=2512",
		"=",
		"D",
		"",
		";4111111111111111=25121010000000000000?",
		"62220212345678901234567890=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, ok := FromTrack2(in)
		if !ok {
			if got != nil {
				t.Fatalf("not ok but result %d bytes", len(got))
			}
			return
		}
		if !bytes.HasPrefix(in, got) {
			t.Fatal("result is not a prefix of the input")
		}
		if len(got) == 0 || len(got) > MaxLen {
			t.Fatalf("result length %d out of 1..%d", len(got), MaxLen)
		}
		if !allDigits(got) {
			t.Fatal("result has a non-digit")
		}
		if sep := in[len(got)]; sep != '=' && sep != 'D' && sep != 'd' {
			t.Fatalf("result not followed by a separator: %q", sep)
		}
		// The mask of a track 2 PAN never shows the hidden middle digits.
		m := Mask(got)
		if len(got) >= MinMaskedVisible && m[6:len(m)-4] != fullMask(len(got)-10) {
			t.Fatal("mask shows middle digits")
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"6222021234567894", "6222021234566", "1234", "", "6222021234567894=2512"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m := Mask(in)
		want := len(in)
		if want > MaxLen {
			want = MaxLen
		}
		if len(m) != want {
			t.Fatalf("mask length %d, want %d", len(m), want)
		}
		visible := 0
		for i := 0; i < len(m); i++ {
			if m[i] != '*' {
				visible++
				if m[i] != in[i] {
					t.Fatalf("mask byte %d differs from input", i)
				}
				if i >= 6 && i < len(m)-4 {
					t.Fatalf("middle byte %d visible", i)
				}
			}
		}
		if visible > 0 && (len(in) < MinMaskedVisible || !allDigits(in)) {
			t.Fatal("digits visible for an input that must be fully masked")
		}
	})
}
