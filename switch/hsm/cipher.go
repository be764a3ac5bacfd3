package hsm

import (
	"crypto/cipher"
	"encoding/hex"
	"strings"

	"github.com/hulian/hulian/symmetric"
)

// NewCipher returns the block cipher of algorithm a under key: for TDES a
// double-length key K1K2 is used as K1K2K1, a triple-length key as is; for SM4
// the 16-byte key. A wrong length is ErrInvalid, an unknown algorithm ErrUnsupported.
// The returned cipher holds the key schedule: drop it as soon as possible.
func NewCipher(a symmetric.Algorithm, key []byte) (cipher.Block, error) {
	if a.BlockSize() == 0 {
		return nil, NewError("NewCipher", "", ErrUnsupported, "unknown algorithm")
	}
	if !a.ValidLength(len(key)) {
		return nil, NewError("NewCipher", "", ErrInvalid, "key length not valid for the algorithm")
	}
	if a == symmetric.SM4 {
		return symmetric.NewCipher(symmetric.SM4, key)
	}
	return symmetric.NewTDES(key)
}

// KCV returns the key check value of a clear key as 6 upper-case hex digits:
// the first 3 bytes of the key enciphering a zero block (8 zero bytes for
// TDES, 16 for SM4). It returns "" if the algorithm or key length is not valid.
func KCV(a symmetric.Algorithm, clearKey []byte) string {
	b, err := NewCipher(a, clearKey)
	if err != nil {
		return ""
	}
	return KCVOf(b)
}

// KCVOf returns the check value of the key inside block cipher b (see KCV).
func KCVOf(b cipher.Block) string {
	var z [16]byte
	n := b.BlockSize()
	b.Encrypt(z[:n], z[:n])
	return strings.ToUpper(hex.EncodeToString(z[:3]))
}

// SameKCV reports whether two check values are equal, ignoring case.
func SameKCV(a, b string) bool {
	return len(a) == 6 && strings.EqualFold(a, b)
}
