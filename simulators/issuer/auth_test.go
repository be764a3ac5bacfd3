package issuer_test

import (
	"context"
	"crypto/rand"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// Test cards of testdata/issuer/accounts.yaml.
const (
	panTDES      = "6222021000000013" // active, 3DES, PIN 1234, 100,000.00
	panECLoad    = "6222021000000021" // 3DES, PIN 4321, pending EC load 500.00
	panLost      = "6222021000000039"
	panStolen    = "6222021000000047"
	panRestrict  = "6222021000000054"
	panExpired   = "6222021000000062" // 2401
	panLow       = "6222021000000070" // 15.00
	panLimited   = "6222021000000088" // limit 2,000.00, permit 00 31
	panBlocked   = "6217001000000012"
	panSM4       = "6228481000000013" // SM4, PIN 6543
	panSM4ECLoad = "6228481000000021" // SM4, PSN 02, EC load 1,000.00
	imkTDES      = "0123456789ABCDEFFEDCBA9876543210"
	imkSM4       = "00112233445566778899AABBCCDDEEFF"
)

// testNow is the injected clock: 15 March 2026.
func testNow() time.Time { return time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC) }

// zpkClear is the TEST zone PIN key of each algorithm, imported into the
// module by components so that tests can make real PIN blocks.
func zpkClear(a symmetric.Algorithm) []byte {
	k := []byte("\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10")
	if a == symmetric.SM4 {
		k = []byte("\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x00")
	}
	return k
}

// pinModule returns a software module holding "01020000/zpk" of algorithm a.
func pinModule(t testing.TB, a symmetric.Algorithm) hsm.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(3 * i)
	}
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	k := zpkClear(a)
	kcv := hsm.KCV(a, k)
	_, err = m.ImportComponents(context.Background(), simtest.IssuerID+"/zpk", hsm.ZPK, a, [][]byte{k}, []string{kcv, kcv})
	require.NoError(t, err)
	return m
}

// pinBlock makes the enciphered PIN block of pin for pan in format f under
// the test ZPK, with switch/hsm's encoders.
func pinBlock(t testing.TB, f hsm.PINFormat, pin, pan string) []byte {
	t.Helper()
	alg := symmetric.TDES
	if f == hsm.ISO4 {
		alg = symmetric.SM4
	}
	b, err := hsm.NewCipher(alg, zpkClear(alg))
	require.NoError(t, err)
	if f != hsm.ISO4 {
		clr, err := hsm.EncodePINBlock(f, []byte(pin), []byte(pan), rand.Reader)
		require.NoError(t, err)
		out := make([]byte, 8)
		b.Encrypt(out, clr)
		return out
	}
	field, err := hsm.EncodePINBlock(hsm.ISO4, []byte(pin), nil, rand.Reader)
	require.NoError(t, err)
	pf, err := hsm.PANField4([]byte(pan))
	require.NoError(t, err)
	out, err := hsm.EncipherFormat4(b, field, pf)
	require.NoError(t, err)
	return out
}

// accSetup describes an issuer under test in the accounts mode.
type accSetup struct {
	dialect string        // default hl87a
	format  hsm.PINFormat // PIN block format (with pin)
	pin     bool          // verify PINs
	faults  issuer.Faults // fault injection
	mac     *issuer.MAC   // MAC in field 128
	edit    func(*issuer.Config)
}

// accPeer is a raw connection to an issuer in the accounts mode.
type accPeer struct {
	is    *issuer.Issuer
	nc    net.Conn
	r     *frame.Reader
	codec *wire.Codec
	stan  int
}

