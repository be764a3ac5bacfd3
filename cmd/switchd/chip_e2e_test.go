package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/simcard"
	"github.com/hulian/hulian/switch/logtest"
)

// The chip end-to-end tests (issue "Simulators", acquirer terminal): a
// simulated PBOC card, the terminal kernel, switchd, the issuer simulator
// of Bank B on the TEST accounts file, and back to the card.

const (
	chipAccounts = "../../testdata/issuer/accounts.yaml"
	chipCards    = "../../testdata/cards"
	chipCAPK     = "../../testdata/emv/capk-test.txt"
	chipAcquirer = "48020000"
	chipIssuer   = "03080000" // Bank B, hl87b, BIN 622848 (testdata/switchd.yaml)
	chipDebitAID = "A000000333010101"
	chipPIN      = "123456" // the profiles' TEST PIN
)

// chipConfig is switchd with an hl87a acquirer and Bank B on hl87b, so
// field 55 is translated between the ASCII and the packed dialect.
const chipConfig = `
switch: {id: "99990000", shutdown_grace: 2s}
admin: {address: "%s"}
listeners:
  - {name: in, address: "%s", dialect: hl87a}
institutions:
  - {id: "48020000", role: acquirer, dialect: hl87a, inbound: {listener: in, allow: ["127.0.0.1"]}}
  - {id: "03080000", role: issuer, dialect: hl87b, timeout: %s, outbound: {addresses: ["%s"], connections: 1}}
routes:
  - {name: bank-b-cards, issuer: "03080000", bins: ["622848"]}
journal: {url: "sqlite:journal.db", hash_key_file: hash.key}
clearing: {dir: out, cutoff: "00:00", timezone: UTC}
`

// chipEnv is one running switchd with its issuer and a signed-on acquirer.
type chipEnv struct {
	is     *issuer.Issuer
	client *acquirer.Client
}

// chipStart starts the issuer simulator (accounts mode), switchd in
// process on free ports, waits until it has signed on to the issuer, and
// signs an acquirer client on. issuerTimeout is Bank B's timeout.
func chipStart(t *testing.T, issuerTimeout time.Duration) *chipEnv {
	t.Helper()
	acc, err := issuer.LoadAccounts(chipAccounts)
	require.NoError(t, err)
	hl87b, err := dialect.Builtin("hl87b")
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: chipIssuer, Dialect: hl87b, Framing: frame.Binary2, Accounts: acc})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })

	adminAddr, inAddr := freePort(t), freePort(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hash.key"), []byte("a test key of enough length"), 0o600))
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(chipConfig, adminAddr, inAddr, issuerTimeout, is.Addr())), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	logs := &logtest.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--config", path}, io.Discard, logs, make(chan os.Signal)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("switchd did not stop")
		}
		assert.NotContains(t, logs.String(), "62284800000000000", "no clear PAN in switchd's logs")
	})
	chipWaitSignedOn(t, adminAddr, logs)

	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	c, err := acquirer.Dial(dctx, acquirer.Config{Addr: inAddr, InstitutionID: chipAcquirer, Dialect: hl87a, Framing: frame.ASCII4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SignOn(dctx))
	return &chipEnv{is: is, client: c}
}

// chipWaitSignedOn polls the admin status until the issuer link is signed on.
func chipWaitSignedOn(t *testing.T, adminAddr string, logs *logtest.Buffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + adminAddr + "/status")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), `"state": "signed_on"`) {
				return
			}
		}
		require.True(t, time.Now().Before(deadline), "switchd did not sign on to the issuer; logs:\n%s", logs.String())
		time.Sleep(20 * time.Millisecond)
	}
}

// terminal is a POS terminal on the env's acquirer link with the PIN pad
// typing the profile's PIN (offline plaintext PIN, as the card's CVM list
// asks first).
func (e *chipEnv) terminal(t *testing.T, timeout time.Duration) *pos.Terminal {
	t.Helper()
	return e.terminalWith(t, timeout, func(*kernel.Config) {})
}

