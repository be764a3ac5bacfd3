package simcard

import (
	"crypto/rand"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/pan"
)

// PersonalizeOptions are the few inputs Personalize needs; zero fields take
// the defaults named below. Every key is a TEST key.
type PersonalizeOptions struct {
	PAN       string // ASCII digits, Luhn-valid
	Expiry    string // YYMM
	PSN       int    // PAN sequence number 5F34 (default 1)
	Algorithm string // "rsa" (RSA + 3DES, default) or "sm" (SM2 + SM4)
	CAKeyFile string // test CA private key file (emv/capk format)
	CAIndex   int    // CA key index to use; 0 picks the first key of the algorithm
	Name      string // profile name (default "pboc-" + algorithm)
	PIN       string // TEST PIN (default 123456)
	// Issuer master keys (defaults: TestIMKAC, TestIMKMAC, TestIMKENC).
	IMKAC, IMKMAC, IMKENC []byte
	// Rand drives key generation and SM2 nonces (crypto/rand when nil);
	// a deterministic reader makes a deterministic profile.
	Rand io.Reader
	// Now dates the certificates (default 2025-01-01 UTC, so committed
	// profiles do not depend on the day they were made).
	Now time.Time
}

// Test issuer master keys (TEST ONLY, published here on purpose).
func TestIMKAC() []byte  { return mustHex("0123456789ABCDEFFEDCBA9876543210") }
func TestIMKMAC() []byte { return mustHex("89ABCDEF0123456776543210FEDCBA98") }
func TestIMKENC() []byte { return mustHex("FEDCBA98765432100123456789ABCDEF") }

func mustHex(s string) []byte {
	b, _ := parseHex(s)
	return b
}

// Personalize makes a complete profile: the card keys derived from the
// issuer master keys (emv/crypto), an issuer and an ICC key pair with their
// certificates chained to the test CA key and the signed static data
// (emv/oda), so that SDA, DDA, CDA and fDDA verify. The profile holds two
// applications (UnionPay debit A000000333010101 with electronic cash and
// qPBOC, and credit A000000333010102) sharing one PAN and key set.
func Personalize(o PersonalizeOptions) (*Profile, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	s, err := suiteOf(o.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%w: algorithm: %v", ErrPersonalize, err)
	}
	keys, err := deriveKeys(s, &o)
	if err != nil {
		return nil, err
	}
	base := baseApplication(&o, s, keys)
	if err := certify(&o, s, base); err != nil {
		return nil, err
	}
	debit, credit := *base, *base
	debit.AID, debit.Label, debit.Priority = mustHex("A000000333010101"), "PBOC DEBIT", 1
	credit.AID, credit.Label, credit.Priority = mustHex("A000000333010102"), "PBOC CREDIT", 2
	credit.EC, credit.QPBOC, credit.Log = nil, nil, nil
	credit.FCIDiscretionary = nil
	p := &Profile{
		Name: o.Name, ATR: mustHex("3B6800000073C84013009000"), Algorithm: s.name,
		PSE: &Directory{SFI: 1, Language: "zhen"}, PPSE: &Directory{},
		Applications: []Application{debit, credit},
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPersonalize, err)
	}
	return p, nil
}

func (o *PersonalizeOptions) defaults() error {
	if err := pan.Valid([]byte(o.PAN)); err != nil {
		return fmt.Errorf("%w: pan: %v", ErrPersonalize, err)
	}
	if !validYYMM(o.Expiry) {
		return fmt.Errorf("%w: expiry must be YYMM", ErrPersonalize)
	}
	if o.Algorithm == "" {
		o.Algorithm = "rsa"
	}
	if o.Name == "" {
		o.Name = "pboc-" + o.Algorithm
	}
	if o.PSN == 0 {
		o.PSN = 1
	}
	if o.PIN == "" {
		o.PIN = "123456"
	}
	if o.IMKAC == nil {
		o.IMKAC, o.IMKMAC, o.IMKENC = TestIMKAC(), TestIMKMAC(), TestIMKENC()
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return nil
}

func validYYMM(s string) bool {
	if !isDigits(s, 4, 4) {
		return false
	}
	m, _ := strconv.Atoi(s[2:])
	return m >= 1 && m <= 12
}

// deriveKeys derives the card master keys (EMV option A / PBOC SM4).
func deriveKeys(s suite, o *PersonalizeOptions) (Keys, error) {
	k := Keys{IssuerMasterAC: o.IMKAC, IssuerMasterMAC: o.IMKMAC, IssuerMasterENC: o.IMKENC}
	psn := bcdByte(o.PSN)
	for _, d := range []struct {
		imk []byte
		dst *Hex
	}{{o.IMKAC, &k.CardAC}, {o.IMKMAC, &k.CardMAC}, {o.IMKENC, &k.CardENC}} {
		v, err := crypto.DeriveCardKey(s.sym, d.imk, []byte(o.PAN), psn)
		if err != nil {
			return Keys{}, fmt.Errorf("%w: %v", ErrPersonalize, err)
		}
		*d.dst = v
	}
	return k, nil
}

func bcdByte(n int) byte { return byte(n/10%10<<4 | n%10) }