func startAccounts(t *testing.T, s accSetup) *accPeer {
	t.Helper()
	if s.dialect == "" {
		s.dialect = "hl87a"
	}
	acc, err := issuer.LoadAccounts(accountsFile)
	require.NoError(t, err)
	d := simtest.Dialect(t, s.dialect)
	cfg := issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID, Dialect: d, Framing: frame.ASCII4,
		Accounts: acc, Now: testNow, Faults: s.faults, MAC: s.mac,
	}
	if s.pin {
		alg := symmetric.TDES
		if s.format == hsm.ISO4 {
			alg = symmetric.SM4
		}
		cfg.PIN = &issuer.PIN{Module: pinModule(t, alg), ZPK: simtest.IssuerID + "/zpk", Format: s.format}
	}
	if s.edit != nil {
		s.edit(&cfg)
	}
	is, err := issuer.New(cfg)
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })
	nc, err := net.Dial("tcp", is.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(simtest.Wait))
	codec, err := wire.NewCodec(d, frame.ASCII4, false, simtest.AcquirerID)
	require.NoError(t, err)
	return &accPeer{is: is, nc: nc, r: frame.NewReader(nc, frame.ASCII4, 0), codec: codec}
}

// request returns a 0200 purchase of amount (minor units) with card p and a
// fresh STAN; the sample's PIN block, MAC and chip data are removed.
func (p *accPeer) request(pan string, amount int64) *dialect.Message {
	p.stan++
	m := new(dialect.Message)
	dialect.SampleFinancial(m, string(wire.AppendSTAN(nil, uint32(p.stan))))
	for _, f := range []int{14, 35, 52, 55, 128} {
		m.Unset(f)
	}
	if pan == "" {
		m.Unset(2)
	} else {
		m.SetString(2, pan)
	}
	m.SetString(4, amountField(amount))
	return m
}

func amountField(v int64) string {
	b := []byte("000000000000")
	for i := len(b) - 1; i >= 0 && v > 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

// do sends m and returns the answer.
func (p *accPeer) do(t *testing.T, m *dialect.Message) *dialect.Message {
	t.Helper()
	p.send(t, m)
	return p.recv(t)
}

func (p *accPeer) send(t *testing.T, m *dialect.Message) {
	t.Helper()
	buf, err := p.codec.AppendFrame(nil, m, "")
	require.NoError(t, err)
	_, err = p.nc.Write(buf)
	require.NoError(t, err)
}

func (p *accPeer) recv(t *testing.T) *dialect.Message {
	t.Helper()
	body, err := p.r.Next()
	require.NoError(t, err)
	var resp dialect.Message
	_, err = p.codec.Decode(body, &resp)
	require.NoError(t, err)
	return &resp
}

func balance(t *testing.T, p *accPeer, pan string) int64 {
	t.Helper()
	a, ok := p.is.Accounts().Lookup(pan)
	require.True(t, ok)
	return a.Balance
}

func TestAccountsResponseCodes(t *testing.T) {
	tests := []struct {
		name string
		pan  string
		amt  int64
		edit func(m *dialect.Message)
		want string
	}{
		{"approved", panTDES, 12345, nil, "00"},
		{"approved by track 2", panTDES, 100, func(m *dialect.Message) {
			m.Unset(2)
			m.SetString(35, panTDES+"=3012101123456")
		}, "00"},
		{"account-based", "", 100, func(m *dialect.Message) { m.SetString(102, "A-0102-0001") }, "00"},
		{"account-based restricted", "", 100, func(m *dialect.Message) { m.SetString(102, "B-0308-0001") }, "05"},
		{"unknown account", "", 100, func(m *dialect.Message) { m.SetString(102, "NOPE") }, "14"},
		{"no card no account", "", 100, nil, "14"},
		{"restricted", panRestrict, 100, nil, "05"},
		{"blocked", panBlocked, 100, nil, "05"},
		{"lost", panLost, 100, nil, "41"},
		{"stolen", panStolen, 100, nil, "43"},
		{"luhn", "6222021000000014", 100, nil, "14"},
		{"unknown card", "6222021000000096", 100, nil, "14"},
		{"insufficient funds", panLow, 1501, nil, "51"},
		{"low balance enough", panLow, 1500, nil, "00"},
		{"account-based insufficient", "", 101, func(m *dialect.Message) { m.SetString(102, "A-0102-0002") }, "51"},
		{"expired card", panExpired, 100, nil, "54"},
		{"field 14 wrong", panTDES, 100, func(m *dialect.Message) { m.SetString(14, "2912") }, "54"},
		{"field 14 right", panTDES, 100, func(m *dialect.Message) { m.SetString(14, "3012") }, "00"},
		{"not permitted", panLimited, 100, func(m *dialect.Message) { m.SetString(3, "010000") }, "57"},
		{"over limit", panLimited, 200001, nil, "61"},
		{"at limit", panLimited, 200000, nil, "00"},
		{"refund", panLow, 100, func(m *dialect.Message) { m.SetString(3, "200000") }, "00"},
		{"advice", panLost, 100, func(m *dialect.Message) { _ = m.SetMTI([]byte("0220")) }, "00"},
		{"other class", panTDES, 100, func(m *dialect.Message) { _ = m.SetMTI([]byte("0500")) }, "12"},
		{"unmatched reversal", panTDES, 100, func(m *dialect.Message) { _ = m.SetMTI([]byte("0400")) }, "25"},
	}
	p := startAccounts(t, accSetup{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := p.request(tc.pan, tc.amt)
			if tc.edit != nil {
				tc.edit(m)
			}
			resp := p.do(t, m)
			assert.Equal(t, tc.want, string(resp.Field(39)))
			assert.Equal(t, tc.want == "00" && m.MTI()[2] == '0' && m.MTI()[1] != '4' && m.MTI()[1] != '5', resp.Has(38), "38 only on approval")
		})
	}
}

