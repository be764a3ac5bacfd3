package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

const issuerAccounts = "../../testdata/issuer/accounts.yaml"

// issuerPeer is a raw hl87a connection to a `paysim issuer`.
type issuerPeer struct {
	nc    net.Conn
	r     *frame.Reader
	codec *wire.Codec
}

func dialIssuer(t *testing.T, addr string) *issuerPeer {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	d, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	c, err := wire.NewCodec(d, frame.ASCII4, false, "99990000")
	require.NoError(t, err)
	return &issuerPeer{nc: nc, r: frame.NewReader(nc, frame.ASCII4, 0), codec: c}
}

// ask sends a purchase of 1.00 with pan (and PIN block when not nil) and
// returns field 39, or "" when no answer came within wait.
func (p *issuerPeer) ask(t *testing.T, stan, pan string, pinBlock []byte, wait time.Duration) string {
	t.Helper()
	var m dialect.Message
	dialect.SampleFinancial(&m, stan)
	for _, f := range []int{14, 35, 52, 55, 128} {
		m.Unset(f)
	}
	m.SetString(2, pan)
	m.SetString(4, "000000000100")
	if pinBlock != nil {
		m.Set(52, pinBlock)
	}
	buf, err := p.codec.AppendFrame(nil, &m, "")
	require.NoError(t, err)
	_, err = p.nc.Write(buf)
	require.NoError(t, err)
	_ = p.nc.SetReadDeadline(time.Now().Add(wait))
	body, err := p.r.Next()
	if err != nil {
		return ""
	}
	var resp dialect.Message
	_, err = p.codec.Decode(body, &resp)
	require.NoError(t, err)
	return string(resp.Field(39))
}

func TestIssuerAccountsAndFaults(t *testing.T) {
	addr := background(t, "issuer", "--listen", "127.0.0.1:0", "--accounts", issuerAccounts, "--faults", "seed=1,drop-every=2")
	p := dialIssuer(t, addr)
	assert.Equal(t, "41", p.ask(t, "000001", "6222021000000039", nil, 5*time.Second), "lost card from the file")
	assert.Equal(t, "", p.ask(t, "000002", "6222021000000013", nil, 300*time.Millisecond), "every 2nd dropped")
	p = dialIssuer(t, addr) // the timed-out read spoilt the first connection's reader
	assert.Equal(t, "00", p.ask(t, "000003", "6222021000000013", nil, 5*time.Second))
}

// pinStore writes a key store holding the TDES ZPK 01020000/zpk (clear
// value returned for making PIN blocks) and returns its flags.
func pinStore(t *testing.T) ([]string, []byte) {
	t.Helper()
	dir := t.TempDir()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(7*i + 2)
	}
	lmkFile := filepath.Join(dir, "lmk.hex")
	require.NoError(t, os.WriteFile(lmkFile, []byte(hex.EncodeToString(lmk)+"\n"), 0o600))
	store := filepath.Join(dir, "keys.json")
	m, err := soft.Open(store, lmk)
	require.NoError(t, err)
	zpk := bytes.Repeat([]byte{0x5B, 0x3D}, 8)
	kcv := hsm.KCV(symmetric.TDES, zpk)
	_, err = m.ImportComponents(context.Background(), "01020000/zpk", hsm.ZPK, symmetric.TDES, [][]byte{zpk}, []string{kcv, kcv})
	require.NoError(t, err)
	require.NoError(t, m.Close())
	return []string{"--key-store", store, "--lmk-file", lmkFile}, zpk
}

func TestIssuerPINFlags(t *testing.T) {
	keys, zpk := pinStore(t)
	addr := background(t, append([]string{"issuer", "--listen", "127.0.0.1:0", "--accounts", issuerAccounts,
		"--pin-key", "01020000/zpk", "--pin-format", "iso0"}, keys...)...)
	p := dialIssuer(t, addr)
	block := func(pin string) []byte {
		clr, err := hsm.EncodePINBlock(hsm.ISO0, []byte(pin), []byte("6222021000000013"), nil)
		require.NoError(t, err)
		b, err := hsm.NewCipher(symmetric.TDES, zpk)
		require.NoError(t, err)
		out := make([]byte, 8)
		b.Encrypt(out, clr)
		return out
	}
	assert.Equal(t, "00", p.ask(t, "000001", "6222021000000013", block("1234"), 5*time.Second))
	assert.Equal(t, "55", p.ask(t, "000002", "6222021000000013", block("4321"), 5*time.Second))
}

func TestIssuerFlagErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("accounts:\n  - pan: \"123\"\n"), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--accounts", bad}, bad + ":2: pan"},
		{[]string{"--accounts", "/nonexistent/acc.yaml"}, "acc.yaml"},
		{[]string{"--faults", "drop-every"}, "--faults"},
		{[]string{"--faults", "nope=1"}, "unknown key"},
		{[]string{"--faults", "drop-rate=2"}, "fault"},
		{[]string{"--pin-key", "01020000/zpk"}, "--pin-key needs"},
		{[]string{"--accounts", issuerAccounts, "--pin-key", "x/zpk", "--key-store", "k", "--lmk-file", "l", "--pin-format", "iso9"}, "--pin-format"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"issuer", "--listen", "127.0.0.1:0"}, tc.args...), &out, &errOut)
		assert.Equal(t, 1, code, "%v", tc.args)
		assert.Contains(t, errOut.String(), tc.want, "%v", tc.args)
	}
}
