package simcard

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxProfileSize bounds a profile file.
const MaxProfileSize = 1 << 20

// Profile personalises a Card. Every key in it is a TEST key.
type Profile struct {
	Name      string `yaml:"name"`
	ATR       Hex    `yaml:"atr"`
	Algorithm string `yaml:"algorithm"` // "rsa" (RSA + 3DES) or "sm" (SM2 + SM4)
	// CAPrivateKey is a path (relative to the profile file) to the test CA
	// private key; only the defects that re-issue a certificate need it.
	CAPrivateKey string        `yaml:"ca_private_key,omitempty"`
	PSE          *Directory    `yaml:"pse,omitempty"`
	PPSE         *Directory    `yaml:"ppse,omitempty"`
	Applications []Application `yaml:"applications"`
	// Defects lists catalogue names, optionally with a parameter after a
	// colon ("missing-mandatory-tag:5F24").
	Defects []string `yaml:"defects,omitempty"`

	dir string // directory of the profile file, for CAPrivateKey
}

// Directory configures the PSE or PPSE; its entries are the applications.
type Directory struct {
	SFI      int    `yaml:"sfi,omitempty"` // PSE only: SFI of the directory records (88)
	Language string `yaml:"language,omitempty"`
}

// Application is one payment application (ADF).
type Application struct {
	AID             Hex    `yaml:"aid"`
	Label           string `yaml:"label"`                    // 50
	PreferredName   string `yaml:"preferred_name,omitempty"` // 9F12
	Priority        int    `yaml:"priority,omitempty"`       // 87
	Language        string `yaml:"language,omitempty"`       // 5F2D
	IssuerCodeTable int    `yaml:"issuer_code_table,omitempty"`
	PDOL            Hex    `yaml:"pdol,omitempty"` // 9F38
	// FCIDiscretionary are data objects of BF0C in the FCI ("9F4D 0B0A").
	FCIDiscretionary []string `yaml:"fci_discretionary,omitempty"`
	AIP              Hex      `yaml:"aip"`
	AFL              Hex      `yaml:"afl"`
	GPOFormat        int      `yaml:"gpo_format,omitempty"` // 1 (80) or 2 (77)
	QPBOC            *QPBOC   `yaml:"qpboc,omitempty"`
	CVN              int      `yaml:"cvn,omitempty"` // 9F10 cryptogram version number
	DKI              int      `yaml:"dki,omitempty"` // 9F10 derivation key index
	Records          []Record `yaml:"records"`
	PIN              string   `yaml:"pin,omitempty"` // TEST PIN, 4..12 digits
	PINTryLimit      int      `yaml:"pin_try_limit,omitempty"`
	ATC              int      `yaml:"atc,omitempty"`
	EC               *EC      `yaml:"ec,omitempty"`
	Log              *Log     `yaml:"log,omitempty"`
	Keys             Keys     `yaml:"keys"`
}

// QPBOC enables the contactless qPBOC path (JR/T 0025.12) of an application.
type QPBOC struct {
	AIP Hex `yaml:"aip"`
	AFL Hex `yaml:"afl"`
	CTQ Hex `yaml:"ctq"` // 9F6C
}

// EC holds the electronic cash values (JR/T 0025.13), amounts in minor units.
type EC struct {
	Balance        int64 `yaml:"balance"`         // 9F79
	Limit          int64 `yaml:"limit"`           // 9F77
	SingleLimit    int64 `yaml:"single_limit"`    // 9F78
	ResetThreshold int64 `yaml:"reset_threshold"` // 9F6D
}

// Log configures the transaction log (9F4D entry, 9F4F format).
type Log struct {
	SFI        int `yaml:"sfi"`
	Records    int `yaml:"records"`
	Format     Hex `yaml:"format"`                // 9F4F, a DOL
	LoadFormat Hex `yaml:"load_format,omitempty"` // DF4F
}

// Record is one record of an application elementary file; Tags are
// "TAG VALUE" hex pairs in order, wrapped in template 70 when read.
type Record struct {
	SFI    int      `yaml:"sfi"`
	Number int      `yaml:"record"`
	Tags   []string `yaml:"tags"`
}

// Keys are the TEST keys of an application. The card uses the card keys;
// the issuer master keys are kept so tests and the issuer simulator can
// derive the same card keys.
type Keys struct {
	IssuerMasterAC  Hex     `yaml:"issuer_master_ac"`
	IssuerMasterMAC Hex     `yaml:"issuer_master_mac"`
	IssuerMasterENC Hex     `yaml:"issuer_master_enc"`
	CardAC          Hex     `yaml:"card_ac"`
	CardMAC         Hex     `yaml:"card_mac"`
	CardENC         Hex     `yaml:"card_enc"`
	ICC             *ICCKey `yaml:"icc_private_key,omitempty"`
}

// ICCKey is the ICC private key (TEST): RSA (modulus, public and private
// exponent) or SM2 (the private scalar d).
type ICCKey struct {
	Modulus         Hex `yaml:"rsa_modulus,omitempty"`
	Exponent        Hex `yaml:"rsa_exponent,omitempty"`
	PrivateExponent Hex `yaml:"rsa_private_exponent,omitempty"`
	SM2             Hex `yaml:"sm2_d,omitempty"`
}

// ParseProfile decodes and validates a YAML profile. dir is the directory
// relative paths in the profile are resolved against ("" for none).
func ParseProfile(b []byte, dir string) (*Profile, error) {
	if len(b) > MaxProfileSize {
		return nil, fieldErr("(file)", "larger than %d bytes", MaxProfileSize)
	}
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, &ProfileError{Field: "(yaml)", Err: yamlError(err)}
	}
	p.dir = dir
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// LoadProfile reads and validates a profile file.
func LoadProfile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ProfileError{Field: "(file)", Err: err}
	}
	defer f.Close()
	b, err := readAllMax(f, MaxProfileSize)
	if err != nil {
		return nil, &ProfileError{Field: "(file)", Err: err}
	}
	return ParseProfile(b, dirOf(path))
}

// Marshal encodes the profile as YAML.
func (p *Profile) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("card profile: encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("card profile: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// yamlError keeps the line numbers of a YAML error but drops its text,
// which may quote a value (a PAN, a PIN, a key).
func yamlError(err error) error {
	lines := regexp.MustCompile(`line \d+`).FindAllString(err.Error(), 3)
	if len(lines) == 0 {
		return errors.New("malformed YAML (values not shown)")
	}
	return fmt.Errorf("malformed YAML at %s (values not shown)", strings.Join(lines, ", "))
}
