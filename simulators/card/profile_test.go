package card

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileValidation: a broken field is reported by name, never with
// its value.
func TestProfileValidation(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(cardsDir, "pboc-rsa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ from, to, field string }{
		{"algorithm: rsa", "algorithm: des", "algorithm"},
		{"aid: A000000333010101", "aid: A0", "applications[0].aid"},
		{"aip: 7D00", "aip: 7D", "applications[0].aip"},
		{`afl: "080101001001010118010300"`, `afl: "0801010010"`, "applications[0].afl"},
		{"pin: \"123456\"", "pin: \"12a4\"", "applications[0].pin"},
		{"pin_try_limit: 3", "pin_try_limit: 99", "applications[0].pin_try_limit"},
		{"- 5F24 301231", "- 5F24 30123", "applications[0].records"},
		{"name: pboc-rsa", "name: pboc-rsa\ndefects: [no-such]", "defects[0]"},
		{"name: pboc-rsa", "name: pboc-rsa\nbogus: 1", "(yaml)"},
	}
	for _, c := range cases {
		b := strings.Replace(string(good), c.from, c.to, 1)
		if b == string(good) {
			t.Fatalf("%s: pattern %q not in the profile", c.field, c.from)
		}
		_, err := ParseProfile([]byte(b), cardsDir)
		var pe *ProfileError
		if !errors.As(err, &pe) || !errors.Is(err, ErrProfile) || !strings.HasPrefix(pe.Field, c.field) {
			t.Errorf("%s: err = %v", c.field, err)
			continue
		}
		if strings.Contains(err.Error(), "6228480000000000018") {
			t.Errorf("%s: error shows the PAN", c.field)
		}
	}
}