func TestAccountsDebitAndInquiry(t *testing.T) {
	p := startAccounts(t, accSetup{})
	before := balance(t, p, panTDES)
	resp := p.do(t, p.request(panTDES, 2500))
	require.Equal(t, "00", string(resp.Field(39)))
	assert.Equal(t, before-2500, balance(t, p, panTDES))
	assert.Len(t, resp.Field(38), 6)

	m := p.request(panTDES, 0)
	m.SetString(3, "310000")
	resp = p.do(t, m)
	require.Equal(t, "00", string(resp.Field(39)))
	assert.Equal(t, "1002156C"+amountField(before-2500), string(resp.Field(54)))
	assert.Equal(t, before-2500, balance(t, p, panTDES), "inquiry moves nothing")

	// A repeat (0201) of an answered request is not debited twice.
	dup := p.request(panTDES, 700)
	require.Equal(t, "00", string(p.do(t, dup).Field(39)))
	_ = dup.SetMTI([]byte("0201"))
	require.Equal(t, "00", string(p.do(t, dup).Field(39)))
	assert.Equal(t, before-3200, balance(t, p, panTDES))
}

func TestAccountsReversalRestoresOnce(t *testing.T) {
	p := startAccounts(t, accSetup{})
	before := balance(t, p, panTDES)
	orig := p.request(panTDES, 4000)
	require.Equal(t, "00", string(p.do(t, orig).Field(39)))
	require.Equal(t, before-4000, balance(t, p, panTDES))

	byF90 := p.request(panTDES, 4000)
	_ = byF90.SetMTI([]byte("0400"))
	byF90.SetString(90, "0200"+string(orig.Field(11))+string(orig.Field(7))+"00001020000"+"00001020001")
	byF90.SetString(37, "XXXXXXXXXXXX")
	for i, mti := range []string{"0400", "0401", "0420"} {
		_ = byF90.SetMTI([]byte(mti))
		resp := p.do(t, byF90)
		assert.Equal(t, "00", string(resp.Field(39)), "attempt %d", i)
		assert.Equal(t, before, balance(t, p, panTDES), "restored exactly once (attempt %d)", i)
	}

	// Matched by 37 + 41 when field 90 is absent.
	orig2 := p.request(panTDES, 300)
	require.Equal(t, "00", string(p.do(t, orig2).Field(39)))
	rev := p.request(panTDES, 300)
	_ = rev.SetMTI([]byte("0420"))
	rev.Set(37, orig2.Field(37))
	assert.Equal(t, "00", string(p.do(t, rev).Field(39)))
	assert.Equal(t, "00", string(p.do(t, rev).Field(39)))
	assert.Equal(t, before, balance(t, p, panTDES))

	// A declined original is acknowledged without credit.
	low := balance(t, p, panLow)
	d := p.request(panLow, low+1)
	require.Equal(t, "51", string(p.do(t, d).Field(39)))
	rev = p.request(panLow, low+1)
	_ = rev.SetMTI([]byte("0400"))
	rev.Set(37, d.Field(37))
	assert.Equal(t, "00", string(p.do(t, rev).Field(39)))
	assert.Equal(t, low, balance(t, p, panLow))
}

