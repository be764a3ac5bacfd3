package pos_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/hsm"
)

const debitAID = "A000000333010101"

// TestApprovedOnline: both shipped cards, straight at the issuer simulator:
// the issuer verifies the ARQC (3DES and SM4), answers an ARPC the card
// accepts (second GENERATE AC: TC), the ATC moves by one, the account is
// debited, and for the SM card the pending EC load script (72) is run and
// the EC balance becomes the loaded value.
func TestApprovedOnline(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			is := startIssuer(t, issuerOptions{})
			term := terminal(t, dial(t, is.Addr()), nil)
			c := newCard(t, p.name)
			panStr := cardPAN(t, loadProfile(t, p.name))
			acc, ok := is.Accounts().Lookup(panStr)
			require.True(t, ok, "the accounts file holds the card")
			atcBefore := c.State().Apps[debitAID].ATC

			rc := run(t, term, c, 1234)

			assert.Equal(t, kernel.OutcomeOnlineApproved, rc.Outcome, "TVR %X", rc.TVR)
			assert.True(t, rc.Approved)
			assert.Equal(t, "00", rc.ResponseCode)
			assert.Len(t, rc.AuthCode, 6)
			assert.Equal(t, "0200", rc.MTI)
			assert.True(t, rc.TSI.Has(kernel.TSIIssuerAuth), "issuer authentication performed")
			assert.False(t, rc.TVR.Has(kernel.TVRIssuerAuthFailed), "the card accepted the ARPC")
			assert.Equal(t, byte(0x41), rc.CVMResults[0], "offline plaintext PIN")
			assert.Equal(t, pan.Mask([]byte(panStr)), rc.PAN)
			assert.Nil(t, rc.Reversal)
			st := c.State().Apps[debitAID]
			assert.Equal(t, atcBefore+1, st.ATC, "ATC moved by one")
			assert.Equal(t, int(st.ATC), rc.ATC)
			assert.Equal(t, st.ATC, st.LastOnlineATC, "the card booked an online transaction")
			after, _ := is.Accounts().Lookup(panStr)
			assert.Equal(t, acc.Balance-1234, after.Balance, "account debited")
			if acc.ECLoad > 0 {
				require.Len(t, rc.Scripts, 1)
				assert.True(t, rc.Scripts[0].OK(), "EC load script performed: %02X", rc.Scripts[0].Result)
				assert.Equal(t, acc.ECLoad, st.ECBalance)
				assert.Equal(t, acc.ECLoad, rc.ECBalance)
			} else {
				assert.Empty(t, rc.Scripts)
				assert.Equal(t, st.ECBalance, rc.ECBalance)
			}
			text := rc.String()
			assert.NotContains(t, text, panStr, "no clear PAN on the receipt")
			assert.Contains(t, text, "APPROVED")
			assert.Contains(t, text, "12.34")
		})
	}
}

// TestAuthorization: --auth sends an 0100.
func TestAuthorization(t *testing.T) {
	is := startIssuer(t, issuerOptions{})
	term := terminal(t, dial(t, is.Addr()), func(c *pos.Config) { c.Auth = true })
	rc := run(t, term, newCard(t, "pboc-rsa"), 500)
	assert.Equal(t, "0100", rc.MTI)
	assert.Equal(t, "00", rc.ResponseCode)
	assert.Equal(t, 1, is.Stats().ByMTI["0100"])
}

// TestDeclinedInsufficientFunds: an amount above the account's balance is
// declined 51 by the issuer, with a valid ARPC; the card answers an AAC and
// no reversal is due.
func TestDeclinedInsufficientFunds(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			is := startIssuer(t, issuerOptions{})
			term := terminal(t, dial(t, is.Addr()), nil)
			acc, _ := is.Accounts().Lookup(cardPAN(t, loadProfile(t, p.name)))
			rc := run(t, term, newCard(t, p.name), acc.Balance+100)
			assert.Equal(t, "51", rc.ResponseCode)
			assert.Equal(t, kernel.OutcomeOnlineDeclined, rc.Outcome)
			assert.False(t, rc.Approved)
			assert.Equal(t, byte(0), rc.CID&0xC0, "AAC")
			assert.True(t, rc.TSI.Has(kernel.TSIIssuerAuth))
			assert.False(t, rc.TVR.Has(kernel.TVRIssuerAuthFailed), "the ARPC of a decline verifies too")
			assert.Nil(t, rc.Reversal)
			assert.Contains(t, rc.String(), "DECLINED")
		})
	}
}

// TestIssuerTimeout: the issuer does not answer; the terminal completes
// with Unable (default action codes: the new card's TVR asks for an AAC)
// and sends a reversal for the unanswered request.
func TestIssuerTimeout(t *testing.T) {
	is := startIssuer(t, issuerOptions{silent: true})
	term := terminal(t, dial(t, is.Addr()), func(c *pos.Config) { c.Timeout = 300 * time.Millisecond })
	rc := run(t, term, newCard(t, "pboc-rsa"), 1234)
	assert.True(t, rc.Unable)
	assert.Empty(t, rc.ResponseCode)
	assert.Equal(t, kernel.OutcomeOnlineDeclined, rc.Outcome, "TVR %X", rc.TVR)
	assert.Equal(t, byte(0), rc.CID&0xC0, "AAC")
	require.NotNil(t, rc.Reversal)
	assert.Equal(t, pos.ReasonNoAnswer, rc.Reversal.Reason)
	assert.Equal(t, 1, is.Stats().ByMTI["0400"], "the reversal reached the issuer")
}