// terminalWith is terminal with the kernel configuration tuned by mod.
func (e *chipEnv) terminalWith(t *testing.T, timeout time.Duration, mod func(*kernel.Config)) *pos.Terminal {
	t.Helper()
	store, err := capk.LoadFile(chipCAPK)
	require.NoError(t, err)
	k := kernel.DefaultConfig()
	k.CAKeys, k.SMSupport, k.ECSupport = store, true, false
	mod(&k)
	term, err := pos.New(pos.Config{
		Client: e.client, Kernel: k, Timeout: timeout,
		EnterPIN: func(context.Context) ([]byte, error) { return []byte(chipPIN), nil },
	})
	require.NoError(t, err)
	return term
}

// chipCard is a fresh simulated card of a shipped profile.
func chipCard(t *testing.T, profile string) (*simcard.Card, string) {
	t.Helper()
	p, err := simcard.LoadProfile(filepath.Join(chipCards, profile+".yaml"))
	require.NoError(t, err)
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	for _, r := range p.Applications[0].Records {
		for _, tv := range r.Tags {
			if v, ok := strings.CutPrefix(tv, "5A "); ok {
				return c, strings.TrimRight(v, "F")
			}
		}
	}
	t.Fatal("profile without a PAN")
	return nil, ""
}

// getData selects the debit application and reads a data object with GET
// DATA, as any terminal can (EMV Book 3 6.5.7).
func getData(t *testing.T, tr card.Transport, tag uint16) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := card.NewSender(tr)
	aid := []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}
	r, err := s.Send(ctx, apdu.Command{CLA: 0x00, INS: 0xA4, P1: 0x04, Data: aid, Le: 256})
	require.NoError(t, err)
	require.True(t, r.SW.OK(), "SELECT %s: %v", chipDebitAID, r.SW)
	r, err = s.Send(ctx, apdu.Command{CLA: 0x80, INS: 0xCA, P1: byte(tag >> 8), P2: byte(tag), Le: 256})
	require.NoError(t, err)
	require.True(t, r.SW.OK(), "GET DATA %04X: %v", tag, r.SW)
	require.Greater(t, len(r.Data), 3)
	return r.Data[3:]
}

func u16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func bcdValue(b []byte) int64 {
	var v int64
	for _, c := range b {
		v = v*100 + int64(c>>4)*10 + int64(c&0x0F)
	}
	return v
}

// chipApproved runs one approved purchase on tr and checks the card's side
// through GET DATA before and after: the ATC moved by one and, for the
// card with a pending EC load, the EC balance is the loaded value.
func chipApproved(t *testing.T, e *chipEnv, term *pos.Terminal, profile, panStr string, tr card.Transport) {
	t.Helper()
	acc, ok := e.is.Accounts().Lookup(panStr)
	require.True(t, ok)
	atcBefore := u16(getData(t, tr, 0x9F36))
	ecBefore := bcdValue(getData(t, tr, 0x9F79))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rc, err := term.Run(ctx, tr, 1234)
	require.NoError(t, err)
	t.Logf("%s receipt:\n%s", profile, rc)

	assert.Equal(t, "00", rc.ResponseCode)
	assert.Equal(t, kernel.OutcomeOnlineApproved, rc.Outcome, "TVR %X", rc.TVR)
	assert.False(t, rc.TVR.Has(kernel.TVRCDAFailed), "CDA verified")
	assert.Equal(t, byte(0x40), rc.CID&0xC0, "second GENERATE AC: TC")
	assert.True(t, rc.TSI.Has(kernel.TSIIssuerAuth))
	assert.False(t, rc.TVR.Has(kernel.TVRIssuerAuthFailed), "the card accepted the issuer's ARPC")
	assert.Nil(t, rc.Reversal)
	assert.NotContains(t, rc.String(), panStr)

	assert.Equal(t, atcBefore+1, u16(getData(t, tr, 0x9F36)), "ATC moved")
	assert.Equal(t, atcBefore+1, u16(getData(t, tr, 0x9F13)), "last online ATC is this transaction's")
	ecAfter := bcdValue(getData(t, tr, 0x9F79))
	if acc.ECLoad > 0 {
		require.Len(t, rc.Scripts, 1)
		assert.True(t, rc.Scripts[0].OK(), "EC load script: %02X", rc.Scripts[0].Result)
		assert.NotEqual(t, ecBefore, ecAfter)
		assert.Equal(t, acc.ECLoad, ecAfter, "EC balance is the loaded value")
	} else {
		assert.Equal(t, ecBefore, ecAfter)
	}
	after, _ := e.is.Accounts().Lookup(panStr)
	assert.Equal(t, acc.Balance-1234, after.Balance, "the issuer debited the account")
}

