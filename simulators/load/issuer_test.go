package load_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/hsm"
)

// TestMixAgainstIssuer runs every transaction type of the testdata mix
// straight at the issuer simulator in its accounts mode, which checks PIN
// blocks (55 when wrong), ARQCs (05 when wrong), balances and originals of
// reversals (25 when unknown). Two connections act for two acquirers.
func TestMixAgainstIssuer(t *testing.T) {
	const accounts = "../../testdata/issuer/accounts.yaml"
	acc, err := issuer.LoadAccounts(accounts)
	require.NoError(t, err)
	mod := testModule(t)
	is, err := issuer.New(issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID,
		Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4,
		Accounts: acc, PIN: &issuer.PIN{Module: mod, ZPK: "48020000/zpk", Format: hsm.ISO0},
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })

	ids := []string{"48020000", "48020001"}
	clients := make([]*acquirer.Client, len(ids))
	for k, id := range ids {
		c, err := acquirer.Dial(simtest.Context(t), acquirer.Config{Addr: is.Addr(), InstitutionID: id,
			Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4})
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		clients[k] = c
	}
	mix, err := load.LoadMix("../../testdata/load/mix.yaml")
	require.NoError(t, err)
	cards, err := load.LoadCards(mix.Accounts)
	require.NoError(t, err)
	gen, err := load.NewGenerator(load.GeneratorConfig{Mix: mix, Cards: cards, Connections: ids, PIN: testPIN(t, mod), Seed: 1})
	require.NoError(t, err)

	res, err := load.Run(simtest.Context(t), load.Options{Clients: clients, Generator: gen, InFlight: 8, Count: 600})
	require.NoError(t, err)
	t.Logf("codes %v types %v", res.ByCode, res.ByType)
	assert.Equal(t, 600, res.Completed)
	assert.Equal(t, 0, res.Errors)
	for _, bad := range []string{"05", "55", "25", "30", "14", "96", "75", "12"} {
		assert.Zero(t, res.ByCode[bad], "code %s (PIN, ARQC, original, format...) in %v", bad, res.ByCode)
	}
	for _, typ := range []string{"purchase", "chip", "pin", "balance", "account", "reversal"} {
		tc := res.ByType[typ]
		assert.Positive(t, tc.Sent, typ)
		assert.Positive(t, tc.Approved, "%s: %v", typ, res.ByType)
	}
	assert.Equal(t, res.ByType["reversal"].Sent, res.ByType["reversal"].Approved, "every reversal found its original")
	assert.Positive(t, res.ByCode["00"])
	assert.Equal(t, 600, is.Stats().Requests)
}
