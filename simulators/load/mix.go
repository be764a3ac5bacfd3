package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Limits of a mix file.
const (
	MaxMixFile     = 64 << 10  // bytes
	maxWeight      = 1_000_000 // per type
	maxTerminals   = 9_999_999 // field 41 is "T" + 7 digits
	maxAcquirers   = 64
	maxAmount      = 99_999_999 // the issuer simulator's single-amount ceiling
	maxPathLen     = 4096
	defaultTerms   = 100
	defaultMinAmt  = 100
	defaultMaxAmt  = 10_000
	defaultPerShop = 10 // terminals per merchant when merchants is absent
)

// Mix errors: every error of ParseMix and LoadMix wraps one of these in a
// *MixError.
var (
	ErrMixSyntax   = errors.New("load: mix file is not valid YAML for a mix")
	ErrMixField    = errors.New("load: invalid mix field")
	ErrMixTooLarge = errors.New("load: mix file too large")
)

// MixError reports a problem in a mix file: the file ("" for ParseMix), the
// field ("" for a syntax error) and the cause.
type MixError struct {
	File  string
	Field string
	Err   error
}

func (e *MixError) Error() string {
	s := "load: mix"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Err.Error()
}

func (e *MixError) Unwrap() error { return e.Err }

// Mix is a transaction mix: see the package doc for the file format.
type Mix struct {
	Weights   [numTypes]int // relative weight by Type (TypeSample unused)
	Terminals int           // field 41/42 drawn from this many terminals
	Merchants int           // ... belonging to this many merchants
	Acquirers []string      // acquiring institution ids; connection k signs on as Acquirers[k mod len]
	Receiving string        // field 100 of account-based payments
	Accounts  string        // issuer accounts file (resolved against the mix file's directory by LoadMix)
	AmountMin int64         // minor units
	AmountMax int64
}

// mixFile is the YAML form of a Mix.
type mixFile struct {
	Transactions map[string]int `yaml:"transactions"`
	Terminals    int            `yaml:"terminals"`
	Merchants    int            `yaml:"merchants"`
	Acquirers    []string       `yaml:"acquirers"`
	Receiving    string         `yaml:"receiving"`
	Accounts     string         `yaml:"accounts"`
	Amount       struct {
		Min int64 `yaml:"min"`
		Max int64 `yaml:"max"`
	} `yaml:"amount"`
}

// LoadMix reads a mix file; a relative accounts path is taken from the
// file's directory.
func LoadMix(path string) (*Mix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &MixError{File: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxMixFile+1))
	if err != nil {
		return nil, &MixError{File: path, Err: err}
	}
	m, err := ParseMix(data)
	if err != nil {
		var me *MixError
		if errors.As(err, &me) {
			me.File = path
		}
		return nil, err
	}
	if m.Accounts != "" && !filepath.IsAbs(m.Accounts) {
		m.Accounts = filepath.Join(filepath.Dir(path), m.Accounts)
	}
	return m, nil
}

// ParseMix parses and checks the YAML of a mix file. Unknown keys are
// errors; absent ones take the defaults the package doc gives.
func ParseMix(data []byte) (*Mix, error) {
	if len(data) > MaxMixFile {
		return nil, &MixError{Err: ErrMixTooLarge}
	}
	var f mixFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, &MixError{Err: fmt.Errorf("%w: %v", ErrMixSyntax, err)}
	}
	m := &Mix{
		Terminals: f.Terminals, Merchants: f.Merchants, Acquirers: f.Acquirers,
		Receiving: f.Receiving, Accounts: f.Accounts, AmountMin: f.Amount.Min, AmountMax: f.Amount.Max,
	}
	for name, w := range f.Transactions {
		t, ok := ParseType(name)
		if !ok {
			return nil, &MixError{Field: "transactions." + name, Err: fmt.Errorf("%w: unknown transaction type", ErrMixField)}
		}
		m.Weights[t] = w
	}
	m.defaults()
	if field, err := m.check(); err != nil {
		return nil, &MixError{Field: field, Err: fmt.Errorf("%w: %s", ErrMixField, err)}
	}
	return m, nil
}

// defaults fills the optional fields left at zero.
func (m *Mix) defaults() {
	if m.Terminals == 0 {
		m.Terminals = defaultTerms
	}
	if m.Merchants == 0 {
		m.Merchants = max(1, (m.Terminals+defaultPerShop-1)/defaultPerShop)
	}
	if m.AmountMin == 0 && m.AmountMax == 0 {
		m.AmountMin, m.AmountMax = defaultMinAmt, defaultMaxAmt
	}
}

// check validates the mix and names the first bad field.
func (m *Mix) check() (string, error) {
	total := 0
	for t, w := range m.Weights {
		if w < 0 || w > maxWeight {
			return "transactions." + Type(t).String(), fmt.Errorf("weight outside 0..%d", maxWeight)
		}
		total += w
	}
	switch {
	case total == 0:
		return "transactions", errors.New("no transaction type has a weight")
	case m.Terminals < 1 || m.Terminals > maxTerminals:
		return "terminals", fmt.Errorf("outside 1..%d", maxTerminals)
	case m.Merchants < 1 || m.Merchants > m.Terminals:
		return "merchants", errors.New("outside 1..terminals")
	case len(m.Acquirers) > maxAcquirers:
		return "acquirers", fmt.Errorf("more than %d", maxAcquirers)
	case m.AmountMin < 1 || m.AmountMax < m.AmountMin || m.AmountMax > maxAmount:
		return "amount", fmt.Errorf("need 1 <= min <= max <= %d", maxAmount)
	case len(m.Accounts) > maxPathLen:
		return "accounts", errors.New("path too long")
	case m.Receiving != "" && !validID(m.Receiving):
		return "receiving", errors.New("not 1..11 digits")
	case m.Weights[TypeAccount] > 0 && m.Receiving == "":
		return "receiving", errors.New("required when account payments have a weight")
	}
	for i, id := range m.Acquirers {
		if !validID(id) {
			return fmt.Sprintf("acquirers[%d]", i), errors.New("not 1..11 digits")
		}
	}
	return "", nil
}

// validID reports whether id is 1..11 ASCII digits (an institution id).
func validID(id string) bool {
	if len(id) == 0 || len(id) > 11 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
