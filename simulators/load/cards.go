package load

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/symmetric"
)

// Card is one card (or card-less account) the generator draws requests
// from. Every secret in it is TEST data.
type Card struct {
	PAN       string              // 12..19 digits; "" for an account-only entry
	Expiry    string              // YYMM
	PSN       string              // card sequence number, 2 digits
	PIN       string              // TEST PIN; "" = the card takes no PIN transactions
	Algorithm symmetric.Algorithm // of IMK and the cryptograms
	IMK       []byte              // TEST issuer master key for AC; nil = no chip transactions
	AccountID string              // field 102 for account-based payments; "" = none
	Limit     int64               // single-transaction limit, minor units; 0 none
	Permit    []string            // processing code prefixes allowed; empty = all
}

// ErrCard reports a card the generator cannot use.
var ErrCard = errors.New("load: invalid card")

// builtinIMK is the TEST issuer master key of BuiltinCards.
const builtinIMK = "0123456789ABCDEFFEDCBA9876543210"

// BuiltinCards returns the 16 Luhn-valid TEST cards of the BIN 622202 the
// generator uses without an accounts file: expiry 2912, PSN 01, PIN 1234,
// TDES IMK 0123456789ABCDEFFEDCBA9876543210, and account ids
// "ACCT0000000000" to "ACCT0000000015".
func BuiltinCards() []Card {
	imk, _ := hex.DecodeString(builtinIMK) // constant hex
	pans := rotatingPANs("6222020000000000125")
	out := make([]Card, len(pans))
	for i, p := range pans {
		out[i] = Card{PAN: p.pan, Expiry: "2912", PSN: "01", PIN: "1234", Algorithm: symmetric.TDES,
			IMK: imk, AccountID: fmt.Sprintf("ACCT%010d", i)}
	}
	return out
}

// CardsFromAccounts returns the accounts of an issuer accounts list (the
// contract's issuer.Accounts.All snapshot) that the issuer would serve at
// now: active, and for cards not expired.
func CardsFromAccounts(list []issuer.Account, now time.Time) ([]Card, error) {
	out := make([]Card, 0, len(list))
	yymm := now.Format("0601")
	for i, a := range list {
		if (a.Status != "" && a.Status != issuer.StatusActive) || (a.PAN != "" && a.Expiry < yymm) {
			continue
		}
		c := Card{PAN: a.PAN, Expiry: a.Expiry, PSN: a.PSN, PIN: a.PIN, Algorithm: symmetric.TDES,
			AccountID: a.AccountID, Limit: a.Limit, Permit: a.Permit}
		if a.Algorithm == issuer.AlgSM4 {
			c.Algorithm = symmetric.SM4
		}
		if a.IMK != "" {
			imk, err := hex.DecodeString(a.IMK)
			if err != nil {
				return nil, fmt.Errorf("%w: account %d: imk is not hex", ErrCard, i)
			}
			c.IMK = imk
		}
		out = append(out, c)
	}
	return out, nil
}

// LoadCards reads an issuer accounts file (issuer.LoadAccounts) and returns
// its active, unexpired accounts as cards.
func LoadCards(path string) ([]Card, error) {
	a, err := issuer.LoadAccounts(path)
	if err != nil {
		return nil, err
	}
	return CardsFromAccounts(a.All(), time.Now())
}

// card is a Card prepared for the hot path: every field value as the bytes
// a request carries, the card master key derived once.
type card struct {
	pan, track2, expiry, psn3 []byte
	psn                       byte // BCD, as in 5F34
	pin                       []byte
	alg                       symmetric.Algorithm
	mk                        []byte // card master key for AC; nil = no chip
	accountID                 []byte
	limit                     int64
	permit                    []string
	atc                       atomic.Uint32
	pool                      []atomic.Pointer[chipEntry] // ready field 55 values (GeneratorConfig.ChipPool)

	pinMu    sync.Mutex
	pinBlock []byte // field 52, made once through the PIN source
}

// prepare checks c and builds its hot-path form; withMK derives the card
// master key (chip transactions).
func prepare(i int, c Card, withMK bool, pool int) (*card, error) {
	bad := func(what string) error { return fmt.Errorf("%w: card %d: %s", ErrCard, i, what) }
	p := &card{alg: c.Algorithm, limit: c.Limit, permit: c.Permit, accountID: []byte(c.AccountID)}
	if c.PAN == "" && c.AccountID == "" {
		return nil, bad("neither PAN nor account id")
	}
	if c.PAN != "" {
		if pan.Valid([]byte(c.PAN)) != nil {
			return nil, bad("PAN fails the length or Luhn check")
		}
		if len(c.Expiry) != 4 || !digits(c.Expiry) || len(c.PSN) != 2 || !digits(c.PSN) {
			return nil, bad("expiry must be YYMM and PSN 2 digits")
		}
		p.pan = []byte(c.PAN)
		p.track2 = []byte(c.PAN + "=" + c.Expiry + "201" + "00000000")
		p.expiry = []byte(c.Expiry)
		p.psn3 = []byte("0" + c.PSN)
		p.psn = (c.PSN[0]-'0')<<4 | (c.PSN[1] - '0')
	}
	if c.PIN != "" {
		if len(c.PIN) < 4 || len(c.PIN) > 12 || !digits(c.PIN) {
			return nil, bad("PIN must be 4..12 digits")
		}
		p.pin = []byte(c.PIN)
	}
	if withMK && c.IMK != nil && p.pan != nil {
		mk, err := crypto.DeriveCardKey(c.Algorithm, c.IMK, p.pan, p.psn)
		if err != nil {
			return nil, bad("card key: " + err.Error())
		}
		p.mk = mk
		p.pool = make([]atomic.Pointer[chipEntry], pool)
	}
	return p, nil
}

// permits reports whether the card may do processing code proc.
func (c *card) permits(proc string) bool {
	if len(c.permit) == 0 {
		return true
	}
	for _, p := range c.permit {
		if strings.HasPrefix(proc, p) {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
