package issuer

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
)

// Response codes of the accounts mode (see the package doc).
const (
	codeDoNotHonour = "05"
	codeLost        = "41"
	codeStolen      = "43"
	codeExpired     = "54"
	codeBadPIN      = "55"
	codeNotAllowed  = "57"
	codePINTries    = "75"
	codeNoOriginal  = "25"
	codeFormat      = "30"
	codeMalfunction = "96"
	codeBadARQC     = codeDoNotHonour
)

// answer is the outcome of one request in the accounts mode.
type answer struct {
	code     string
	inquiry  bool  // put the balance in field 54
	balance  int64 // balance after the transaction
	icc      []byte
	approved bool
}

// authorizer decides requests against Accounts.
type authorizer struct {
	acc      *Accounts
	pin      *pinVerifier // nil: PIN blocks are not checked
	now      func() time.Time
	j        *journal
	scriptID atomic.Uint32
	log      *slog.Logger
}

// decide answers a request (0100/0200 and repeats, advices, reversals).
func (z *authorizer) decide(ctx context.Context, req *dialect.Message) answer {
	mti := req.MTI()
	switch {
	case mti[1] == classReversal && (mti[2] == functionRequest || mti[2] == functionAdvice):
		return z.reverse(req)
	case mti[1] != classAuthorize && mti[1] != classFinancial:
		return answer{code: codeInvalidTxn}
	case mti[2] == functionAdvice:
		return answer{code: codeApproved}
	case mti[2] != functionRequest:
		return answer{code: codeInvalidTxn}
	}
	return z.authorize(ctx, req)
}

// reverse restores the balance an approved original took, once.
func (z *authorizer) reverse(req *dialect.Message) answer {
	z.j.mu.Lock()
	defer z.j.mu.Unlock()
	e := z.j.originalLocked(req)
	if e == nil {
		return answer{code: codeNoOriginal}
	}
	if e.code == codeApproved && !e.reversed {
		z.acc.restore(e.acct, e.delta)
		e.reversed = true
	}
	return answer{code: codeApproved}
}

// authorize runs the checks of the package doc, in order.
func (z *authorizer) authorize(ctx context.Context, req *dialect.Message) answer {
	tk, rk := keysOf(req)
	z.j.mu.Lock()
	if e := z.j.lookupLocked(tk); e != nil {
		z.j.mu.Unlock()
		return answer{code: e.code} // duplicate or repeat: same code, no second debit
	}
	z.j.mu.Unlock()

	p, code := z.account(req)
	if code != "" {
		return answer{code: code}
	}
	acc := z.acc.view(p)
	if code := z.cardChecks(&acc, req); code != "" {
		return answer{code: code}
	}
	var icc *iccData
	var sk []byte
	defer func() { clear(sk) }()
	if raw := req.Field(55); raw != nil && acc.IMK != "" && acc.PAN != "" {
		d, err := parseICC(raw)
		if err != nil {
			return answer{code: codeFormat}
		}
		if sk, err = verifyARQC(&acc, &d); err != nil {
			return answer{code: codeBadARQC} // no ARPC for a wrong cryptogram
		}
		icc = &d
	}
	a := z.money(ctx, p, &acc, req, tk, rk)
	if icc != nil {
		a.icc = z.iccResponse(p, &acc, icc, sk, a)
	}
	return a
}

// account finds the account of a request: field 2 (or the PAN of 35), else
// field 102.
func (z *authorizer) account(req *dialect.Message) (*account, string) {
	p := requestPAN(req)
	var id []byte
	if p != nil {
		if !pan.Luhn(p) {
			return nil, codeInvalidCard
		}
	} else if id = req.Field(102); id == nil {
		return nil, codeInvalidCard
	}
	a := z.acc.find(p, id)
	if a == nil {
		return nil, codeInvalidCard
	}
	return a, ""
}

// cardChecks checks status, expiry and the processing code.
func (z *authorizer) cardChecks(acc *Account, req *dialect.Message) string {
	switch acc.Status {
	case StatusLost:
		return codeLost
	case StatusStolen:
		return codeStolen
	case StatusBlocked, StatusRestricted:
		return codeDoNotHonour
	}
	if acc.Expiry != "" {
		if f14 := req.Field(14); f14 != nil && string(f14) != acc.Expiry {
			return codeExpired
		}
		if expired(acc.Expiry, z.now()) {
			return codeExpired
		}
	}
	return ""
}

