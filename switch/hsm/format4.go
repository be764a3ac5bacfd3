package hsm

import "crypto/cipher"

// EncipherFormat4 enciphers a clear format 4 PIN field (from EncodePINBlock)
// with the PAN field (from PANField4) per ISO 9564-1 format 4:
// block = E(E(PIN field) XOR PAN field). b must be a 16-byte block cipher
// (SM4 here): anything else is ErrUnsupported. Intermediate values are cleared.
func EncipherFormat4(b cipher.Block, pinField, panField []byte) ([]byte, error) {
	if err := check4("EncipherFormat4", b, pinField, panField); err != nil {
		return nil, err
	}
	out := make([]byte, 16)
	b.Encrypt(out, pinField)
	for i := range out {
		out[i] ^= panField[i]
	}
	b.Encrypt(out, out)
	return out, nil
}

// DecipherFormat4 reverses EncipherFormat4 and returns the clear PIN field,
// to be checked with DecodePINBlock(ISO4, ...). The caller must clear it.
func DecipherFormat4(b cipher.Block, block, panField []byte) ([]byte, error) {
	if err := check4("DecipherFormat4", b, block, panField); err != nil {
		return nil, err
	}
	out := make([]byte, 16)
	b.Decrypt(out, block)
	for i := range out {
		out[i] ^= panField[i]
	}
	b.Decrypt(out, out)
	return out, nil
}

func check4(op string, b cipher.Block, in, panField []byte) error {
	if b == nil || b.BlockSize() != 16 {
		return NewError(op, "", ErrUnsupported, "format 4 needs a 16-byte block cipher")
	}
	if len(in) != 16 {
		return NewError(op, "", ErrPINFormat, "format 4 block must be 16 bytes")
	}
	if len(panField) != 16 {
		return NewError(op, "", ErrInvalid, "format 4 PAN field must be 16 bytes")
	}
	return nil
}
