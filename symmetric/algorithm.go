package symmetric

import (
	"crypto/cipher"
	"crypto/des"
	"strconv"

	"github.com/emmansun/gmsm/sm4"
)

// Algorithm is the block cipher of a card's symmetric keys: the PBOC 3.0
// issuer application data names it (9F10 byte 7: 01 TDES, 04 SM4).
type Algorithm int

// Algorithms.
const (
	TDES Algorithm = iota + 1 // triple DES, double (16-byte) or triple (24-byte) length, 8-byte blocks
	SM4                       // SM4 (GB/T 32907), 16-byte keys and blocks
)

// String returns "TDES", "SM4" or "Algorithm(n)".
func (a Algorithm) String() string {
	switch a {
	case TDES:
		return "TDES"
	case SM4:
		return "SM4"
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

// BlockSize returns 8 for TDES, 16 for SM4 and 0 otherwise.
func (a Algorithm) BlockSize() int {
	switch a {
	case TDES:
		return 8
	case SM4:
		return 16
	}
	return 0
}

// NewCipher keys the block cipher of a: TDES takes a 16-byte (K1K2) or
// DefaultLength returns the key length of a new key: 16 bytes for both
// (double-length TDES), 0 for an unknown algorithm.
func (a Algorithm) DefaultLength() int {
	if a.BlockSize() == 0 {
		return 0
	}
	return 16
}

// ValidLength reports whether n bytes is a key length of the algorithm
// (TDES 16 or 24, SM4 16).
func (a Algorithm) ValidLength(n int) bool {
	switch a {
	case TDES:
		return n == 16 || n == 24
	case SM4:
		return n == 16
	}
	return false
}

// 24-byte key (see NewTDES), SM4 a 16-byte key.
func NewCipher(a Algorithm, key []byte) (cipher.Block, error) {
	switch a {
	case TDES:
		return NewTDES(key)
	case SM4:
		if len(key) != 16 {
			return nil, opError("NewCipher", ErrKeyLength, "SM4 key is not 16 bytes")
		}
		return sm4.NewCipher(key)
	}
	return nil, opError("NewCipher", ErrUnsupported, a.String())
}

// NewTDES keys triple DES: a double-length key K1K2 is expanded to K1K2K1
// (keying option 2), a triple-length key is used as is (option 1). Parity
// bits are ignored. The expanded copy is cleared before returning.
func NewTDES(key []byte) (cipher.Block, error) {
	switch len(key) {
	case 24:
		return des.NewTripleDESCipher(key)
	case 16:
		var k3 [24]byte
		ExpandTDESKey(k3[:], key)
		b, err := des.NewTripleDESCipher(k3[:])
		clear(k3[:])
		return b, err
	}
	return nil, opError("NewTDES", ErrKeyLength, "TDES key is not 16 or 24 bytes")
}

// ExpandTDESKey writes the 24-byte form of a double-length key K1K2 into dst
// (K1K2K1). dst must be 24 bytes and key 16 bytes; the caller clears dst.
func ExpandTDESKey(dst, key []byte) {
	copy(dst[:16], key[:16])
	copy(dst[16:24], key[:8])
}

// ECBEncrypt enciphers src into dst block by block (ECB mode); a trailing
// partial block of src is ignored. dst and src may be the same slice.
func ECBEncrypt(b cipher.Block, dst, src []byte) { ecb(b, dst, src, false) }

// ECBDecrypt deciphers src into dst block by block (ECB mode).
func ECBDecrypt(b cipher.Block, dst, src []byte) { ecb(b, dst, src, true) }

// ecb runs b over each whole block of src into dst.
func ecb(b cipher.Block, dst, src []byte, decrypt bool) {
	n := b.BlockSize()
	for i := 0; i+n <= len(src); i += n {
		if decrypt {
			b.Decrypt(dst[i:i+n], src[i:i+n])
		} else {
			b.Encrypt(dst[i:i+n], src[i:i+n])
		}
	}
}

// ParseAlgorithm reads the names String returns ("TDES", "SM4").
func ParseAlgorithm(s string) (Algorithm, error) {
	switch s {
	case "TDES":
		return TDES, nil
	case "SM4":
		return SM4, nil
	}
	return 0, opError("ParseAlgorithm", ErrUnsupported, "unknown algorithm name")
}
