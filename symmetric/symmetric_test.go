package symmetric_test

import (
	"crypto/cipher"
	"crypto/des"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/symmetric"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// TestSM4KnownAnswer: GB/T 32907-2016 Appendix A example 1.
func TestSM4KnownAnswer(t *testing.T) {
	key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	b, err := symmetric.NewCipher(symmetric.SM4, key)
	require.NoError(t, err)
	out := make([]byte, 16)
	b.Encrypt(out, key)
	assert.Equal(t, unhex(t, "681EDF34D206965E86B3E94F536E4246"), out)
}

// TestTDESSingleBlock: knovichikhin/pyemv sm.py docstring of
// encrypt_command_data (MASTERCARD type, one whole block: plain TDES).
func TestTDESSingleBlock(t *testing.T) {
	b, err := symmetric.NewTDES(unhex(t, "0123456789ABCDEFFEDCBA9876543210"))
	require.NoError(t, err)
	out := make([]byte, 8)
	b.Encrypt(out, unhex(t, "241234FFFFFFFFFF"))
	assert.Equal(t, unhex(t, "9859240AE52820C3"), out)
}

func TestParity(t *testing.T) {
	k := unhex(t, "000102030405060708090A0B0C0D0E0F")
	symmetric.SetOddParity(k)
	assert.True(t, symmetric.HasOddParity(k))
	assert.Equal(t, unhex(t, "0101020204040707 08080B0B0D0D0E0E"), k)
	assert.False(t, symmetric.HasOddParity([]byte{0x00}))
}

func TestPadUnpad(t *testing.T) {
	assert.Equal(t, unhex(t, "0000000000000000"), symmetric.Pad(nil, 8, symmetric.PadZero))
	assert.Equal(t, unhex(t, "8000000000000000"), symmetric.Pad(nil, 8, symmetric.Pad80))
	assert.Equal(t, unhex(t, "0102030405060708 8000000000000000"), symmetric.Pad(unhex(t, "0102030405060708"), 8, symmetric.Pad80))
	assert.Equal(t, unhex(t, "0102030405060708"), symmetric.Pad(unhex(t, "0102030405060708"), 8, symmetric.PadZero))
	got, err := symmetric.Unpad(unhex(t, "0100800000"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "0100"), got)
	_, err = symmetric.Unpad(unhex(t, "01020000"))
	assert.ErrorIs(t, err, symmetric.ErrPadding)
}

// TestRetailMACPadZero: ISO/IEC 9797-1:2011 Annex B.4 (MAC algorithm 3,
// padding method 1), as reproduced by openemv/crypto
// test/crypto_tdes2_retail_mac_test.c: 32-bit MACs A1C72E74 and 2E2B1428.
func TestRetailMACPadZero(t *testing.T) {
	key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	for data, want := range map[string]string{
		"Now is the time for all ": "A1C72E74",
		"Now is the time for it":   "2E2B1428",
	} {
		mac, err := symmetric.RetailMAC(key, []byte(data), symmetric.PadZero)
		require.NoError(t, err)
		assert.Equal(t, unhex(t, want), mac[:4], data)
	}
}

// TestCBCMACMatchesCBCMode checks CBCMAC with both paddings against Go's CBC
// mode over the padded data (SM4 and DES), for every length up to 3 blocks.
func TestCBCMACMatchesCBCMode(t *testing.T) {
	sm, err := sm4.NewCipher(unhex(t, "0123456789ABCDEFFEDCBA9876543210"))
	require.NoError(t, err)
	d, err := des.NewCipher(unhex(t, "0123456789ABCDEF"))
	require.NoError(t, err)
	for _, b := range []cipher.Block{sm, d} {
		for _, p := range []symmetric.Padding{symmetric.PadZero, symmetric.Pad80} {
			for n := 0; n <= 3*b.BlockSize(); n++ {
				data := make([]byte, n)
				for i := range data {
					data[i] = byte(i*7 + 1)
				}
				padded := symmetric.Pad(data, b.BlockSize(), p)
				ct := make([]byte, len(padded))
				cipher.NewCBCEncrypter(b, make([]byte, b.BlockSize())).CryptBlocks(ct, padded)
				assert.Equal(t, ct[len(ct)-b.BlockSize():], symmetric.CBCMAC(b, data, p), "%s n=%d", p, n)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := symmetric.NewCipher(symmetric.Algorithm(9), make([]byte, 16))
	assert.ErrorIs(t, err, symmetric.ErrUnsupported)
	_, err = symmetric.NewTDES(make([]byte, 8))
	assert.ErrorIs(t, err, symmetric.ErrKeyLength)
	_, err = symmetric.RetailMAC(make([]byte, 16), nil, symmetric.Padding(7))
	assert.ErrorIs(t, err, symmetric.ErrUnsupported)
	assert.Equal(t, "SM4", symmetric.SM4.String())
	assert.Equal(t, "Algorithm(0)", symmetric.Algorithm(0).String())
}