// TestChipEndToEndPCSC is the acceptance test: each shipped card (RSA +
// 3DES and SM2 + SM4) in a vpcd reader of the real PC/SC stack, the kernel
// through card/pcsc, switchd, the issuer simulator verifying the ARQC and
// answering the ARPC (and the EC load script), the card's TC. Skipped
// without pcscd, failed with CI=true. The terminal offers CDA, as in
// process, and the RSA card's CDA signature verifies (the vpcd bridge
// reuses its command buffer, which the card must not keep: see
// simulators/simcard Card.Process).
func TestChipEndToEndPCSC(t *testing.T) {
	e := chipStart(t, 5*time.Second)
	term := e.terminal(t, 10*time.Second)
	for _, profile := range []string{"pboc-rsa", "pboc-sm"} {
		t.Run(profile, func(t *testing.T) {
			reader := pcsctest.Slot(t)
			c, panStr := chipCard(t, profile)
			reader.Insert(t, c)
			conn := reader.Connect(t, pcsc.ConnectOptions{})
			chipApproved(t, e, term, profile, panStr, conn)
		})
	}
}

// TestChipEndToEndInProcess is the same flow with the card in process (no
// PC/SC).
func TestChipEndToEndInProcess(t *testing.T) {
	e := chipStart(t, 5*time.Second)
	for _, profile := range []string{"pboc-rsa", "pboc-sm"} {
		t.Run(profile, func(t *testing.T) {
			c, panStr := chipCard(t, profile)
			tr := card.NewInProcess(c)
			defer tr.Close()
			chipApproved(t, e, e.terminal(t, 10*time.Second), profile, panStr, tr)
		})
	}
}

// TestChipEndToEndDecline: an amount above the balance is declined 51 by
// the issuer through the switch; the card answers an AAC, no reversal.
func TestChipEndToEndDecline(t *testing.T) {
	e := chipStart(t, 5*time.Second)
	for _, profile := range []string{"pboc-rsa", "pboc-sm"} {
		t.Run(profile, func(t *testing.T) {
			c, panStr := chipCard(t, profile)
			acc, _ := e.is.Accounts().Lookup(panStr)
			tr := card.NewInProcess(c)
			defer tr.Close()
			rc, err := e.terminal(t, 10*time.Second).Run(context.Background(), tr, acc.Balance+1)
			require.NoError(t, err)
			assert.Equal(t, "51", rc.ResponseCode)
			assert.Equal(t, kernel.OutcomeOnlineDeclined, rc.Outcome)
			assert.Equal(t, byte(0), rc.CID&0xC0, "AAC")
			assert.False(t, rc.TVR.Has(kernel.TVRIssuerAuthFailed), "the decline's ARPC verified")
			assert.Nil(t, rc.Reversal)
			after, _ := e.is.Accounts().Lookup(panStr)
			assert.Equal(t, acc.Balance, after.Balance)
		})
	}
}

// TestChipEndToEndIssuerTimeout: the issuer does not answer; the switch
// answers 91 after Bank B's timeout, the terminal completes with Unable and
// the card declines with an AAC (default action codes, Z3).
func TestChipEndToEndIssuerTimeout(t *testing.T) {
	e := chipStart(t, 500*time.Millisecond)
	e.is.SetSilent(true)
	c, _ := chipCard(t, "pboc-sm")
	tr := card.NewInProcess(c)
	defer tr.Close()
	rc, err := e.terminal(t, 10*time.Second).Run(context.Background(), tr, 1234)
	require.NoError(t, err)
	assert.Equal(t, "91", rc.ResponseCode)
	assert.True(t, rc.Unable)
	assert.Equal(t, kernel.OutcomeOnlineDeclined, rc.Outcome, "TVR %X", rc.TVR)
	assert.Equal(t, byte(0), rc.CID&0xC0, "AAC")
	assert.Nil(t, rc.Reversal, "the switch answered: no reversal from the terminal")
}
