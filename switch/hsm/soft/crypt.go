package soft

import (
	"crypto/cipher"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// ecb enciphers (or deciphers) src into dst block by block with the shared
// primitive of emv/crypto; len(src) is a multiple of the block size.
func ecb(b cipher.Block, dst, src []byte, decrypt bool) {
	if decrypt {
		symmetric.ECBDecrypt(b, dst, src)
		return
	}
	symmetric.ECBEncrypt(b, dst, src)
}

// keyCipher keys the cipher of a and clears nothing: the caller clears key.
func keyCipher(op string, id hsm.KeyID, a symmetric.Algorithm, key []byte) (cipher.Block, error) {
	b, err := hsm.NewCipher(a, key)
	if err != nil {
		return nil, hsm.NewError(op, id, err, "")
	}
	return b, nil
}