// spoilARPC is a transport that corrupts the ARPC of EXTERNAL
// AUTHENTICATE on its way to the card, so the card refuses the issuer's
// approval.
type spoilARPC struct{ card.Transport }

func (s spoilARPC) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if len(cmd) > 6 && cmd[1] == 0x82 {
		cmd = append([]byte(nil), cmd...)
		cmd[5] ^= 0x01
	}
	return s.Transport.Transmit(ctx, cmd)
}

// TestCardDeclinesAfterApproval: the issuer approves, the card fails issuer
// authentication and answers the second GENERATE AC with an AAC: the
// terminal reverses the approval (0400 with field 90) and the issuer gives
// the amount back.
func TestCardDeclinesAfterApproval(t *testing.T) {
	is := startIssuer(t, issuerOptions{})
	term := terminal(t, dial(t, is.Addr()), nil)
	panStr := cardPAN(t, loadProfile(t, "pboc-rsa"))
	before, _ := is.Accounts().Lookup(panStr)
	tr := spoilARPC{card.NewInProcess(newCard(t, "pboc-rsa"))}
	defer tr.Close()
	rc, err := term.Run(context.Background(), tr, 1234)
	require.NoError(t, err)
	assert.Equal(t, "00", rc.ResponseCode)
	assert.True(t, rc.TVR.Has(kernel.TVRIssuerAuthFailed))
	assert.Equal(t, kernel.OutcomeOnlineDeclined, rc.Outcome)
	require.NotNil(t, rc.Reversal)
	assert.Equal(t, pos.ReasonCardDeclined, rc.Reversal.Reason)
	assert.Equal(t, "00", rc.Reversal.ResponseCode, rc.Reversal.Err)
	after, _ := is.Accounts().Lookup(panStr)
	assert.Equal(t, before.Balance, after.Balance, "the reversal gave the amount back")
	assert.Contains(t, rc.String(), pos.ReasonCardDeclined)
}

// TestOnlinePIN: a PIN pad kept away from the card makes the CVM list go
// on to online PIN (42 03): the terminal enciphers it under the acquirer's
// ZPK (simulators/load.ModulePIN in a switch/hsm Module) into field 52 and
// the issuer verifies it; a wrong PIN is declined 55.
func TestOnlinePIN(t *testing.T) {
	mod := softModule(t)
	is := startIssuer(t, issuerOptions{pin: &issuer.PIN{Module: mod, ZPK: acquirerID + "/zpk", Format: hsm.ISO0}})
	pinPad, err := load.NewModulePIN(context.Background(), mod, acquirerID+"/zpk", hsm.ISO0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pinPad.Close(context.Background()) })
	c := dial(t, is.Addr())
	for _, tc := range []struct{ pin, code string }{{testPIN, "00"}, {"999999", "55"}} {
		term := terminal(t, c, func(cfg *pos.Config) {
			cfg.EnterPIN, cfg.OnlinePINOnly, cfg.PINBlocks = enter(tc.pin), true, pinPad
		})
		rc := run(t, term, newCard(t, "pboc-rsa"), 800)
		assert.Equal(t, byte(0x42), rc.CVMResults[0], "online PIN")
		assert.True(t, rc.TVR.Has(kernel.TVROnlinePINEntered))
		assert.Equal(t, tc.code, rc.ResponseCode)
	}
}

// TestNoOnlinePINWithoutPINBlocks: without an encipherer the terminal
// does not offer online PIN, so a card that would ask for it falls to the
// next CVM (signature).
func TestNoOnlinePINWithoutPINBlocks(t *testing.T) {
	is := startIssuer(t, issuerOptions{})
	term := terminal(t, dial(t, is.Addr()), func(cfg *pos.Config) { cfg.EnterPIN = nil })
	rc := run(t, term, newCard(t, "pboc-rsa"), 800)
	assert.Equal(t, byte(0x1E), rc.CVMResults[0]&0x3F, "signature")
	assert.True(t, rc.Signature)
	assert.Equal(t, "00", rc.ResponseCode)
	assert.True(t, strings.Contains(rc.String(), "signature"))
}

func TestConfigErrors(t *testing.T) {
	c := dial(t, startIssuer(t, issuerOptions{}).Addr())
	for name, mod := range map[string]func(*pos.Config){
		"no client":        func(cfg *pos.Config) { cfg.Client = nil },
		"terminal id":      func(cfg *pos.Config) { cfg.TerminalID = "T1" },
		"merchant id":      func(cfg *pos.Config) { cfg.MerchantID = "M1" },
		"mcc":              func(cfg *pos.Config) { cfg.MCC = "54x1" },
		"online PIN only":  func(cfg *pos.Config) { cfg.OnlinePINOnly, cfg.EnterPIN = true, nil },
		"negative timeout": func(cfg *pos.Config) { cfg.Timeout = -1 },
	} {
		cfg := pos.Config{Client: c, Kernel: kernelConfig(t), EnterPIN: enter(testPIN)}
		mod(&cfg)
		_, err := pos.New(cfg)
		assert.ErrorIs(t, err, pos.ErrConfig, name)
	}
}
