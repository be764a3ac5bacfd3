package server

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/symmetric"
)

// macPeer is an acquirer written against the wire codec, so that the test
// computes and checks MACs itself with the acquirer's key.
type macPeer struct {
	t     *testing.T
	conn  net.Conn
	codec *wire.Codec
	r     *frame.Reader
	hsm   hsm.Module
}

func (p *macPeer) send(m *dialect.Message, mac func(msg []byte)) {
	out, err := p.codec.AppendFrame(nil, m, switchID)
	require.NoError(p.t, err)
	if mac != nil {
		mac(out[p.codec.MessageOffset():])
	}
	_, err = p.conn.Write(out)
	require.NoError(p.t, err)
}

// sign fills the last 8 bytes of msg with the acquirer's MAC.
func (p *macPeer) sign(msg []byte) {
	mac, err := p.hsm.GenerateMAC(context.Background(), hsm.KeyID(acqA+"/zak"), msg[:len(msg)-8])
	require.NoError(p.t, err)
	copy(msg[len(msg)-8:], mac)
}

// read returns the next message and its raw bytes.
func (p *macPeer) read() (*dialect.Message, []byte) {
	require.NoError(p.t, p.conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	body, err := p.r.Next()
	require.NoError(p.t, err)
	var m dialect.Message
	_, err = p.codec.Decode(body, &m)
	require.NoError(p.t, err)
	raw := append([]byte(nil), body[p.codec.MessageOffset()-frame.ASCII4.PrefixLen():]...)
	var own dialect.Message
	own.CopyFrom(&m)
	return &own, raw
}

// macSetup starts a switch whose hl87a acquirer authenticates its messages
// with X9.19 in field macField, signs that acquirer on and returns it.
func macSetup(t *testing.T, macField int) (*macPeer, *issuer.Issuer, *Server, hsm.Module) {
	dir := t.TempDir()
	mod := softModule(t, dir)
	_, err := mod.GenerateKey(context.Background(), hsm.KeyID(acqA+"/zak"), hsm.ZAK, symmetric.TDES, 16)
	require.NoError(t, err)

	is := startIssuer(t, bankA, "hl87a", true, frame.ASCII4, 0)
	text := configText([]string{is.Addr()}, "127.0.0.1:1", "127.0.0.1:1", nil)
	cfg, err := config.Parse([]byte(text), dir, "mac.yaml")
	require.NoError(t, err)
	cfg.Institutions[0].MAC = "x919" // the hl87a acquirer authenticates its messages
	cfg.Institutions[0].MACField = macField
	srv, err := New(cfg, Options{HSM: mod, Logger: testLogger()})
	require.NoError(t, err)
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	waitFor(t, "bank A up", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })

	conn, err := net.Dial("tcp", srv.ListenerAddr("a-in").String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	codec, err := wire.NewCodec(mustDialect(t, "hl87a"), frame.ASCII4, true, acqA)
	require.NoError(t, err)
	p := &macPeer{t: t, conn: conn, codec: codec, r: frame.NewReader(conn, frame.ASCII4, 0), hsm: mod}

	// Sign-on carries no MAC.
	var on dialect.Message
	_ = on.SetMTI([]byte("0800"))
	on.SetString(7, "1126120000")
	on.SetString(11, "000001")
	on.SetString(33, acqA)
	on.SetString(70, "001")
	p.send(&on, nil)
	resp, _ := p.read()
	require.Equal(t, "00", string(resp.Field(39)))

	return p, is, srv, mod
}

func TestAcquirerMAC(t *testing.T) {
	p, is, srv, mod := macSetup(t, 128)
	purchase := func(stan string) *dialect.Message {
		m := keyed(panBankA, stan)
		m.SetString(32, acqA)
		m.SetCopy(128, make([]byte, 8))
		return m
	}

	// A good MAC: approved, and the response carries the switch's MAC
	// under the acquirer's key.
	p.send(purchase("000002"), p.sign)
	resp, raw := p.read()
	assert.Equal(t, "00", string(resp.Field(39)))
	require.True(t, resp.Has(128))
	require.NoError(t, mod.VerifyMAC(context.Background(), hsm.KeyID(acqA+"/zak"), raw[:len(raw)-8], raw[len(raw)-8:]))
	assert.Equal(t, 1, is.Stats().Requests)

	// A wrong MAC: 63, nothing forwarded, counted.
	p.send(purchase("000003"), func(msg []byte) { p.sign(msg); msg[len(msg)-1] ^= 0xff })
	resp, _ = p.read()
	assert.Equal(t, "63", string(resp.Field(39)))
	// No MAC at all: 63 too.
	noMAC := purchase("000004")
	noMAC.Unset(128)
	p.send(noMAC, nil)
	resp, _ = p.read()
	assert.Equal(t, "63", string(resp.Field(39)))
	assert.Equal(t, 1, is.Stats().Requests, "refused requests never reach the issuer")
	acq := srv.snap.Load().insts[acqA]
	assert.Equal(t, 2.0, testutil.ToFloat64(acq.m.MACFailures))
}

// TestAcquirerMACField64: an institution with mac_field 64 authenticates
// messages without secondary fields in field 64, both ways.
func TestAcquirerMACField64(t *testing.T) {
	p, is, _, mod := macSetup(t, 64)
	m := keyed(panBankA, "000002")
	m.SetString(32, acqA)
	m.SetCopy(64, make([]byte, 8))
	p.send(m, p.sign)
	resp, raw := p.read()
	assert.Equal(t, "00", string(resp.Field(39)))
	require.True(t, resp.Has(64), "the response MAC travels in 64")
	assert.False(t, resp.Has(128))
	require.NoError(t, mod.VerifyMAC(context.Background(), hsm.KeyID(acqA+"/zak"), raw[:len(raw)-8], raw[len(raw)-8:]))

	// The MAC in 128 where 64 is due: missing, so 63.
	wrong := keyed(panBankA, "000003")
	wrong.SetString(32, acqA)
	wrong.SetCopy(128, make([]byte, 8))
	p.send(wrong, p.sign)
	resp, _ = p.read()
	assert.Equal(t, "63", string(resp.Field(39)))
	assert.Equal(t, 1, is.Stats().Requests)
}
