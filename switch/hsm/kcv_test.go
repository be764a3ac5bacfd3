package hsm_test

import (
	"encoding/hex"
	"testing"

	"github.com/emmansun/gmsm/sm4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestKCV checks key check values.
// TDES vector: key 0123456789ABCDEFFEDCBA9876543210 -> 08D7B4, as measured with
// SoftHSM2 (CKM_DES3_ECB over eight zero bytes); the value is the
// standard KCV of this well-known test key (ECB of eight zero bytes).
func TestKCV(t *testing.T) {
	sm4Key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	c, err := sm4.NewCipher(sm4Key)
	require.NoError(t, err)
	z := make([]byte, 16)
	c.Encrypt(z, z)
	sm4KCV := hex.EncodeToString(z[:3]) // independent: first 3 bytes of E(0^16) straight from gmsm

	tests := []struct {
		name string
		alg  symmetric.Algorithm
		key  string
		want string
	}{
		{"tdes double (softhsm2 reference)", symmetric.TDES, "0123456789ABCDEFFEDCBA9876543210", "08D7B4"},
		{"tdes triple K1K2K1 equals double", symmetric.TDES, "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF", "08D7B4"},
		{"sm4 first 3 bytes of E(0^16)", symmetric.SM4, "0123456789ABCDEFFEDCBA9876543210", sm4KCV},
		{"tdes wrong length", symmetric.TDES, "0123456789ABCDEF", ""},
		{"sm4 wrong length", symmetric.SM4, "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF", ""},
		{"unknown algorithm", symmetric.Algorithm(9), "0123456789ABCDEFFEDCBA9876543210", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hsm.KCV(tt.alg, unhex(t, tt.key))
			assert.True(t, got == tt.want || hsm.SameKCV(got, tt.want), "got %s want %s", got, tt.want)
			if tt.want != "" {
				assert.Len(t, got, 6)
			}
		})
	}
}

// TestSM4KnownAnswer checks NewCipher(SM4) against the GB/T 32907-2016
// example 1: key = plaintext = 0123456789ABCDEFFEDCBA9876543210, ciphertext
// 681EDF34D206965E86B3E94F536E4246.
func TestSM4KnownAnswer(t *testing.T) {
	key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	want := unhex(t, "681EDF34D206965E86B3E94F536E4246")

	b, err := hsm.NewCipher(symmetric.SM4, key)
	require.NoError(t, err)
	got := make([]byte, 16)
	b.Encrypt(got, key)
	assert.Equal(t, want, got)

	direct, err := sm4.NewCipher(key)
	require.NoError(t, err)
	direct.Encrypt(got, key)
	assert.Equal(t, want, got, "gmsm directly")

	b.Decrypt(got, want)
	assert.Equal(t, key, got)
}

func TestNewCipherErrors(t *testing.T) {
	_, err := hsm.NewCipher(symmetric.TDES, make([]byte, 8))
	assert.ErrorIs(t, err, hsm.ErrInvalid)
	_, err = hsm.NewCipher(symmetric.Algorithm(0), make([]byte, 16))
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
}
