package soft

import (
	"crypto/cipher"

	"github.com/hulian/hulian/switch/hsm"
)

// ecb enciphers (or deciphers) src into dst block by block; len(src) is a multiple of the block size.
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

// keyCipher keys the cipher of a and clears nothing: the caller clears key.
func keyCipher(op string, id hsm.KeyID, a hsm.Algorithm, key []byte) (cipher.Block, error) {
	b, err := hsm.NewCipher(a, key)
	if err != nil {
		return nil, hsm.NewError(op, id, err, "")
	}
	return b, nil
}
