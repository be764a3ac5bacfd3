package pos

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
)

// codeInoperative is the response code of a switch or issuer that could
// not answer (iso8583-contract.md): the terminal treats it as no answer.
const codeInoperative = "91"

// Terminal is one POS terminal. Run may be called from several goroutines
// (each with its own card), though a real terminal serves one card at a
// time.
type Terminal struct {
	cfg Config
	k   *kernel.Kernel
	seq atomic.Uint32 // transaction sequence counter, 9F41
}

// New returns a terminal for cfg (see Config for the defaults).
func New(cfg Config) (*Terminal, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Terminal{cfg: c, k: kernel.New(c.Kernel)}, nil
}

// Run performs one purchase of amount (minor units) with the card on tr,
// which stays open (the caller closes it): the kernel up to the first
// GENERATE AC, the online request through the switch when the card asks
// for it, completion with the answer, a reversal when the card declined an
// issuer approval or no answer came, and a final GET DATA of the EC
// balance. The Receipt is returned even with an error, as far as the
// transaction got; a declined transaction is not an error.
func (t *Terminal) Run(ctx context.Context, tr card.Transport, amount int64) (*Receipt, error) {
	rc := &Receipt{Amount: amount, Currency: t.cfg.Kernel.CurrencyCode, ATC: -1, ECBalance: -1}
	s, err := t.k.Start(ctx, tr, kernel.Transaction{
		Amount: amount, Type: kernel.TypePurchase, Sequence: t.seq.Add(1), ForceOnline: t.cfg.ForceOnline,
	})
	if s == nil {
		return rc, err
	}
	r := s.Result()
	rc.fill(r)
	if err != nil || r.Outcome != kernel.OutcomeOnline {
		t.finish(ctx, tr, rc)
		return rc, err
	}
	req, err := t.request(ctx, r, amount, t.now())
	if err != nil {
		// The card waits for a second GENERATE AC: complete as if the
		// host could not be reached, then report why.
		r, cerr := s.Complete(ctx, kernel.OnlineResponse{Unable: true})
		rc.fill(r)
		rc.Unable = true
		t.finish(ctx, tr, rc)
		return rc, errors.Join(err, cerr)
	}
	online, answered := t.send(ctx, req, rc)
	r, err = s.Complete(ctx, online)
	rc.fill(r)
	switch {
	case !answered:
		rc.Reversal = t.reverse(ctx, req, ReasonNoAnswer)
	case approvedCode(rc.ResponseCode) && (err != nil || r.Outcome != kernel.OutcomeOnlineApproved):
		rc.Reversal = t.reverse(ctx, req, ReasonCardDeclined)
	}
	t.finish(ctx, tr, rc)
	return rc, err
}

// send sends the request and turns the answer into the kernel's
// OnlineResponse. answered is false when no answer came at all (a reversal
// is then due); an answer 91 is treated as unable to go online, with no
// reversal (the switch answered).
func (t *Terminal) send(ctx context.Context, req *dialect.Message, rc *Receipt) (kernel.OnlineResponse, bool) {
	rc.MTI, rc.STAN, rc.RRN = string(req.MTI()), string(req.Field(11)), string(req.Field(37))
	dctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	var resp dialect.Message
	if err := t.cfg.Client.Do(dctx, req, &resp); err != nil {
		rc.Unable = true
		rc.Notes = append(rc.Notes, "no answer: "+err.Error())
		return kernel.OnlineResponse{Unable: true}, false
	}
	rc.ResponseCode = string(resp.Field(39))
	rc.AuthCode = string(resp.Field(38))
	if rc.ResponseCode == codeInoperative || len(rc.ResponseCode) != 2 {
		rc.Unable = true
		return kernel.OnlineResponse{Unable: true}, true
	}
	d, err := parseIssuerData(resp.Field(55))
	if err != nil {
		rc.Notes = append(rc.Notes, err.Error())
	}
	return kernel.OnlineResponse{ResponseCode: rc.ResponseCode, IssuerAuthData: d.auth, Scripts: d.scripts}, true
}

// reverse sends the 0400 for orig and reports its answer.
func (t *Terminal) reverse(ctx context.Context, orig *dialect.Message, reason string) *Reversal {
	m := reversal(orig)
	v := &Reversal{Reason: reason}
	dctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	var resp dialect.Message
	err := t.cfg.Client.Do(dctx, m, &resp)
	v.STAN = string(m.Field(11))
	if err != nil {
		v.Err = err.Error()
		return v
	}
	v.ResponseCode = string(resp.Field(39))
	return v
}

// finish reads the EC balance after the transaction (GET DATA 9F79, JR/T
// 0025.13) and logs the outcome.
func (t *Terminal) finish(ctx context.Context, tr card.Transport, rc *Receipt) {
	rc.ECBalance = ecBalance(ctx, tr)
	t.cfg.Logger.Info("pos transaction", "card", rc.PAN, "amount", rc.Amount, "outcome", rc.Outcome.String(),
		"response", rc.ResponseCode, "unable", rc.Unable, "reversal", rc.Reversal != nil)
}

// ecBalance returns 9F79 by GET DATA, -1 when the card does not give it.
func ecBalance(ctx context.Context, tr card.Transport) int64 {
	r, err := card.NewSender(tr).Send(ctx, apdu.Command{CLA: 0x80, INS: 0xCA, P1: 0x9F, P2: 0x79, Le: 256})
	if err != nil || !r.SW.OK() || len(r.Data) != 9 || r.Data[0] != 0x9F || r.Data[1] != 0x79 || r.Data[2] != 6 {
		return -1
	}
	var v int64
	for _, c := range r.Data[3:] {
		hi, lo := c>>4, c&0x0F
		if hi > 9 || lo > 9 {
			return -1
		}
		v = v*100 + int64(hi)*10 + int64(lo)
	}
	return v
}

// fill copies the kernel's result into the receipt.
func (rc *Receipt) fill(r *kernel.Result) {
	if r == nil {
		return
	}
	if cf, err := readCard(r.CardData); err == nil {
		rc.PAN = pan.Mask([]byte(cf.pan))
	}
	rc.AID = r.Selected.AID
	rc.Label = label(r.CardData)
	if rc.Label == "" {
		rc.Label = r.Selected.Label
	}
	rc.Outcome = r.Outcome
	rc.Approved = r.Outcome == kernel.OutcomeOfflineApproved || r.Outcome == kernel.OutcomeOnlineApproved
	rc.TVR, rc.TSI, rc.CVMResults = r.TVR, r.TSI, r.CVMResults
	rc.Signature = r.CVM.Signature
	rc.ATC = atc(r.CardData)
	rc.CID, rc.HasAC = r.CID, len(r.Cryptogram) > 0
	rc.Scripts = scriptResults(r.ScriptResults)
}

// approvedCode reports an approving response code (EMV Book 3 10.9: the
// codes for which the terminal asks the card for a TC).
func approvedCode(code string) bool { return code == "00" || code == "10" || code == "11" }

// now is the terminal's clock (the kernel's, else the system's).
func (t *Terminal) now() time.Time {
	if t.cfg.Kernel.Clock != nil {
		return t.cfg.Kernel.Clock()
	}
	return time.Now()
}
