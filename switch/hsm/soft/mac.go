package soft

import (
	"context"
	"crypto/cipher"
	"crypto/subtle"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// MACSize is the length of every MAC the module produces.
const MACSize = 8

// MaxMACData bounds the data a MAC may cover (an ISO 8583 message is far smaller).
const MaxMACData = 64 << 10

// GenerateMAC returns the 8-byte MAC of data under the ZAK key: ANSI X9.19
// retail MAC for TDES keys, SM4 CBC-MAC (leftmost 8 bytes) for SM4 keys, both
// with zero padding (ISO 9797-1 method 1). The primitives live in emv/crypto.
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
	if e.info.Alg == symmetric.SM4 {
		return withCipher(op, aead, e, func(b cipher.Block) error {
			copy(out[:], symmetric.CBCMAC(b, data, symmetric.PadZero)[:MACSize])
			return nil
		})
	}
	// ANSI X9.19 retail MAC, ISO 9797-1 padding method 1 (emv/symmetric.RetailMAC):
	// only K1 and K2 are used, also for a triple-length key.
	return withKey(op, aead, e, func(key []byte) error {
		return symmetric.RetailMACTo(out, key, data, symmetric.PadZero)
	})
}
