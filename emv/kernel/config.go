package kernel

import (
	"context"
	"io"
	"time"

	"github.com/hulian/hulian/emv/capk"
)

// AID is one entry of the terminal's application list (EMV Book 3 12.3.1).
// Partial allows partial name selection: a card application whose AID starts
// with AID matches, and the terminal asks for the next occurrence.
type AID struct {
	AID     []byte
	Partial bool
}

// ActionCodes are the terminal action codes (TAC) of one application,
// EMV Book 3 10.7; each is 5 bytes laid out as the TVR.
type ActionCodes struct {
	Denial, Online, Default [5]byte
}

// RandomSelection configures random transaction selection (EMV Book 3
// 10.6.2). Percentages are 0..99; Threshold is in minor units.
type RandomSelection struct {
	Target, MaxTarget int
	Threshold         int64
}

// PINMethod is the kind of PIN the kernel asks its PINSupplier for.
type PINMethod int

// PIN methods.
const (
	PINOfflinePlain PINMethod = iota + 1
	PINOfflineEnciphered
)

// String names the method.
func (m PINMethod) String() string {
	switch m {
	case PINOfflinePlain:
		return "offline plaintext PIN"
	case PINOfflineEnciphered:
		return "offline enciphered PIN"
	}
	return "PIN method?"
}

// PINRequest tells the PINSupplier what is asked: the method and, when the
// card told (GET DATA 9F17), the tries left (-1 unknown).
type PINRequest struct {
	Method    PINMethod
	TriesLeft int
	Attempt   int // 1 for the first entry, 2 after a wrong PIN ...
}

// PINSupplier returns the cardholder's PIN as ASCII digits (4..12). It returns
// ErrPINBypass (wrapped or not) when the cardholder bypasses PIN entry. The
// kernel clears the returned slice after use and never logs it.
type PINSupplier func(ctx context.Context, req PINRequest) ([]byte, error)

// Chooser lets the cardholder pick an application (EMV Book 3 12.4): it is
// called with the candidate list (highest priority first) when more than one
// application matches or one requires confirmation, and returns the index
// chosen. nil means "the first one" (no cardholder confirmation possible:
// applications whose priority indicator requires confirmation are then
// dropped).
type Chooser func(ctx context.Context, candidates []Candidate) (int, error)

// Config is the terminal: its data objects, its application list, its action
// codes and risk parameters, and the injected clock, random source and
// cardholder callbacks. The zero value is not useful; start from
// DefaultConfig.
type Config struct {
	CountryCode      uint16  // 9F1A, numeric ISO 3166 (156 China)
	CurrencyCode     uint16  // 5F2A, numeric ISO 4217 (156 CNY)
	CurrencyExponent byte    // 5F36
	TerminalType     byte    // 9F35, e.g. 0x22 attended online-capable merchant
	Capabilities     [3]byte // 9F33
	AddCapabilities  [5]byte // 9F40
	TTQ              [4]byte // 9F66, qPBOC terminal transaction qualifiers
	AppVersion       [2]byte // 9F09, 0030 for PBOC 3.0
	MerchantCategory [2]byte // 9F15
	TerminalID       string  // 9F1C, 8 characters
	MerchantID       string  // 9F16, 15 characters
	MerchantName     string  // 9F4E, merchant name and location
	IFDSerial        string  // 9F1E, 8 characters
	AcquirerID       []byte  // 9F01

	AIDs            []AID
	TAC             ActionCodes
	FloorLimit      int64 // 9F1B, minor units
	RandomSelection RandomSelection
	DefaultDDOL     []byte // used when the card has no 9F49
	DefaultTDOL     []byte

	ECSupport     bool  // send 9F7A=01 through the PDOL (JR/T 0025.13)
	ECLimit       int64 // 9F7B EC terminal transaction limit, 0 = none
	SMSupport     bool  // send DF69=01 through the PDOL (JR/T 0025.17)
	Unattended    bool  // overrides the attended bit of TerminalType if set
	OnlineCapable bool

	CAKeys *capk.Store
	Clock  func() time.Time // transaction date and time; nil: time.Now
	Rand   io.Reader        // unpredictable numbers; nil: crypto/rand
	PIN    PINSupplier      // nil: offline PIN not possible (PIN pad absent)
	Choose Chooser
}

// DefaultConfig returns a PBOC 3.0 attended, online-capable POS terminal in
// China (country and currency 156) with the UnionPay debit, credit and quasi
// credit AIDs (partial selection), offline plaintext and enciphered PIN,
// online PIN, signature and no CVM, SDA/DDA/CDA, EC and SM support. Action
// codes are the usual PBOC defaults. Callers set CAKeys, Clock, Rand and PIN.
func DefaultConfig() Config {
	return Config{
		CountryCode:      0x0156,
		CurrencyCode:     0x0156,
		CurrencyExponent: 2,
		TerminalType:     0x22,
		Capabilities:     [3]byte{0xE0, 0xF8, 0xC8},
		AddCapabilities:  [5]byte{0x6F, 0x00, 0xF0, 0xF0, 0x01},
		TTQ:              [4]byte{0x26, 0x00, 0x00, 0x80},
		AppVersion:       [2]byte{0x00, 0x30},
		MerchantCategory: [2]byte{0x53, 0x11},
		TerminalID:       "HULIAN01",
		MerchantID:       "898310048990001",
		MerchantName:     "HULIAN TEST MERCHANT",
		IFDSerial:        "SN000001",
		AIDs: []AID{
			{AID: []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}, Partial: true},
			{AID: []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x02}, Partial: true},
			{AID: []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x03}, Partial: true},
		},
		TAC: ActionCodes{
			Denial:  [5]byte{0x00, 0x10, 0x00, 0x00, 0x00},
			Online:  [5]byte{0xD8, 0x40, 0x04, 0xF8, 0x00},
			Default: [5]byte{0xD8, 0x40, 0x00, 0xA8, 0x00},
		},
		FloorLimit:      0,
		RandomSelection: RandomSelection{Target: 0, MaxTarget: 0},
		DefaultDDOL:     []byte{0x9F, 0x37, 0x04},
		DefaultTDOL:     []byte{0x9F, 0x37, 0x04},
		ECSupport:       true,
		ECLimit:         100000,
		SMSupport:       false,
		OnlineCapable:   true,
	}
}

// Interface is how the card is read.
type Interface int

// Interfaces.
const (
	Contact Interface = iota
	Contactless
)

// Transaction types (9C, first two digits of ISO 8583 processing code).
const (
	TypePurchase byte = 0x00
	TypeCash     byte = 0x01
	TypeCashback byte = 0x09
	TypeRefund   byte = 0x20
	TypeInquiry  byte = 0x31
)

// Transaction is one transaction request.
type Transaction struct {
	Amount      int64 // 9F02, minor units
	OtherAmount int64 // 9F03 (cashback)
	Type        byte  // 9C
	Interface   Interface
	Sequence    uint32 // 9F41 transaction sequence counter
	// ReadOnly runs up to the first GENERATE AC, which asks for an AAC,
	// with no cardholder verification (cardcert read).
	ReadOnly bool
	// ForceOnline is merchant forced online (TVR byte 4 bit 4).
	ForceOnline bool
}
