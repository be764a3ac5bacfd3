package runner

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Profile is the card under test as the test lab knows it: the values of
// the builtin variables and the TEST issuer master keys. Every key here is
// a TEST key; never put a production key in a profile.
type Profile struct {
	AID      string `yaml:"aid"`       // hex; empty: the first application of the PSE
	PIN      string `yaml:"pin"`       // the card's TEST PIN, digits
	WrongPIN string `yaml:"wrong_pin"` // a PIN the card must refuse; default: PIN with its last digit changed
	Amount   string `yaml:"amount"`    // n12, default 000000000100
	Currency string `yaml:"currency"`  // n4, default 0156
	Country  string `yaml:"country"`   // n4, default 0156
	Date     string `yaml:"date"`      // YYMMDD; default: the run's clock
	UN       string `yaml:"un"`        // 8 hex digits; default: random per case
	// Algorithm of the card's symmetric keys: "tdes" or "sm4"; empty:
	// read from 9F10 (PBOC layout, algorithm id 01 or 04).
	Algorithm string `yaml:"algorithm"`
	IMKAC     string `yaml:"issuer_master_ac"`  // hex, TEST
	IMKMAC    string `yaml:"issuer_master_mac"` // hex, TEST
	IMKENC    string `yaml:"issuer_master_enc"` // hex, TEST
}

// ErrProfile marks a profile that does not load or validate.
var ErrProfile = errors.New("runner: card test profile invalid")

// maxProfile bounds a profile file.
const maxProfile = 64 << 10

// LoadProfile reads a card test profile (YAML, the fields of Profile).
func LoadProfile(path string) (Profile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Profile{}, err
	}
	if st.Size() > maxProfile {
		return Profile{}, fmt.Errorf("%w: %s is larger than %d bytes", ErrProfile, path, maxProfile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, err
	}
	p, err := ParseProfile(b)
	if err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParseProfile decodes and validates a card test profile (YAML); unknown
// keys are errors.
func ParseProfile(b []byte) (Profile, error) {
	if len(b) > maxProfile {
		return Profile{}, fmt.Errorf("%w: larger than %d bytes", ErrProfile, maxProfile)
	}
	var p Profile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && !errors.Is(err, io.EOF) {
		return Profile{}, fmt.Errorf("%w: %v", ErrProfile, err)
	}
	return p, p.Validate()
}

// Validate checks the fields' formats; errors name the field, never a value.
func (p Profile) Validate() error {
	for _, f := range []struct {
		name, v string
		hexLen  []int // allowed lengths in bytes, nil any
	}{
		{"aid", p.AID, nil}, {"un", p.UN, []int{4}},
		{"issuer_master_ac", p.IMKAC, []int{16, 24}}, {"issuer_master_mac", p.IMKMAC, []int{16, 24}},
		{"issuer_master_enc", p.IMKENC, []int{16, 24}},
	} {
		if f.v == "" {
			continue
		}
		b, err := hex.DecodeString(f.v)
		if err != nil || (f.hexLen != nil && !containsInt(f.hexLen, len(b))) {
			return fmt.Errorf("%w: %s is not hex of the right length", ErrProfile, f.name)
		}
	}
	for _, f := range []struct {
		name, v string
		n       int
	}{{"pin", p.PIN, 0}, {"wrong_pin", p.WrongPIN, 0}, {"amount", p.Amount, 12}, {"currency", p.Currency, 4},
		{"country", p.Country, 4}, {"date", p.Date, 6}} {
		if f.v != "" && (!digits(f.v) || f.n > 0 && len(f.v) != f.n || f.n == 0 && (len(f.v) < 4 || len(f.v) > 12)) {
			return fmt.Errorf("%w: %s must be digits of the right length", ErrProfile, f.name)
		}
	}
	switch p.Algorithm {
	case "", "tdes", "sm4":
	default:
		return fmt.Errorf("%w: algorithm must be tdes or sm4", ErrProfile)
	}
	return nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// wrongPIN is the PIN with its last digit changed.
func wrongPIN(pin string) string {
	if pin == "" {
		return "0000"
	}
	last := pin[len(pin)-1]
	return pin[:len(pin)-1] + string('0'+(last-'0'+1)%10)
}
