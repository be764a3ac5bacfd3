package issuer_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/simcard"
	"github.com/hulian/hulian/symmetric"
)

// chipCard is what a test needs to play the card of one account.
type chipCard struct {
	pan string
	psn byte
	alg symmetric.Algorithm
	imk string
	atc uint16
}

// terminalData is the CDOL1 data an acquirer terminal sends, by tag.
func terminalData(amount string) map[tlv.Tag][]byte {
	h := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	return map[tlv.Tag][]byte{
		0x9F02: h(amount), 0x9F03: h("000000000000"), 0x9F1A: h("0156"), 0x95: h("0000008000"),
		0x5F2A: h("0156"), 0x9A: h("260315"), 0x9C: h("00"), 0x9F37: h("1A2B3C4D"),
	}
}

// sessionKey derives the card's AC session key with emv/crypto.
func (c chipCard) sessionKey(t testing.TB, imk string) []byte {
	t.Helper()
	k, err := hex.DecodeString(imk)
	require.NoError(t, err)
	mk, err := crypto.DeriveCardKey(c.alg, k, []byte(c.pan), c.psn)
	require.NoError(t, err)
	sk, err := crypto.SessionKey(c.alg, mk, c.atc)
	require.NoError(t, err)
	return sk
}

// field55 returns the chip data of an online request: the terminal data,
// AIP, ATC, 9F10 (PBOC layout) and the ARQC over simcard.CryptogramInput, the
// card simulator's input (so the issuer is checked against the card side).
func (c chipCard) field55(t testing.TB, amount string) (raw, arqc []byte) {
	t.Helper()
	term := terminalData(amount)
	aip := []byte{0x7C, 0x00}
	algID := byte(0x01)
	if c.alg == symmetric.SM4 {
		algID = 0x04
	}
	iad := []byte{0x07, 0x01, 0x01, 0x03, 0xA0, 0x00, 0x00, algID}
	input := simcard.CryptogramInput(term, aip, c.atc, iad)
	var list []tlv.TLV
	for _, tag := range []tlv.Tag{0x9F02, 0x9F03, 0x9F1A, 0x95, 0x5F2A, 0x9A, 0x9C, 0x9F37} {
		list = append(list, tlv.New(tag, term[tag]))
	}
	assert.Equal(t, input[:len(input)-4], issuer.ARQCInput(append(list,
		tlv.New(0x82, aip), tlv.New(0x9F36, []byte{byte(c.atc >> 8), byte(c.atc)})))[:len(input)-4])
	arqc, err := crypto.ARQC(c.alg, c.sessionKey(t, c.imk), input)
	require.NoError(t, err)
	list = append(list,
		tlv.New(0x82, aip),
		tlv.New(0x9F36, []byte{byte(c.atc >> 8), byte(c.atc)}),
		tlv.New(0x9F10, iad),
		tlv.New(0x9F27, []byte{0x80}),
		tlv.New(0x9F26, arqc),
	)
	return tlv.Encode(list...), arqc
}

func TestARQCInputMatchesCard(t *testing.T) {
	c := chipCard{pan: panTDES, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 0x2A}
	raw, _ := c.field55(t, "000000000100")
	list, err := tlv.Parse(raw)
	require.NoError(t, err)
	iad, _ := tlv.Find(list, 0x9F10)
	want := simcard.CryptogramInput(terminalData("000000000100"), []byte{0x7C, 0x00}, 0x2A, iad.Value)
	assert.Equal(t, want, issuer.ARQCInput(list))
}

