package pkcs11_test

import (
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/pkcs11"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

const (
	softhsmLib = "/usr/lib/softhsm/libsofthsm2.so"
	tokenLabel = "hulian-test"
	userPIN    = "1234"

	keyStd    = "0123456789ABCDEFFEDCBA9876543210" // KCV 08D7B4
	keyTriple = "0123456789ABCDEFFEDCBA9876543210F1E0D3C2B5A49786"
	keyB      = "1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"
	keyZMK    = "8A8A8A8A8A8A8A8A4C4C4C4C4C4C4C4C"
	testPAN   = "4111111111111111"
)

// token is a private SoftHSM2 token initialised for one test.
type token struct {
	opts pkcs11.Options
}

// newToken writes a private SoftHSM2 configuration, points SOFTHSM2_CONF at
// it and initialises a token labelled hulian-test. It skips when SoftHSM2 is
// missing, unless CI=true.
func newToken(t testing.TB) *token {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	_, statErr := os.Stat(softhsmLib)
	if err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("SoftHSM2 is required on CI (apt-get install softhsm2)")
		}
		t.Skip("SoftHSM2 not installed")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	require.NoError(t, os.Mkdir(tokens, 0o700))
	conf := filepath.Join(dir, "softhsm2.conf")
	require.NoError(t, os.WriteFile(conf, []byte("directories.tokendir = "+tokens+
		"\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"), 0o600))
	t.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command(util, "--init-token", "--free", "--label", tokenLabel,
		"--pin", userPIN, "--so-pin", "5678").CombinedOutput()
	require.NoError(t, err, string(out))
	return &token{opts: pkcs11.Options{Module: softhsmLib, TokenLabel: tokenLabel, PIN: userPIN}}
}

// open opens the token's module, closed at cleanup.
func (tk *token) open(t testing.TB) *pkcs11.Module {
	t.Helper()
	m, err := pkcs11.Open(tk.opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// newSoft opens a software module on a fresh store.
func newSoft(t testing.TB) *soft.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(i + 7)
	}
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// importBoth imports the same clear key, as two components, into every module.
func importBoth(t testing.TB, id hsm.KeyID, kt hsm.KeyType, hexKey string, mods ...hsm.Module) hsm.KeyInfo {
	t.Helper()
	k := unhex(t, hexKey)
	c1 := make([]byte, len(k))
	for i := range c1 {
		c1[i] = byte(0x5A + i*17)
	}
	c2 := make([]byte, len(k))
	for i := range c2 {
		c2[i] = k[i] ^ c1[i]
	}
	kcvs := []string{hsm.KCV(symmetric.TDES, c1), hsm.KCV(symmetric.TDES, c2), hsm.KCV(symmetric.TDES, k)}
	var info hsm.KeyInfo
	for _, m := range mods {
		got, err := m.ImportComponents(context.Background(), id, kt, symmetric.TDES, [][]byte{c1, c2}, kcvs)
		require.NoError(t, err, m.Name())
		require.Equal(t, kcvs[2], got.KCV, m.Name())
		info = got
	}
	return info
}
