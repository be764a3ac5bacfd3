package server

import (
	"context"
	"crypto/des"
	"crypto/rand"
	"encoding/hex"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/symmetric"
)

// softModule opens a software security module with a fresh LMK on a key
// store in dir, closed when the test ends.
func softModule(t *testing.T, dir string) *soft.Module {
	lmk := make([]byte, soft.LMKSize)
	_, _ = rand.Read(lmk)
	mod, err := soft.Open(filepath.Join(dir, "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = mod.Close() })
	return mod
}

// importClear puts a known clear key into the module (one component).
func importClear(t *testing.T, mod hsm.Module, id string, typ hsm.KeyType, key []byte) {
	kcv := hsm.KCV(symmetric.TDES, key)
	_, err := mod.ImportComponents(context.Background(), hsm.KeyID(id), typ, symmetric.TDES, [][]byte{key}, []string{kcv, kcv})
	require.NoError(t, err)
}

func TestOnlineKeyExchange(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mod := softModule(t, dir)
	zmk := []byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	importClear(t, mod, acqA+"/zmk", hsm.ZMK, zmk)
	_, err := mod.GenerateKey(ctx, hsm.KeyID(acqA+"/zak"), hsm.ZAK, symmetric.TDES, 16)
	require.NoError(t, err)

	is := startIssuer(t, bankA, "hl87a", true, frame.ASCII4, 0)
	cfg, err := config.Parse([]byte(configText([]string{is.Addr()}, "127.0.0.1:1", "127.0.0.1:1", nil)), dir, "k.yaml")
	require.NoError(t, err)
	cfg.Institutions[0].MAC = "x919"
	cfg.Security.KeyOverlap = config.Duration(time.Second)
	var clock atomic.Int64 // the switch's time, moved by the test
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	srv, err := New(cfg, Options{HSM: mod, Logger: testLogger(), Clock: now})
	require.NoError(t, err)
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(ctx)
	waitFor(t, "bank A up", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })

	conn, err := net.Dial("tcp", srv.ListenerAddr("a-in").String())
	require.NoError(t, err)
	defer conn.Close()
	codec, err := wire.NewCodec(mustDialect(t, "hl87a"), frame.ASCII4, true, acqA)
	require.NoError(t, err)
	p := &macPeer{t: t, conn: conn, codec: codec, r: frame.NewReader(conn, frame.ASCII4, 0), hsm: mod}
	network := func(code, stan, f48 string) string {
		var m dialect.Message
		_ = m.SetMTI([]byte("0800"))
		m.SetString(7, "1126120000")
		m.SetString(11, stan)
		m.SetString(33, acqA)
		m.SetString(70, code)
		if f48 != "" {
			m.SetString(48, f48)
		}
		p.send(&m, nil)
		resp, _ := p.read()
		return string(resp.Field(39))
	}
	purchaseWith := func(key hsm.KeyID, stan string) string {
		m := keyed(panBankA, stan)
		m.SetString(32, acqA)
		m.SetCopy(128, make([]byte, 8))
		p.send(m, func(msg []byte) {
			mac, err := mod.GenerateMAC(ctx, key, msg[:len(msg)-8])
			require.NoError(t, err)
			copy(msg[len(msg)-8:], mac)
		})
		resp, raw := p.read()
		if string(resp.Field(39)) == "00" {
			// The switch answers under the current key.
			cur := srv.snap.Load().insts[acqA].ring().zak.cur
			require.NoError(t, mod.VerifyMAC(ctx, cur, raw[:len(raw)-8], raw[len(raw)-8:]))
		}
		return string(resp.Field(39))
	}
	require.Equal(t, "00", network("001", "000001", ""))
	assert.Equal(t, "00", purchaseWith(hsm.KeyID(acqA+"/zak"), "000002"))

	// The acquirer sends a new MAC key under its zone master key.
	newKey := make([]byte, 16)
	_, _ = rand.Read(newKey)
	c, err := des.NewTripleDESCipher(append(append([]byte(nil), zmk...), zmk[:8]...))
	require.NoError(t, err)
	wrapped := make([]byte, 16)
	c.Encrypt(wrapped[:8], newKey[:8])
	c.Encrypt(wrapped[8:], newKey[8:])
	kcv := hsm.KCV(symmetric.TDES, newKey)

	// A wrong check value is refused and counted; nothing changes.
	assert.Equal(t, "63", network("101", "000003", "ZAK"+strings.ToUpper(hex.EncodeToString(wrapped))+"000000"))
	assert.Equal(t, 1.0, testutil.ToFloat64(srv.snap.Load().insts[acqA].m.KeyExchangeFailures))
	assert.Equal(t, "00", network("101", "000004", "ZAK"+strings.ToUpper(hex.EncodeToString(wrapped))+kcv))
	assert.Equal(t, hsm.KeyID(acqA+"/zak:2"), srv.snap.Load().insts[acqA].ring().zak.cur)

	// The new key works, and the old one still does during the overlap.
	assert.Equal(t, "00", purchaseWith(hsm.KeyID(acqA+"/zak:2"), "000005"))
	assert.Equal(t, "00", purchaseWith(hsm.KeyID(acqA+"/zak"), "000006"))
	assert.Equal(t, 3, is.Stats().Requests)

	// After the overlap (1 s) only the new key is accepted.
	clock.Add(int64(1100 * time.Millisecond))
	assert.Equal(t, "63", purchaseWith(hsm.KeyID(acqA+"/zak"), "000007"))
	assert.Equal(t, "00", purchaseWith(hsm.KeyID(acqA+"/zak:2"), "000008"))
}