func TestARQCVerifiedAndARPC(t *testing.T) {
	tests := []struct {
		name    string
		card    chipCard
		dialect string
		amount  int64
		want    string
	}{
		{"tdes approved", chipCard{pan: panTDES, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 7}, "hl87a", 100, "00"},
		{"tdes declined keeps ARPC", chipCard{pan: panLow, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 8}, "hl87a", 999999, "51"},
		{"sm4 approved", chipCard{pan: panSM4, psn: 1, alg: symmetric.SM4, imk: imkSM4, atc: 0x0102}, "hl87b-sm", 100, "00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := startAccounts(t, accSetup{dialect: tc.dialect})
			m := p.request(tc.card.pan, tc.amount)
			raw, arqc := tc.card.field55(t, amountField(tc.amount))
			m.Set(55, raw)
			resp := p.do(t, m)
			require.Equal(t, tc.want, string(resp.Field(39)))
			list, err := tlv.Parse(resp.Field(55))
			require.NoError(t, err)
			auth, ok := tlv.Find(list, 0x91)
			require.True(t, ok, "issuer authentication data")
			require.Len(t, auth.Value, 10)
			assert.Equal(t, tc.want, string(auth.Value[8:]), "ARC = response code")
			sk := tc.card.sessionKey(t, tc.card.imk)
			require.NoError(t, crypto.VerifyARPC1(tc.card.alg, sk, arqc, auth.Value[8:], auth.Value[:8]), "ARPC recomputable")
			want, err := crypto.ARPC1(tc.card.alg, sk, arqc, []byte(tc.want))
			require.NoError(t, err)
			assert.Equal(t, want, auth.Value[:8])
			_, scripts := tlv.Find(list, 0x72)
			assert.False(t, scripts, "no pending script")
		})
	}
}

func TestWrongARQCDeclined(t *testing.T) {
	for _, c := range []chipCard{
		{pan: panTDES, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 9},
		{pan: panSM4, psn: 1, alg: symmetric.SM4, imk: imkSM4, atc: 9},
	} {
		t.Run(c.alg.String(), func(t *testing.T) {
			p := startAccounts(t, accSetup{dialect: "hl87a-sm"})
			before := balance(t, p, c.pan)
			wrongKey := c
			wrongKey.imk = "FFEEDDCCBBAA99887766554433221100"
			for name, edit := range map[string]func() []byte{
				"wrong key": func() []byte { raw, _ := wrongKey.field55(t, "000000000100"); return raw },
				"amount changed": func() []byte {
					raw, _ := c.field55(t, "000000000100")
					list, err := tlv.Parse(raw)
					require.NoError(t, err)
					for i := range list {
						if list[i].Tag == 0x9F02 {
							list[i].Value = []byte{0, 0, 0, 0, 0x09, 0x99}
						}
					}
					return tlv.Encode(list...)
				},
				"wrong psn": func() []byte { x := c; x.psn = 2; raw, _ := x.field55(t, "000000000100"); return raw },
			} {
				m := p.request(c.pan, 100)
				m.Set(55, edit())
				resp := p.do(t, m)
				assert.Equal(t, "05", string(resp.Field(39)), name)
				assert.False(t, resp.Has(55), "no ARPC for a wrong cryptogram: %s", name)
			}
			assert.Equal(t, before, balance(t, p, c.pan), "nothing debited")

			for name, raw := range map[string][]byte{
				"not tlv":    {0x9F, 0x26, 0x08, 0x01},
				"no ARQC":    {0x9F, 0x36, 0x02, 0x00, 0x01},
				"short ARQC": {0x9F, 0x26, 0x02, 0x00, 0x01, 0x9F, 0x36, 0x02, 0x00, 0x01},
			} {
				m := p.request(c.pan, 100)
				m.Set(55, raw)
				assert.Equal(t, "30", string(p.do(t, m).Field(39)), name)
			}
		})
	}
}