// expired reports whether a YYMM expiry (valid to the end of its month) has
// passed at now.
func expired(yymm string, now time.Time) bool {
	yy, err1 := strconv.Atoi(yymm[:2])
	mm, err2 := strconv.Atoi(yymm[2:])
	if err1 != nil || err2 != nil {
		return true
	}
	y, m := 2000+yy, mm
	ny, nm := now.Year(), int(now.Month())
	return ny > y || ny == y && nm > m
}

// money checks the PIN and the processing code, then moves the amount and
// journals the result.
func (z *authorizer) money(ctx context.Context, p *account, acc *Account, req *dialect.Message, tk txnKey, rk rrnKey) answer {
	if code := z.checkPIN(ctx, p, acc, req); code != "" {
		return answer{code: code}
	}
	proc := req.Field(fieldProcessing)
	if !permitted(acc.Permit, proc) {
		return answer{code: codeNotAllowed}
	}
	amount, ok := parseAmount(req.Field(fieldAmount))
	if !ok {
		return answer{code: codeFormat}
	}
	k := kindOf(proc)
	z.j.mu.Lock()
	defer z.j.mu.Unlock()
	if e := z.j.lookupLocked(tk); e != nil {
		return answer{code: e.code}
	}
	code, delta, balance := z.acc.apply(p, k, amount)
	z.j.addLocked(&entry{acct: p, delta: delta, code: code, tk: tk, rk: rk})
	return answer{code: code, balance: balance, inquiry: k == kindInquiry, approved: code == codeApproved}
}

// checkPIN verifies field 52 when present and the account has a PIN.
func (z *authorizer) checkPIN(ctx context.Context, p *account, acc *Account, req *dialect.Message) string {
	block := req.Field(52)
	if block == nil || acc.PIN == "" || z.pin == nil || acc.PAN == "" {
		return ""
	}
	right, err := z.pin.check(ctx, block, []byte(acc.PAN), acc.PIN)
	if err != nil {
		z.log.Warn("PIN check failed", "pan", pan.Mask([]byte(acc.PAN)), "err", err)
		return codeMalfunction
	}
	return z.acc.pinResult(p, right)
}

// permitted reports whether processing code proc is in list (empty: all).
func permitted(list []string, proc []byte) bool {
	if len(list) == 0 {
		return true
	}
	if len(proc) < 2 {
		return false
	}
	for _, p := range list {
		if p == string(proc[:2]) {
			return true
		}
	}
	return false
}

// parseAmount reads field 4 (absent: 0).
func parseAmount(b []byte) (int64, bool) {
	if len(b) > 12 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// iccResponse builds field 55 of the answer: 91 (ARPC || ARC) and, when
// approved, the pending issuer scripts in a 72 template.
func (z *authorizer) iccResponse(p *account, acc *Account, d *iccData, sk []byte, a answer) []byte {
	auth, err := issuerAuthData(acc, sk, d.arqc, a.code)
	if err != nil {
		z.log.Warn("ARPC failed", "pan", pan.Mask([]byte(acc.PAN)), "err", err)
		return nil
	}
	out := tlv.AppendTLV(nil, auth)
	if !a.approved {
		return out
	}
	ec, scripts := z.acc.takeScripts(p)
	if ec == 0 && len(scripts) == 0 {
		return out
	}
	cmds, err := scriptCommands(acc, d, ec, scripts)
	if err != nil {
		z.acc.putScripts(p, ec, scripts)
		z.log.Warn("issuer script failed", "pan", pan.Mask([]byte(acc.PAN)), "err", err)
		return out
	}
	with := tlv.AppendTLV(out, scriptTemplate(z.scriptID.Add(1), cmds))
	if len(with) > maxICC {
		z.acc.putScripts(p, ec, scripts)
		return out
	}
	return with
}

// balanceField returns field 54 for a balance: account type 10, amount
// type 02 (available balance), the currency (field 49, else 156), C and 12
// digits.
func balanceField(balance int64, currency []byte) string {
	cur := "156"
	if len(currency) == 3 {
		cur = string(currency)
	}
	sign := "C"
	if balance < 0 {
		sign, balance = "D", -balance
	}
	d := strconv.FormatInt(balance, 10)
	if len(d) > 12 {
		d = d[len(d)-12:]
	}
	return "1002" + cur + sign + strings.Repeat("0", 12-len(d)) + d
}

// discardLogger returns a logger that drops everything.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
