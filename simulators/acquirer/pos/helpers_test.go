package pos_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/simcard"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// Test data shared with the rest of the project.
const (
	testdata     = "../../../testdata"
	accountsFile = testdata + "/issuer/accounts.yaml"
	capkFile     = testdata + "/emv/capk-test.txt"
	acquirerID   = "48020000"
	issuerID     = "03080000"
	testPIN      = "123456" // the profiles' TEST PIN
	wait         = 10 * time.Second
)

// profiles are the shipped cards with the algorithm the issuer uses.
var profiles = []struct{ name, alg string }{{"pboc-rsa", issuer.AlgTDES}, {"pboc-sm", issuer.AlgSM4}}

// loadProfile reads a shipped profile.
func loadProfile(t testing.TB, name string) *simcard.Profile {
	t.Helper()
	p, err := simcard.LoadProfile(filepath.Join(testdata, "cards", name+".yaml"))
	require.NoError(t, err)
	return p
}

// newCard returns the simulated card of a shipped profile, fresh.
func newCard(t testing.TB, name string) *simcard.Card {
	t.Helper()
	c, err := simcard.New(loadProfile(t, name), simcard.Options{})
	require.NoError(t, err)
	return c
}

// cardPAN returns the PAN of a profile (5A of its first application).
func cardPAN(t testing.TB, p *simcard.Profile) string {
	t.Helper()
	for _, r := range p.Applications[0].Records {
		for _, tag := range r.Tags {
			if len(tag) > 3 && tag[:3] == "5A " {
				v := tag[3:]
				for len(v) > 0 && v[len(v)-1] == 'F' {
					v = v[:len(v)-1]
				}
				return v
			}
		}
	}
	t.Fatal("profile without 5A")
	return ""
}

// kernelConfig is a PBOC POS terminal with the test CA keys, SM offered and
// electronic cash off (a debit purchase that goes online).
func kernelConfig(t testing.TB) kernel.Config {
	t.Helper()
	store, err := capk.LoadFile(capkFile)
	require.NoError(t, err)
	cfg := kernel.DefaultConfig()
	cfg.CAKeys = store
	cfg.SMSupport = true
	cfg.ECSupport = false
	return cfg
}

// issuerOptions tune startIssuer.
type issuerOptions struct {
	pin    *issuer.PIN
	silent bool
}

// startIssuer starts the issuer simulator of Bank B on the accounts file,
// hl87a, for the terminal to talk to directly.
func startIssuer(t testing.TB, o issuerOptions) *issuer.Issuer {
	t.Helper()
	acc, err := issuer.LoadAccounts(accountsFile)
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: issuerID, Dialect: hl87a(t), Framing: frame.ASCII4,
		Accounts: acc, PIN: o.pin,
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })
	is.SetSilent(o.silent)
	return is
}

func hl87a(t testing.TB) *dialect.Dialect {
	t.Helper()
	d, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	return d
}

// dial connects the acquirer client to addr.
func dial(t testing.TB, addr string) *acquirer.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: acquirerID, Dialect: hl87a(t), Framing: frame.ASCII4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// enter is a PIN pad that always types pin.
func enter(pin string) pos.PINEntry {
	return func(context.Context) ([]byte, error) { return []byte(pin), nil }
}

// terminal builds a terminal on client c; mod tunes the Config.
func terminal(t testing.TB, c *acquirer.Client, mod func(*pos.Config)) *pos.Terminal {
	t.Helper()
	cfg := pos.Config{Client: c, Kernel: kernelConfig(t), EnterPIN: enter(testPIN), Timeout: wait}
	if mod != nil {
		mod(&cfg)
	}
	term, err := pos.New(cfg)
	require.NoError(t, err)
	return term
}

// run performs one purchase with the card in process.
func run(t testing.TB, term *pos.Terminal, c card.Card, amount int64) *pos.Receipt {
	t.Helper()
	tr := card.NewInProcess(c)
	defer tr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()
	rc, err := term.Run(ctx, tr, amount)
	require.NoError(t, err)
	return rc
}

// softModule is a scratch software security module holding the
// acquirer's zone PIN key, shared by the terminal and the issuer (the
// switch would translate between two keys; here there is none).
func softModule(t testing.TB) *soft.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	_, _ = rand.Read(lmk)
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	_, err = m.GenerateKey(context.Background(), acquirerID+"/zpk", hsm.ZPK, symmetric.TDES, 0)
	require.NoError(t, err)
	return m
}
