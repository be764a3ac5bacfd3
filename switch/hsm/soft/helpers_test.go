package soft_test

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// Public test keys.
const (
	// ISO 9797-1 / X9.19 examples and the SoftHSM2 reference KCV use this key.
	keyStd = "0123456789ABCDEFFEDCBA9876543210"
	// A triple-length TDES key (odd parity) and two more test keys.
	keyTriple = "0123456789ABCDEFFEDCBA9876543210F1E0D3C2B5A49786"
	keyTDES2  = "1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"
	keySM4b   = "00112233445566778899AABBCCDDEEFF"
	testPAN   = "4111111111111111"
)

func testLMK() []byte {
	k := make([]byte, soft.LMKSize)
	for i := range k {
		k[i] = byte(i + 1)
	}
	return k
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// newModule opens a module on a fresh store in a temporary directory.
func newModule(t testing.TB) (*soft.Module, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	m, err := soft.Open(path, testLMK())
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m, path
}

// importKey loads a known clear key as a single component.
func importKey(t testing.TB, m *soft.Module, id hsm.KeyID, kt hsm.KeyType, a symmetric.Algorithm, hexKey string) hsm.KeyInfo {
	t.Helper()
	k := unhex(t, hexKey)
	kcv := hsm.KCV(a, k)
	info, err := m.ImportComponents(context.Background(), id, kt, a, [][]byte{k}, []string{kcv, kcv})
	require.NoError(t, err)
	return info
}