func TestAccountsPIN(t *testing.T) {
	tests := []struct {
		name    string
		dialect string
		format  hsm.PINFormat
		pan     string
		pin     string
	}{
		{"tdes iso0", "hl87a", hsm.ISO0, panTDES, "1234"},
		{"tdes iso1", "hl87b", hsm.ISO1, panTDES, "1234"},
		{"tdes iso3", "hl87a", hsm.ISO3, panTDES, "1234"},
		{"sm4 iso4", "hl87a-sm", hsm.ISO4, panSM4, "6543"},
		{"sm4 iso4 packed", "hl87b-sm", hsm.ISO4, panSM4, "6543"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := startAccounts(t, accSetup{dialect: tc.dialect, format: tc.format, pin: true})
			try := func(pin string) string {
				m := p.request(tc.pan, 100)
				m.Set(52, pinBlock(t, tc.format, pin, tc.pan))
				return string(p.do(t, m).Field(39))
			}
			assert.Equal(t, "00", try(tc.pin))
			assert.Equal(t, "55", try("0000"))
			assert.Equal(t, "00", try(tc.pin), "a right PIN resets the counter")
			assert.Equal(t, "55", try("0000"))
			assert.Equal(t, "55", try("99999"))
			assert.Equal(t, "75", try("1111"), "third wrong PIN")
			assert.Equal(t, "75", try("1111"))
			assert.Equal(t, "00", try(tc.pin), "reset on a right one")
			assert.Equal(t, "55", try("0000"))

			m := p.request(tc.pan, 100)
			m.Set(52, make([]byte, len(pinBlock(t, tc.format, "1234", tc.pan))))
			assert.Equal(t, "55", string(p.do(t, m).Field(39)), "garbage block is a wrong PIN")
		})
	}
}

func TestAccountsPINKeyRemovedOnClose(t *testing.T) {
	mod := pinModule(t, symmetric.TDES)
	acc, err := issuer.LoadAccounts(accountsFile)
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID, Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4,
		Accounts: acc, PIN: &issuer.PIN{Module: mod, ZPK: simtest.IssuerID + "/zpk", Format: hsm.ISO0},
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	keys, err := mod.Keys(context.Background())
	require.NoError(t, err)
	assert.Len(t, keys, 2, "zpk + local verification key")
	require.NoError(t, is.Close())
	keys, err = mod.Keys(context.Background())
	require.NoError(t, err)
	assert.Len(t, keys, 1)

	for _, bad := range []issuer.PIN{
		{Module: mod, ZPK: "nope/zpk", Format: hsm.ISO0},
		{Module: mod, ZPK: simtest.IssuerID + "/zpk", Format: hsm.ISO4},
		{ZPK: simtest.IssuerID + "/zpk", Format: hsm.ISO0},
	} {
		is, err := issuer.New(issuer.Config{
			Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID, Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4,
			Accounts: acc, PIN: &bad,
		})
		require.NoError(t, err)
		require.ErrorIs(t, is.Start(context.Background()), issuer.ErrPINSetup)
	}
}
