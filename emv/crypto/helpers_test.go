package crypto_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/symmetric"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// kcv2 returns the 2-byte check value pyemv's key_check_digits prints: the
// first bytes of the key enciphering a zero block.
func kcv2(t *testing.T, key []byte) string {
	t.Helper()
	b, err := symmetric.NewTDES(key)
	require.NoError(t, err)
	var z [8]byte
	b.Encrypt(z[:], z[:])
	return strings.ToUpper(hex.EncodeToString(z[:2]))
}

// TestErrors: the card cryptography reports lengths with symmetric's
// sentinels and a wrong cryptogram with ErrMismatch.
func TestErrors(t *testing.T) {
	_, err := crypto.DeriveCardKey(symmetric.TDES, make([]byte, 16), []byte("12345A"), 0)
	assert.ErrorIs(t, err, symmetric.ErrDataLength)
	_, err = crypto.ARPC1(symmetric.TDES, make([]byte, 16), make([]byte, 7), make([]byte, 2))
	assert.ErrorIs(t, err, symmetric.ErrDataLength)
	assert.ErrorIs(t, crypto.VerifyAC(symmetric.TDES, make([]byte, 16), nil, make([]byte, 8)), crypto.ErrMismatch)
}
