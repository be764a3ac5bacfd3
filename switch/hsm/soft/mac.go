package soft

import (
	"context"
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"

	"github.com/hulian/hulian/switch/hsm"
)

// MACSize is the length of every MAC the module produces.
const MACSize = 8

// MaxMACData bounds the data a MAC may cover (an ISO 8583 message is far smaller).
const MaxMACData = 64 << 10

// GenerateMAC returns the 8-byte MAC of data under the ZAK key: ANSI X9.19
// retail MAC for TDES keys, SM4 CBC-MAC (leftmost 8 bytes) for SM4 keys.
func (m *Module) GenerateMAC(ctx context.Context, key hsm.KeyID, data []byte) ([]byte, error) {
	var mac [MACSize]byte
	if err := m.mac(ctx, "GenerateMAC", key, data, &mac); err != nil {
		return nil, err
	}
	return append([]byte(nil), mac[:]...), nil
}

// VerifyMAC recomputes the MAC of data under key and compares it with mac in
// constant time. A mac that is not 8 bytes long, or differs, is hsm.ErrMACMismatch.
func (m *Module) VerifyMAC(ctx context.Context, key hsm.KeyID, data, mac []byte) error {
	const op = "VerifyMAC"
	var want [MACSize]byte
	if err := m.mac(ctx, op, key, data, &want); err != nil {
		return err
	}
	if len(mac) != MACSize {
		return hsm.NewError(op, key, hsm.ErrMACMismatch, "MAC is not 8 bytes")
	}
	if subtle.ConstantTimeCompare(want[:], mac) != 1 {
		return hsm.NewError(op, key, hsm.ErrMACMismatch, "")
	}
	return nil
}

func (m *Module) mac(ctx context.Context, op string, id hsm.KeyID, data []byte, out *[MACSize]byte) error {
	if err := m.begin(ctx, op); err != nil {
		return err
	}
	if len(data) > MaxMACData {
		return hsm.NewError(op, id, hsm.ErrInvalid, "MAC data longer than 64 KiB")
	}
	e, aead, err := m.lookup(op, id, hsm.ZAK)
	if err != nil {
		return err
	}
	if e.info.Alg == hsm.SM4 {
		return withCipher(op, aead, e, func(b cipher.Block) error {
			var h [16]byte
			cbcMAC(b, data, h[:])
			copy(out[:], h[:MACSize])
			return nil
		})
	}
	return withKey(op, aead, e, func(key []byte) error {
		return retailMAC(key, data, out)
	})
}

// retailMAC computes the ANSI X9.19 / ISO 9797-1 MAC algorithm 3 MAC with
// padding method 1: single-DES CBC-MAC under K1 over all blocks, then the last
// result deciphered under K2 and enciphered under K1. Only K1 and K2 of the
// key are used, also for a triple-length key.
func retailMAC(key, data []byte, out *[MACSize]byte) error {
	k1, err := des.NewCipher(key[:8])
	if err != nil {
		return err
	}
	k2, err := des.NewCipher(key[8:16])
	if err != nil {
		return err
	}
	cbcMAC(k1, data, out[:])
	k2.Decrypt(out[:], out[:])
	k1.Encrypt(out[:], out[:])
	return nil
}

// cbcMAC writes into h (one block long) the CBC-MAC of data under b with a
// zero IV and zero padding (ISO 9797-1 padding method 1: empty data is one
// zero block).
func cbcMAC(b cipher.Block, data []byte, h []byte) {
	n := b.BlockSize()
	clear(h)
	for first := true; first || len(data) > 0; first = false {
		k := min(n, len(data)) // a short last block is zero padded: XOR only its bytes
		subtle.XORBytes(h[:k], h[:k], data[:k])
		b.Encrypt(h, h)
		data = data[k:]
	}
}
