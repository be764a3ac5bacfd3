package server

import (
	"bytes"
	"context"
	"crypto/des"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/logtest"
	"github.com/hulian/hulian/symmetric"
)

// tdes encrypts or decrypts one 8-byte block under a double-length key.
func tdes(t *testing.T, key, block []byte, decrypt bool) []byte {
	c, err := des.NewTripleDESCipher(append(append([]byte(nil), key...), key[:8]...))
	require.NoError(t, err)
	out := make([]byte, 8)
	if decrypt {
		c.Decrypt(out, block)
	} else {
		c.Encrypt(out, block)
	}
	return out
}

func TestPINTranslatedFromAcquirerToIssuer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mod := softModule(t, dir)
	acqKey := []byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	bankKey := []byte{0x13, 0x34, 0x57, 0x79, 0x9b, 0xbc, 0xdf, 0xf1, 0x1f, 0x2f, 0x3e, 0x4c, 0x5d, 0x6b, 0x7a, 0x89}
	for id, k := range map[string][]byte{acqA + "/zpk": acqKey, bankA + "/zpk": bankKey} {
		kcv := hsm.KCV(symmetric.TDES, k)
		_, err := mod.ImportComponents(ctx, hsm.KeyID(id), hsm.ZPK, symmetric.TDES, [][]byte{k}, []string{kcv, kcv})
		require.NoError(t, err)
	}

	var bank capturingIssuer
	text := configText([]string{bank.start(t)}, "127.0.0.1:1", "127.0.0.1:1", nil)
	cfg, err := config.Parse([]byte(text), dir, "pin.yaml")
	require.NoError(t, err)
	cfg.Institutions[0].PINFormat = "iso0" // the acquirer
	cfg.Institutions[2].PINFormat = "iso3" // bank A
	var logs logtest.Buffer
	jdir := t.TempDir()
	j, err := journal.Open(ctx, "sqlite:"+filepath.Join(jdir, "journal.db"),
		journal.Options{Node: "node-a", HashKey: []byte("test hash key 0123456789")})
	require.NoError(t, err)
	srv, err := New(cfg, Options{HSM: mod, Journal: j,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(ctx)
	waitFor(t, "bank A up", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	n := &network{t: t, srv: srv}
	a := n.acquirer(acqA)

	// The cardholder enters 1234 at the acquirer's terminal.
	clearBlock, err := hsm.EncodePINBlock(hsm.ISO0, []byte("1234"), []byte(panBankA), rand.Reader)
	require.NoError(t, err)
	req := purchase(panBankA)
	req.SetCopy(52, tdes(t, acqKey, clearBlock, false))
	req.SetString(53, "0100000000000000")
	code, _ := do(t, a, req)
	require.Equal(t, "00", code)

	// The issuer decrypts under its own key, in its own format: 1234.
	bank.mu.Lock()
	f52, f53 := bank.f52, bank.f53
	bank.mu.Unlock()
	require.Len(t, f52, 8)
	assert.Equal(t, "3100000000000000", string(f53), "field 53: ISO format 3, 3DES")
	pin, err := hsm.DecodePINBlock(hsm.ISO3, tdes(t, bankKey, f52, true), []byte(panBankA))
	require.NoError(t, err)
	assert.Equal(t, "1234", string(pin))
	assert.NotEqual(t, req.Field(52), f52, "the block was re-enciphered")

	// A PIN block that does not decipher to a valid format 0 block: 30.
	bad := purchase(panBankA)
	bad.SetCopy(52, tdes(t, acqKey, []byte{0x74, 0x12, 0x34, 0xff, 0xff, 0xff, 0xff, 0xff}, false))
	code, _ = do(t, a, bad)
	assert.Equal(t, "30", code)

	// No PAN, PIN block or PIN in any log line or in the journal's files.
	require.NoError(t, srv.Shutdown(ctx))
	require.NoError(t, j.Close())
	secrets := [][]byte{[]byte(panBankA), req.Field(52), f52, clearBlock,
		[]byte(hex.EncodeToString(req.Field(52))), []byte(hex.EncodeToString(f52)), []byte(strings.ToUpper(hex.EncodeToString(f52)))}
	var files []string // the database and its log directory
	require.NoError(t, filepath.WalkDir(jdir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return err
	}))
	require.NotEmpty(t, files)
	haystacks := map[string][]byte{"logs": []byte(logs.String())}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		haystacks[f] = b
	}
	require.NotEmpty(t, logs.String())
	for name, h := range haystacks {
		for _, secret := range secrets {
			assert.False(t, bytes.Contains(h, secret), "%s holds a PAN or PIN block", name)
		}
	}
}

