package pkcs11

import (
	"context"
	"crypto/subtle"

	p11 "github.com/miekg/pkcs11"

	"github.com/hulian/hulian/switch/hsm"
)

// MACSize is the length of every MAC the module produces.
const MACSize = 8

// MaxMACData bounds the data a MAC may cover (an ISO 8583 message is far smaller).
const MaxMACData = 64 << 10

// GenerateMAC returns the 8-byte ANSI X9.19 retail MAC (ISO 9797-1 MAC
// algorithm 3, padding method 1) of data under the ZAK key, computed in the
// token by the sequence of the package doc.
func (m *Module) GenerateMAC(ctx context.Context, key hsm.KeyID, data []byte) ([]byte, error) {
	return m.mac(ctx, "GenerateMAC", key, data)
}

// VerifyMAC recomputes the MAC of data under key and compares it with mac in
// constant time. A mac that is not 8 bytes long, or differs, is hsm.ErrMACMismatch.
func (m *Module) VerifyMAC(ctx context.Context, key hsm.KeyID, data, mac []byte) error {
	const op = "VerifyMAC"
	want, err := m.mac(ctx, op, key, data)
	if err != nil {
		return err
	}
	if len(mac) != MACSize {
		return hsm.NewError(op, key, hsm.ErrMACMismatch, "MAC is not 8 bytes")
	}
	if subtle.ConstantTimeCompare(want, mac) != 1 {
		return hsm.NewError(op, key, hsm.ErrMACMismatch, "")
	}
	return nil
}

// mac computes the retail MAC: CBC under K1||K1 (single DES under K1) over
// every block but the last with a zero IV, then CKM_DES3_CBC under K1||K2
// with the chaining value as IV over the last, zero-padded block.
func (m *Module) mac(ctx context.Context, op string, id hsm.KeyID, data []byte) ([]byte, error) {
	if len(data) > MaxMACData {
		return nil, hsm.NewError(op, id, hsm.ErrInvalid, "MAC data longer than 64 KiB")
	}
	o, err := m.lookup(op, id, hsm.ZAK)
	if err != nil {
		return nil, err
	}
	s, err := m.session(ctx, op)
	if err != nil {
		return nil, err
	}
	defer m.release(s)
	head := 0 // bytes of data in the full blocks before the last block
	if len(data) > 8 {
		head = (len(data) - 1) / 8 * 8
	}
	var iv, last [8]byte
	copy(last[:], data[head:])
	if head > 0 {
		c, err := m.cbc(s, o.k1, iv[:], data[:head])
		if err != nil {
			return nil, p11Error(op, id, err, "CBC under K1")
		}
		copy(iv[:], c[len(c)-8:])
	}
	out, err := m.cbc(s, o.macFinal(), iv[:], last[:])
	if err != nil {
		return nil, p11Error(op, id, err, "final block under K1||K2")
	}
	return out, nil
}

// cbc enciphers data (a multiple of 8 bytes) with CKM_DES3_CBC and IV iv.
func (m *Module) cbc(s p11.SessionHandle, key p11.ObjectHandle, iv, data []byte) ([]byte, error) {
	if err := m.ctx.EncryptInit(s, []*p11.Mechanism{p11.NewMechanism(p11.CKM_DES3_CBC, iv)}, key); err != nil {
		return nil, err
	}
	return m.ctx.Encrypt(s, data)
}
