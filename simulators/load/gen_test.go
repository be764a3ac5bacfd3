package load_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// fixedNow is the generators' clock in these tests: 2026-11-27 10:20:30 UTC.
func fixedNow() time.Time { return time.Date(2026, 11, 27, 10, 20, 30, 0, time.UTC) }

// testModule opens a scratch software module holding the ZPK "48020000/zpk".
func testModule(t testing.TB) *soft.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	_, _ = rand.Read(lmk)
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	_, err = m.GenerateKey(context.Background(), "48020000/zpk", hsm.ZPK, symmetric.TDES, 0)
	require.NoError(t, err)
	return m
}

func testPIN(t testing.TB, m hsm.Module) *load.ModulePIN {
	t.Helper()
	p, err := load.NewModulePIN(context.Background(), m, "48020000/zpk", hsm.ISO0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// only returns a mix of one type (plus extra weights).
func only(t testing.TB, yaml string) *load.Mix {
	t.Helper()
	m, err := load.ParseMix([]byte(yaml + "receiving: \"01020000\"\nterminals: 7\nmerchants: 3\n"))
	require.NoError(t, err)
	return m
}

func newGen(t testing.TB, mix *load.Mix, pin load.PINSource) *load.Generator {
	t.Helper()
	g, err := load.NewGenerator(load.GeneratorConfig{Mix: mix, Connections: []string{"48020000", "48020001"}, PIN: pin, Now: fixedNow, Seed: 7})
	require.NoError(t, err)
	return g
}

// build makes request i on connection conn through the generator's filler.
func build(t testing.TB, g *load.Generator, i, conn int) (*dialect.Message, load.Type) {
	t.Helper()
	var m dialect.Message
	typ, err := load.BuildForTest(context.Background(), g, i, conn, &m)
	require.NoError(t, err)
	return &m, typ
}

func TestGeneratorCommonFields(t *testing.T) {
	g := newGen(t, only(t, "transactions: {purchase: 1}\n"), nil)
	terms := map[string]bool{}
	for i := range 200 {
		m, typ := build(t, g, i, i%2)
		require.Equal(t, load.TypePurchase, typ)
		assert.Equal(t, "0200", string(m.MTI()))
		assert.Equal(t, wireSTAN(i+1), string(m.Field(11)))
		assert.Equal(t, "1127102030", string(m.Field(7)))
		assert.Equal(t, "102030", string(m.Field(12)))
		assert.Equal(t, "1127", string(m.Field(13)))
		assert.Equal(t, "102030"+wireSTAN(i+1), string(m.Field(37)))
		assert.Equal(t, []string{"48020000", "48020001"}[i%2], string(m.Field(32)))
		require.NoError(t, pan.Valid(m.Field(2)))
		p, ok := pan.FromTrack2(m.Field(35))
		require.True(t, ok)
		assert.Equal(t, m.Field(2), p)
		assert.Equal(t, "902", string(m.Field(22)))
		assert.Len(t, m.Field(41), 8)
		assert.Len(t, m.Field(42), 15)
		assert.Len(t, m.Field(43), 40)
		amt := string(m.Field(4))
		assert.Len(t, amt, 12)
		assert.True(t, amt >= "000000000100" && amt <= "000000010000", amt)
		terms[string(m.Field(41))] = true
	}
	assert.Len(t, terms, 7, "drawn from all the mix's terminals")
}

func TestGeneratorChipARQC(t *testing.T) {
	for _, pool := range []int{-1, 0} {
		t.Run(map[int]string{-1: "fresh", 0: "pool"}[pool], func(t *testing.T) { testChip(t, pool) })
	}
}

func testChip(t *testing.T, pool int) {
	g, err := load.NewGenerator(load.GeneratorConfig{Mix: only(t, "transactions: {chip: 1}\n"), Connections: []string{"48020000"}, Now: fixedNow, ChipPool: pool})
	require.NoError(t, err)
	imk, _ := hex.DecodeString("0123456789ABCDEFFEDCBA9876543210") // BuiltinCards' TEST IMK
	atcs := map[string]uint16{}
	seen := map[string]int{}
	for i := range 400 {
		m, typ := build(t, g, i, 0)
		require.Equal(t, load.TypeChip, typ)
		assert.Equal(t, "051", string(m.Field(22)))
		assert.Equal(t, "001", string(m.Field(23)))
		list, err := tlv.Parse(m.Field(55))
		require.NoError(t, err)
		amt, ok := tlv.Find(list, 0x9F02)
		require.True(t, ok)
		assert.Equal(t, string(m.Field(4)), hex.EncodeToString(amt.Value), "9F02 is field 4")
		date, _ := tlv.Find(list, 0x9A)
		assert.Equal(t, []byte{0x26, 0x11, 0x27}, date.Value)
		atcT, _ := tlv.Find(list, 0x9F36)
		atc := uint16(atcT.Value[0])<<8 | uint16(atcT.Value[1])
		p := string(m.Field(2))
		if pool < 0 {
			assert.Greater(t, atc, atcs[p], "a fresh ATC per cryptogram of a card")
		}
		atcs[p] = atc
		seen[string(m.Field(55))]++
		ac, ok := tlv.Find(list, 0x9F26)
		require.True(t, ok)
		// Independent check: the issuer simulator's ARQC input and emv/crypto.
		mk, err := crypto.DeriveCardKey(symmetric.TDES, imk, m.Field(2), 0x01)
		require.NoError(t, err)
		sk, err := crypto.SessionKey(symmetric.TDES, mk, atc)
		require.NoError(t, err)
		require.NoError(t, crypto.VerifyAC(symmetric.TDES, sk, issuer.ARQCInput(list), ac.Value), "request %d", i)
	}
	if pool < 0 {
		assert.Len(t, seen, 400, "every field 55 differs")
	} else {
		assert.LessOrEqual(t, len(seen), 16*load.DefaultChipPool, "16 cards x the pool")
	}
}

func TestGeneratorPINBlock(t *testing.T) {
	mod := testModule(t)
	g := newGen(t, only(t, "transactions: {pin: 1}\n"), testPIN(t, mod))
	// A verification key whose clear value the test holds.
	clearKey := make([]byte, 16)
	_, _ = rand.Read(clearKey)
	hsm.SetOddParity(clearKey)
	kcv := hsm.KCV(symmetric.TDES, clearKey)
	_, err := mod.ImportComponents(context.Background(), "verify", hsm.ZPK, symmetric.TDES, [][]byte{clearKey}, []string{kcv, kcv})
	require.NoError(t, err)
	blk, err := hsm.NewCipher(symmetric.TDES, clearKey)
	require.NoError(t, err)
	for i := range 20 {
		m, typ := build(t, g, i, 0)
		require.Equal(t, load.TypePIN, typ)
		assert.Equal(t, "901", string(m.Field(22)))
		assert.Equal(t, "12", string(m.Field(26)))
		assert.Equal(t, "0100000000000000", string(m.Field(53)))
		out, err := mod.TranslatePIN(context.Background(), hsm.TranslatePIN{From: "48020000/zpk", FromFormat: hsm.ISO0, To: "verify", ToFormat: hsm.ISO0, PAN: m.Field(2), Block: m.Field(52)})
		require.NoError(t, err)
		clr := make([]byte, 8)
		blk.Decrypt(clr, out)
		pin, err := hsm.DecodePINBlock(hsm.ISO0, clr, m.Field(2))
		require.NoError(t, err)
		assert.Equal(t, "1234", string(pin), "BuiltinCards' TEST PIN")
	}
}

func TestGeneratorBalanceAndAccount(t *testing.T) {
	g := newGen(t, only(t, "transactions: {balance: 1}\n"), nil)
	m, typ := build(t, g, 0, 0)
	require.Equal(t, load.TypeBalance, typ)
	assert.Equal(t, "310000", string(m.Field(3)))
	assert.Equal(t, "000000000000", string(m.Field(4)))
	assert.False(t, m.Has(52), "no PIN source: no PIN block")

	g = newGen(t, only(t, "transactions: {account: 1}\n"), nil)
	m, typ = build(t, g, 3, 1)
	require.Equal(t, load.TypeAccount, typ)
	for _, f := range []int{2, 14, 35, 52, 55} {
		assert.False(t, m.Has(f), "field %d", f)
	}
	assert.Equal(t, "01020000", string(m.Field(100)))
	assert.Regexp(t, `^ACCT\d{10}$`, string(m.Field(102)))
}

func TestGeneratorReversal(t *testing.T) {
	g := newGen(t, only(t, "transactions: {purchase: 1, reversal: 1}\n"), nil)
	var orig *dialect.Message
	var origI int
	for i := range 50 {
		m, typ := build(t, g, i, 1)
		if typ == load.TypePurchase && orig == nil {
			orig, origI = m, i
			load.ApproveForTest(g, origI, 1, m) // as if answered 00
			continue
		}
		if typ != load.TypeReversal {
			continue
		}
		require.NotNil(t, orig, "a reversal needs an approved original")
		assert.Equal(t, "0400", string(m.MTI()))
		assert.Equal(t, orig.Field(2), m.Field(2))
		assert.Equal(t, orig.Field(4), m.Field(4))
		assert.Equal(t, orig.Field(41), m.Field(41))
		assert.Equal(t, "48020001", string(m.Field(32)))
		assert.Equal(t, "0200"+string(orig.Field(11))+string(orig.Field(7))+"00048020001"+"00000000000", string(m.Field(90)))
		assert.NotEqual(t, orig.Field(11), m.Field(11), "its own STAN")
		return
	}
	t.Fatal("no reversal built")
}

func TestGeneratorReversalFallsBack(t *testing.T) {
	g := newGen(t, only(t, "transactions: {chip: 1, reversal: 3}\n"), nil)
	for i := range 20 {
		_, typ := build(t, g, i, 0)
		assert.Equal(t, load.TypeChip, typ, "nothing approved to reverse: a chip purchase instead")
	}
}

func TestGeneratorErrors(t *testing.T) {
	mix := only(t, "transactions: {pin: 1}\n")
	_, err := load.NewGenerator(load.GeneratorConfig{Mix: mix, Connections: []string{"1"}})
	require.ErrorIs(t, err, load.ErrGenerator, "pin without a PIN source")
	_, err = load.NewGenerator(load.GeneratorConfig{Mix: only(t, "transactions: {purchase: 1}\n")})
	require.ErrorIs(t, err, load.ErrGenerator, "no connections")
	_, err = load.NewGenerator(load.GeneratorConfig{Mix: only(t, "transactions: {chip: 1}\n"), Connections: []string{"1"},
		Cards: []load.Card{{PAN: "6222020000000000125", Expiry: "2912", PSN: "01"}}})
	require.ErrorIs(t, err, load.ErrGenerator, "no card with an IMK")
	_, err = load.NewGenerator(load.GeneratorConfig{Mix: only(t, "transactions: {purchase: 1}\n"), Connections: []string{"1"},
		Cards: []load.Card{{PAN: "6222020000000000126", Expiry: "2912", PSN: "01"}}})
	require.ErrorIs(t, err, load.ErrCard, "Luhn")
	assert.NotContains(t, err.Error(), "6222020000000000126", "no PAN in errors")
}

func TestCardsFromAccounts(t *testing.T) {
	cards, err := load.LoadCards("../../testdata/issuer/accounts.yaml")
	require.NoError(t, err)
	a, err := issuer.LoadAccounts("../../testdata/issuer/accounts.yaml")
	require.NoError(t, err)
	active := 0
	for _, acc := range a.All() {
		if acc.Status == issuer.StatusActive && (acc.PAN == "" || acc.Expiry >= time.Now().Format("0601")) {
			active++
		}
	}
	assert.Len(t, cards, active, "active, unexpired accounts only")
	for _, c := range cards {
		if c.PAN != "" {
			require.NoError(t, pan.Valid([]byte(c.PAN)))
		}
	}
}
