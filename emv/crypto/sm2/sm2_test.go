package sm2_test

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto/sm2"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestSM3KnownAnswer: GB/T 32905-2016 Appendix A example 1 ("abc").
func TestSM3KnownAnswer(t *testing.T) {
	sum := sm3.Sum([]byte("abc"))
	assert.Equal(t, unhex(t, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"), sum[:])
}

// TestVerifyKnownSignature: the signature in emmansun/gmsm
// sm2/sm2_dsa_test.go TestRecoverPublicKeysFromSM2Signature (private key
// d6833540..., message "encryption standard encryption ", default user id),
// taken out of its DER wrapping into r || s.
func TestVerifyKnownSignature(t *testing.T) {
	priv, err := sm2.NewPrivateKey(unhex(t, "d6833540d019e0438a5dd73b414f26ab43d8064b99671206944e284dbd969093"))
	require.NoError(t, err)
	sig := unhex(t, "00cd0b56bf6be810032d28ff27d6f3468f1f1a09bcf8581f30a5de6692c85ea6"+
		"96ba29c086134af1be139dd572f2f2908f30e01fd0c28e06a687cbb0ff6e33ce")
	msg := []byte("encryption standard encryption ")
	assert.True(t, sm2.Verify(&priv.PublicKey, nil, msg, sig))
	assert.True(t, sm2.Verify(&priv.PublicKey, []byte(sm2.UserID), msg, sig))
	assert.False(t, sm2.Verify(&priv.PublicKey, []byte("other"), msg, sig))
	sig[10] ^= 1
	assert.False(t, sm2.Verify(&priv.PublicKey, nil, msg, sig))
}

func TestSignVerifyRoundTrip(t *testing.T) {
	r := rand.NewChaCha8([32]byte{1})
	priv, err := sm2.GenerateKey(r)
	require.NoError(t, err)
	pub, err := sm2.NewPublicKey(sm2.MarshalPublicKey(&priv.PublicKey))
	require.NoError(t, err)
	for i := range 8 {
		msg := make([]byte, i*13)
		sig, err := sm2.Sign(r, priv, nil, msg)
		require.NoError(t, err)
		assert.Len(t, sig, sm2.SignatureLen)
		assert.True(t, sm2.Verify(pub, nil, msg, sig))
		assert.False(t, sm2.Verify(pub, nil, append(msg, 0), sig))
	}
	_, err = sm2.NewPublicKey(make([]byte, 64))
	assert.ErrorIs(t, err, sm2.ErrKey)
	_, err = sm2.NewPrivateKey(make([]byte, 32))
	assert.ErrorIs(t, err, sm2.ErrKey)
}

func FuzzVerify(f *testing.F) {
	priv, err := sm2.GenerateKey(rand.NewChaCha8([32]byte{2}))
	if err != nil {
		f.Fatal(err)
	}
	sig, err := sm2.Sign(rand.NewChaCha8([32]byte{3}), priv, nil, []byte("seed"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sm2.MarshalPublicKey(&priv.PublicKey), []byte("seed"), sig)
	f.Fuzz(func(t *testing.T, key, msg, sig []byte) {
		pub, err := sm2.NewPublicKey(key)
		if err != nil {
			return
		}
		_ = sm2.Verify(pub, nil, msg, sig)
	})
}
