package issuer

import (
	"encoding/hex"
	"errors"

	"github.com/hulian/hulian/pan"
)

// Reasons a field is invalid (wrapped with ErrField).
var (
	errPAN       = errors.New("want 12..19 digits with a valid Luhn check digit")
	errExpiry    = errors.New("want YYMM")
	errPSN       = errors.New("want 2 digits")
	errStatus    = errors.New("want active, lost, stolen, blocked or restricted")
	errNegative  = errors.New("must not be negative")
	errPIN       = errors.New("want 4..12 digits")
	errAlgorithm = errors.New("want tdes or sm4")
	errIMK       = errors.New("want 32 hex digits (16 bytes)")
	errAccountID = errors.New("want 1..28 printable characters")
	errNoKey     = errors.New("want a pan or an account_id")
	errPermit    = errors.New("want 2-digit processing code prefixes")
	errScript    = errors.New("want hex APDUs of 5..255 bytes")
	errECLoad    = errors.New("want 0..999999999999 and a card with an imk")
)

// imkLen is the length of an issuer master key (two-key TDES or SM4).
const imkLen = 16

// validate checks a (after defaults) and returns the first invalid field's
// YAML name with an error wrapping ErrField.
func validate(a *Account) (string, error) {
	checks := []struct {
		field string
		bad   error
	}{
		{"pan", checkPAN(a)},
		{"expiry", checkExpiry(a)},
		{"psn", checkPSN(a)},
		{"status", oneOf(a.Status, errStatus, StatusActive, StatusLost, StatusStolen, StatusBlocked, StatusRestricted)},
		{"balance", nonNegative(a.Balance)},
		{"limit", nonNegative(a.Limit)},
		{"pin", checkPIN(a.PIN)},
		{"algorithm", oneOf(a.Algorithm, errAlgorithm, AlgTDES, AlgSM4)},
		{"imk", checkIMK(a.IMK)},
		{"imk_mac", checkIMK(a.IMKMAC)},
		{"account_id", checkAccountID(a)},
		{"permit", checkPermit(a.Permit)},
		{"ec_load", checkECLoad(a)},
		{"scripts", checkScripts(a.Scripts)},
	}
	for _, c := range checks {
		if c.bad != nil {
			return c.field, errors.Join(ErrField, c.bad)
		}
	}
	return "", nil
}

func checkPAN(a *Account) error {
	if a.PAN == "" {
		if a.AccountID == "" {
			return errNoKey
		}
		return nil
	}
	if pan.Valid([]byte(a.PAN)) != nil {
		return errPAN
	}
	return nil
}

func checkExpiry(a *Account) error {
	if a.Expiry == "" && a.PAN == "" {
		return nil // account-only entry
	}
	if len(a.Expiry) != 4 || !digits(a.Expiry) {
		return errExpiry
	}
	if m := (a.Expiry[2]-'0')*10 + a.Expiry[3] - '0'; m < 1 || m > 12 {
		return errExpiry
	}
	return nil
}

func checkPSN(a *Account) error {
	if a.PSN == "" && a.PAN == "" {
		return nil
	}
	if len(a.PSN) != 2 || !digits(a.PSN) {
		return errPSN
	}
	return nil
}

func checkPIN(p string) error {
	if p != "" && (len(p) < 4 || len(p) > 12 || !digits(p)) {
		return errPIN
	}
	return nil
}

func checkIMK(k string) error {
	if k == "" {
		return nil
	}
	b, err := hex.DecodeString(k)
	if err != nil || len(b) != imkLen {
		return errIMK
	}
	return nil
}

func checkAccountID(a *Account) error {
	id := a.AccountID
	if id == "" {
		return nil
	}
	if len(id) > 28 {
		return errAccountID
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7E {
			return errAccountID
		}
	}
	return nil
}

func checkPermit(list []string) error {
	for _, p := range list {
		if len(p) != 2 || !digits(p) {
			return errPermit
		}
	}
	return nil
}

func checkECLoad(a *Account) error {
	if a.ECLoad < 0 || a.ECLoad > 999999999999 || (a.ECLoad > 0 && a.IMK == "") {
		return errECLoad
	}
	return nil
}

func checkScripts(list []string) error {
	for _, s := range list {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) < 5 || len(b) > 255 {
			return errScript
		}
	}
	return nil
}

func nonNegative(v int64) error {
	if v < 0 {
		return errNegative
	}
	return nil
}

func oneOf(v string, bad error, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return bad
}

// digits reports whether s is non-empty and all ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