func TestECLoadScript(t *testing.T) {
	for _, tc := range []struct {
		card    chipCard
		balance string
	}{
		{chipCard{pan: panECLoad, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 0x11}, "000000050000"},
		{chipCard{pan: panSM4ECLoad, psn: 2, alg: symmetric.SM4, imk: imkSM4, atc: 0x12}, "000000100000"},
	} {
		t.Run(tc.card.alg.String(), func(t *testing.T) {
			p := startAccounts(t, accSetup{dialect: "hl87a-sm"})
			m := p.request(tc.card.pan, 100)
			raw, arqc := tc.card.field55(t, "000000000100")
			m.Set(55, raw)
			resp := p.do(t, m)
			require.Equal(t, "00", string(resp.Field(39)))
			list, err := tlv.Parse(resp.Field(55))
			require.NoError(t, err)
			tmpl, ok := tlv.Find(list, 0x72)
			require.True(t, ok, "script template 72")
			_, ok = tlv.Find(tmpl.Children, 0x9F18)
			assert.True(t, ok, "script identifier")
			cmd, ok := tlv.Find(tmpl.Children, 0x86)
			require.True(t, ok)
			require.Len(t, cmd.Value, 5+6+4)
			assert.Equal(t, "04da9f790a", hex.EncodeToString(cmd.Value[:5]), "PUT DATA 9F79")
			assert.Equal(t, tc.balance, hex.EncodeToString(cmd.Value[5:11]))
			macData, err := crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, tc.card.atc, arqc, cmd.Value[5:11])
			require.NoError(t, err)
			sk := tc.card.sessionKey(t, tc.card.imk) // imk_mac absent: the AC key
			require.NoError(t, crypto.VerifyScriptMAC(tc.card.alg, sk, macData, cmd.Value[11:]))

			// Sent once.
			tc.card.atc++
			m = p.request(tc.card.pan, 100)
			raw, _ = tc.card.field55(t, "000000000100")
			m.Set(55, raw)
			resp = p.do(t, m)
			require.Equal(t, "00", string(resp.Field(39)))
			list, err = tlv.Parse(resp.Field(55))
			require.NoError(t, err)
			_, ok = tlv.Find(list, 0x72)
			assert.False(t, ok, "the load is sent once")
			a, _ := p.is.Accounts().Lookup(tc.card.pan)
			assert.Zero(t, a.ECLoad)
		})
	}
}

// FuzzField55 sends arbitrary chip data through the whole authorization:
// it never panics, and a field 55 the issuer answers with 91 must hold a
// correct ARPC (only possible with the right ARQC).
func FuzzField55(f *testing.F) {
	c := chipCard{pan: panTDES, psn: 1, alg: symmetric.TDES, imk: imkTDES, atc: 3}
	good, _ := c.field55(f, "000000000100")
	f.Add(good)
	f.Add([]byte{0x9F, 0x26, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x9F, 0x36, 0x02, 0, 1})
	f.Add([]byte{0x72, 0x03, 0x86, 0x01, 0x00})
	f.Add([]byte{0xFF, 0x00})
	acc, err := issuer.NewAccounts([]issuer.Account{{PAN: panTDES, Expiry: "3012", PSN: "01", Balance: 1 << 40, IMK: imkTDES}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, raw []byte) {
		resp := issuer.AuthorizeForTest(acc, testNow, func(m *dialect.Message) {
			dialect.SampleFinancial(m, "000001")
			m.Unset(52)
			m.Unset(35)
			m.Unset(14)
			m.SetString(2, panTDES)
			m.SetString(4, "000000000100")
			m.Set(55, raw)
		})
		switch resp.Code {
		case "00", "05", "30":
		default:
			t.Fatalf("unexpected code %s", resp.Code)
		}
		if resp.ICC == nil {
			return
		}
		list, err := tlv.Parse(resp.ICC)
		require.NoError(t, err)
		auth, ok := tlv.Find(list, 0x91)
		require.True(t, ok)
		reqList, err := tlv.ParseWith(raw, tlv.Options{RejectDuplicates: true})
		require.NoError(t, err)
		arqc, _ := tlv.Find(reqList, 0x9F26)
		atc, _ := tlv.Find(reqList, 0x9F36)
		x := c
		x.atc = uint16(atc.Value[0])<<8 | uint16(atc.Value[1])
		require.NoError(t, crypto.VerifyARPC1(x.alg, x.sessionKey(t, imkTDES), arqc.Value, auth.Value[8:], auth.Value[:8]))
	})
}
