package simcard

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
		{"aid: A000000333010101", "aid: A000000333010101A000000333010101A0", "applications[0].aid"},
		{"aip: 7D00", "aip: \"\"", "applications[0].aip"},
		{`afl: "080101001001010118010300"`, `afl: "0801010010"`, "applications[0].afl"},
		{"pin: \"123456\"", "pin: \"12a4\"", "applications[0].pin"},
		{"pin_try_limit: 3", "pin_try_limit: 999", "applications[0].pin_try_limit"},
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

// TestProfileWarnings: what the standards forbid but the simulator can
// serve (a 20-character label, a one-byte CTQ, a short AID) is served,
// with a warning naming the field, so that the suite can be tried on it.
func TestProfileWarnings(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(cardsDir, "pboc-rsa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b := strings.Replace(string(good), "label: PBOC DEBIT", "label: PBOC DEBIT LONG LABEL", 1)
	b = strings.Replace(b, `ctq: "8000"`, `ctq: "80"`, 1)
	p, err := ParseProfile([]byte(b), cardsDir)
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(p.Warnings(), "\n")
	for _, want := range []string{"applications[0].label: 21 characters", "applications[0].qpboc.ctq: 1 bytes"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q lack %q", w, want)
		}
	}
	c, err := New(p, Options{})
	if err != nil {
		t.Fatalf("the simulator refuses the profile: %v", err)
	}
	c.PowerOn()
	resp := c.Process([]byte{0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01, 0x00})
	if !strings.Contains(string(resp), "PBOC DEBIT LONG LABEL") {
		t.Errorf("the FCI does not carry the long label: % X", resp)
	}
	if len(p.Warnings()) != 2 {
		t.Errorf("warnings: %q", p.Warnings())
	}
	clean, err := ParseProfile(good, cardsDir)
	if err != nil {
		t.Fatal(err)
	}
	if w := clean.Warnings(); len(w) != 0 {
		t.Errorf("the shipped profile has warnings: %q", w)
	}
}

// TestNoLongShortAnswer: a record a profile makes longer than 256 bytes
// is served, but never as more than 256 bytes to a short READ RECORD.
func TestNoLongShortAnswer(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(cardsDir, "pboc-rsa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	long := "          - DF01 " + strings.Repeat("AB", 200) + "\n          - DF02 " + strings.Repeat("CD", 100) + "\n"
	b := strings.Replace(string(good), "          - 5F24 301231\n", "          - 5F24 301231\n"+long, 1)
	p, err := ParseProfile([]byte(b), cardsDir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.PowerOn()
	c.Process([]byte{0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01, 0x00})
	resp := c.Process([]byte{0x00, 0xB2, 0x01, 0x14, 0x00}) // SFI 2 record 1
	if len(resp) != 2 || resp[0] != 0x67 || resp[1] != 0x00 {
		t.Fatalf("READ RECORD of a 300-byte record answered %d bytes ending % X, want 6700", len(resp), resp[max(0, len(resp)-2):])
	}
}
