package symmetric

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"
	"strconv"
)

// Padding is an ISO/IEC 9797-1 padding method.
type Padding int

// Padding methods.
const (
	// PadZero is padding method 1: zero bytes up to a whole number of blocks;
	// empty data becomes one zero block. ISO 8583 MACs (X9.19) use it.
	PadZero Padding = iota + 1
	// Pad80 is padding method 2: one 80 byte, then zeros up to a whole number
	// of blocks (always at least the 80). EMV cryptograms and scripts use it.
	Pad80
)

// String returns "PadZero", "Pad80" or "Padding(n)".
func (p Padding) String() string {
	switch p {
	case PadZero:
		return "PadZero"
	case Pad80:
		return "Pad80"
	}
	return "Padding(" + strconv.Itoa(int(p)) + ")"
}

// Pad returns a padded copy of data for blocks of n bytes.
func Pad(data []byte, n int, p Padding) []byte {
	out := append([]byte(nil), data...)
	if p == Pad80 {
		out = append(out, 0x80)
	}
	for len(out)%n != 0 || len(out) == 0 {
		out = append(out, 0)
	}
	return out
}

// Unpad strips padding method 2 from data: trailing zeros, then the 80 byte.
// Data without that 80 byte is ErrPadding.
func Unpad(data []byte) ([]byte, error) {
	i := len(data) - 1
	for i >= 0 && data[i] == 0 {
		i--
	}
	if i < 0 || data[i] != 0x80 {
		return nil, opError("Unpad", ErrPadding, "no 80 marker")
	}
	return data[:i], nil
}

// CBCMAC returns the CBC-MAC (ISO/IEC 9797-1 MAC algorithm 1, zero IV) of
// data under b, padded with p: the last cipher block, b.BlockSize() bytes.
// It does not copy data.
func CBCMAC(b cipher.Block, data []byte, p Padding) []byte {
	h := make([]byte, b.BlockSize())
	cbcMAC(b, data, p, h)
	return h
}

// cbcMAC writes the CBC-MAC of data into h (one block long).
func cbcMAC(b cipher.Block, data []byte, p Padding, h []byte) {
	n := b.BlockSize()
	clear(h)
	whole := len(data) > 0 && len(data)%n == 0
	for len(data) >= n {
		subtle.XORBytes(h, h, data[:n])
		b.Encrypt(h, h)
		data = data[n:]
	}
	// Method 1 adds no block to non-empty data of whole blocks; otherwise the
	// last block is the remaining bytes, the 80 marker for method 2, zeros.
	if p == PadZero && whole {
		return
	}
	subtle.XORBytes(h[:len(data)], h[:len(data)], data)
	if p == Pad80 {
		h[len(data)] ^= 0x80
	}
	b.Encrypt(h, h)
}

// RetailMAC returns the 8-byte ISO/IEC 9797-1 MAC algorithm 3 (ANSI X9.19
// retail MAC) of data padded with p: single-DES CBC-MAC under K1, then the
// last block deciphered under K2 and enciphered under K1. key is 16 or 24
// bytes; only K1 and K2 are used.
func RetailMAC(key, data []byte, p Padding) ([]byte, error) {
	var out [8]byte
	if err := RetailMACTo(&out, key, data, p); err != nil {
		return nil, err
	}
	return out[:], nil
}

// RetailMACTo is RetailMAC writing into out, for callers that avoid allocation.
func RetailMACTo(out *[8]byte, key, data []byte, p Padding) error {
	if len(key) != 16 && len(key) != 24 {
		return opError("RetailMAC", ErrKeyLength, "key is not 16 or 24 bytes")
	}
	if p != PadZero && p != Pad80 {
		return opError("RetailMAC", ErrUnsupported, p.String())
	}
	k1, err := des.NewCipher(key[:8])
	if err != nil {
		return opError("RetailMAC", ErrKeyLength, "")
	}
	k2, err := des.NewCipher(key[8:16])
	if err != nil {
		return opError("RetailMAC", ErrKeyLength, "")
	}
	cbcMAC(k1, data, p, out[:])
	k2.Decrypt(out[:], out[:])
	k1.Encrypt(out[:], out[:])
	return nil
}