// The whole path over mutual TLS: a cardholder's PIN entered at the
// acquirer's terminal reaches the issuer, through the switch's PIN
// translation, as the same PIN under the issuer's key.
func TestPINOverMutualTLS(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mod := softModule(t, dir)
	acqKey := []byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	bankKey := []byte{0x13, 0x34, 0x57, 0x79, 0x9b, 0xbc, 0xdf, 0xf1, 0x1f, 0x2f, 0x3e, 0x4c, 0x5d, 0x6b, 0x7a, 0x89}
	importClear(t, mod, acqA+"/zpk", hsm.ZPK, acqKey)
	importClear(t, mod, bankA+"/zpk", hsm.ZPK, bankKey)

	ca := newTestCA(t, "Hulian test CA")
	var bank capturingIssuer
	bankAddr := bank.startTLS(t, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{ca.keyPair(t, bankA)},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.pool()})
	swCert, swKey := ca.leaf(t, switchID)
	tlsBlock := fmt.Sprintf("{cert_file: %q, key_file: %q, ca_file: %q}", swCert, swKey, ca.caFile)
	text := fmt.Sprintf(`
switch: {id: "%s", shutdown_grace: 1s}
listeners:
  - {name: tls-in, address: "127.0.0.1:0", dialect: hl87a, header: true, tls: %s}
security: {key_store: keys.json}
institutions:
  - {id: "%s", role: acquirer, dialect: hl87a, header: true, pin_format: iso0, inbound: {listener: tls-in, allow: ["127.0.0.1"]}}
  - id: "%s"
    role: issuer
    dialect: hl87a
    header: true
    pin_format: iso1
    outbound: {addresses: ["%s"], connections: 1, reconnect_min: 20ms, reconnect_max: 100ms, tls: %s}
routes:
  - {name: bank-a, issuer: "%s", bins: ["622202"]}
`, switchID, tlsBlock, acqA, bankA, bankAddr, tlsBlock, bankA)
	cfg, err := config.Parse([]byte(text), dir, "tls-pin.yaml")
	require.NoError(t, err)
	srv, err := New(cfg, Options{HSM: mod, Logger: testLogger()})
	require.NoError(t, err)
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(ctx)
	waitFor(t, "bank A up over TLS", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })

	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: srv.ListenerAddr("tls-in").String(), InstitutionID: acqA,
		SwitchID: switchID, Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4, Header: true,
		TLS: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{ca.keyPair(t, acqA)},
			RootCAs: ca.pool(), ServerName: "127.0.0.1"}})
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SignOn(ctx))

	clearBlock, err := hsm.EncodePINBlock(hsm.ISO0, []byte("482915"), []byte(panBankA), rand.Reader)
	require.NoError(t, err)
	req := purchase(panBankA)
	req.SetCopy(52, tdes(t, acqKey, clearBlock, false))
	code, _ := do(t, c, req)
	require.Equal(t, "00", code)
	bank.mu.Lock()
	f52 := bank.f52
	bank.mu.Unlock()
	pin, err := hsm.DecodePINBlock(hsm.ISO1, tdes(t, bankKey, f52, true), []byte(panBankA))
	require.NoError(t, err)
	assert.Equal(t, "482915", string(pin), "the issuer verifies the PIN the cardholder entered")
}

// TestPINTranslatedToSM4Issuer: a 3DES ISO format 0 block from the acquirer
// reaches an issuer on SM4 keys as a 16-byte ISO 9564-1 format 4 block under
// SM4 (dialect hl87a-sm), field 53 saying so, and deciphers to the same PIN.
func TestPINTranslatedToSM4Issuer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mod := softModule(t, dir)
	acqKey := []byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	bankKey := []byte{0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0}
	importClear(t, mod, acqA+"/zpk", hsm.ZPK, acqKey)
	kcv := hsm.KCV(symmetric.SM4, bankKey)
	_, err := mod.ImportComponents(ctx, hsm.KeyID(bankA+"/zpk"), hsm.ZPK, symmetric.SM4, [][]byte{bankKey}, []string{kcv, kcv})
	require.NoError(t, err)

	bank := capturingIssuer{dialect: "hl87a-sm"}
	text := configText([]string{bank.start(t)}, "127.0.0.1:1", "127.0.0.1:1", nil)
	cfg, err := config.Parse([]byte(text), dir, "pin-sm4.yaml")
	require.NoError(t, err)
	cfg.Institutions[0].PINFormat = "iso0"
	cfg.Institutions[2].PINFormat = "iso4"
	cfg.Institutions[2].Dialect = "hl87a-sm"
	cfg.Security.KeyStore = "keys.json" // the module is passed in; validation wants one configured
	require.NoError(t, cfg.Validate())
	srv, err := New(cfg, Options{HSM: mod, Logger: testLogger()})
	require.NoError(t, err)
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(ctx)
	waitFor(t, "bank A up", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	a := (&network{t: t, srv: srv}).acquirer(acqA)

	clearBlock, err := hsm.EncodePINBlock(hsm.ISO0, []byte("7391"), []byte(panBankA), rand.Reader)
	require.NoError(t, err)
	req := purchase(panBankA)
	req.SetCopy(52, tdes(t, acqKey, clearBlock, false))
	code, _ := do(t, a, req)
	require.Equal(t, "00", code)

	bank.mu.Lock()
	f52, f53 := bank.f52, bank.f53
	bank.mu.Unlock()
	require.Len(t, f52, 16, "an SM4 block is 16 bytes")
	assert.Equal(t, "4400000000000000", string(f53), "field 53: ISO format 4, SM4")
	c, err := sm4.NewCipher(bankKey)
	require.NoError(t, err)
	pf, err := hsm.PANField4([]byte(panBankA))
	require.NoError(t, err)
	field, err := hsm.DecipherFormat4(c, f52, pf)
	require.NoError(t, err)
	pin, err := hsm.DecodePINBlock(hsm.ISO4, field, nil)
	require.NoError(t, err)
	assert.Equal(t, "7391", string(pin))
}
