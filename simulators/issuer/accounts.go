package issuer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Account statuses (Account.Status).
const (
	StatusActive     = "active"
	StatusLost       = "lost"
	StatusStolen     = "stolen"
	StatusBlocked    = "blocked"
	StatusRestricted = "restricted"
)

// Card algorithms (Account.Algorithm).
const (
	AlgTDES = "tdes"
	AlgSM4  = "sm4"
)

// MaxAccountsFile bounds the size of an accounts file; MaxAccounts the
// number of entries in it.
const (
	MaxAccountsFile = 4 << 20
	MaxAccounts     = 100000
)

// Account is one card or account of the issuer's TEST accounts file. Every
// secret in it (PIN, IMK) is test data only.
type Account struct {
	PAN       string // primary account number, 12..19 digits, Luhn-valid; "" for an account-only entry
	Expiry    string // YYMM, the card's expiry (valid to the end of that month)
	PSN       string // card sequence number, 2 digits ("01")
	Status    string // active | lost | stolen | blocked | restricted
	Balance   int64  // available balance, minor units (fen)
	Limit     int64  // single-transaction limit, minor units; 0 none
	PIN       string // TEST ONLY: 4..12 digits, verified from the PIN block; "" = PIN not checked
	Algorithm string // "tdes" or "sm4": card keys and cryptograms
	IMK       string // TEST ONLY: hex issuer master key for AC (16 bytes); "" = no ARQC check
	IMKMAC    string // TEST ONLY: hex issuer master key for script MACs (16 bytes); "" = IMK
	AccountID string // account id for account-based (field 102) payments, optional

	// Permit lists the processing code prefixes (2 digits: "00" purchase,
	// "01" cash, "20" refund, "31" balance inquiry, "40" transfer) the card
	// may do; empty permits all. Others are declined 57.
	Permit []string
	// ECLoad is a pending electronic cash load: the new EC balance (9F79,
	// minor units) the issuer writes by an issuer script (PUT DATA) with the
	// next approved online cryptogram; 0 none. It is sent once.
	ECLoad int64
	// Scripts are further issuer script commands (hex APDUs, complete with
	// any secure-messaging MAC) sent in a 72 template with the next approved
	// online cryptogram; sent once.
	Scripts []string
	// Note is a free description for people reading the file.
	Note string
}

// Accounts is the issuer's set of accounts, loaded from a file. It is safe
// for concurrent use: balances, PIN try counters and pending scripts change
// under one mutex.
type Accounts struct {
	mu        sync.Mutex
	list      []*account
	byPAN     map[string]*account
	byAccount map[string]*account
}

// account is the mutable state of one Account.
type account struct {
	Account
	pinErrors int // consecutive wrong PINs
}

// Errors of the accounts file. They are wrapped in a *LoadError.
var (
	ErrAccountsFile = errors.New("issuer: accounts file")
	ErrField        = errors.New("issuer: invalid account field")
	ErrDuplicate    = errors.New("issuer: duplicate account")
	ErrTooLarge     = errors.New("issuer: accounts file too large")
)

// LoadError reports a problem in an accounts file: the file, the line
// (0 when unknown) and the field. It never holds a field's value.
type LoadError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *LoadError) Error() string {
	s := e.File
	if e.Line > 0 {
		s = fmt.Sprintf("%s:%d", s, e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }

// LoadAccounts reads a YAML accounts file (see testdata/issuer/accounts.yaml
// for the format). Errors are *LoadError values naming file:line and field.
func LoadAccounts(path string) (*Accounts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{File: path, Err: errors.Join(ErrAccountsFile, err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAccountsFile+1))
	if err != nil {
		return nil, &LoadError{File: path, Err: errors.Join(ErrAccountsFile, err)}
	}
	if len(data) > MaxAccountsFile {
		return nil, &LoadError{File: path, Err: ErrTooLarge}
	}
	return ParseAccounts(path, data)
}

// NewAccounts checks list as LoadAccounts checks a file (errors name the
// entry as "account[i]" and the field) and returns the set; left-out
// optional fields take the file's defaults.
func NewAccounts(list []Account) (*Accounts, error) {
	a := &Accounts{byPAN: make(map[string]*account), byAccount: make(map[string]*account)}
	for i := range list {
		acc := list[i]
		applyDefaults(&acc)
		if field, err := validate(&acc); err != nil {
			return nil, &LoadError{File: fmt.Sprintf("account[%d]", i), Field: field, Err: err}
		}
		if field, err := a.add(acc); err != nil {
			return nil, &LoadError{File: fmt.Sprintf("account[%d]", i), Field: field, Err: err}
		}
	}
	return a, nil
}

// add inserts acc, rejecting a PAN or account id already present.
func (a *Accounts) add(acc Account) (string, error) {
	if _, dup := a.byPAN[acc.PAN]; acc.PAN != "" && dup {
		return "pan", ErrDuplicate
	}
	if _, dup := a.byAccount[acc.AccountID]; acc.AccountID != "" && dup {
		return "account_id", ErrDuplicate
	}
	if len(a.list) >= MaxAccounts {
		return "", ErrTooLarge
	}
	p := &account{Account: acc}
	p.Permit = append([]string(nil), acc.Permit...)
	p.Scripts = append([]string(nil), acc.Scripts...)
	a.list = append(a.list, p)
	if acc.PAN != "" {
		a.byPAN[acc.PAN] = p
	}
	if acc.AccountID != "" {
		a.byAccount[acc.AccountID] = p
	}
	return "", nil
}

// All returns a snapshot of every account in file order (current balances).
func (a *Accounts) All() []Account {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Account, len(a.list))
	for i, p := range a.list {
		out[i] = p.snapshot()
	}
	return out
}

// Lookup returns a snapshot of the account of a PAN.
func (a *Accounts) Lookup(pan string) (Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.byPAN[pan]
	if !ok {
		return Account{}, false
	}
	return p.snapshot(), true
}

// LookupAccountID returns a snapshot of the account with this field 102 id.
func (a *Accounts) LookupAccountID(id string) (Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.byAccount[id]
	if !ok {
		return Account{}, false
	}
	return p.snapshot(), true
}

// Len returns the number of accounts.
func (a *Accounts) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.list)
}

// snapshot copies p (slices included). The caller holds the lock.
func (p *account) snapshot() Account {
	out := p.Account
	out.Permit = append([]string(nil), p.Permit...)
	out.Scripts = append([]string(nil), p.Scripts...)
	return out
}

// SpendableCard returns the first card of accounts a purchase of up to
// minBalance is approved on: active, no single-transaction limit, every
// processing code permitted, at least minBalance available.
func SpendableCard(accounts []Account, minBalance int64) (Account, bool) {
	for _, a := range accounts {
		if a.PAN != "" && (a.Status == "" || a.Status == "active") && a.Balance >= minBalance && a.Limit == 0 && len(a.Permit) == 0 {
			return a, true
		}
	}
	return Account{}, false
}
