package soft

import (
	"context"
	"crypto/cipher"
	"io"

	"github.com/hulian/hulian/switch/hsm"
)

// TranslatePIN deciphers r.Block under the ZPK r.From, checks it against
// r.FromFormat, re-encodes the PIN in r.ToFormat and enciphers it under the
// ZPK r.To. Formats 0, 1 and 3 need TDES keys, format 4 an SM4 key
// (hsm.ErrUnsupported otherwise). The clear block and the PIN are cleared
// before returning; errors never carry them.
func (m *Module) TranslatePIN(ctx context.Context, r hsm.TranslatePIN) ([]byte, error) {
	const op = "TranslatePIN"
	if err := m.begin(ctx, op); err != nil {
		return nil, err
	}
	if r.FromFormat.BlockSize() == 0 || r.ToFormat.BlockSize() == 0 {
		return nil, hsm.NewError(op, "", hsm.ErrUnsupported, "unknown PIN block format")
	}
	if len(r.Block) != r.FromFormat.BlockSize() {
		return nil, hsm.NewError(op, r.From, hsm.ErrPINFormat, "PIN block length wrong for the format")
	}
	from, aead, err := m.lookup(op, r.From, hsm.ZPK)
	if err != nil {
		return nil, err
	}
	to, _, err := m.lookup(op, r.To, hsm.ZPK)
	if err != nil {
		return nil, err
	}
	if err := fits(op, from.info, r.FromFormat); err != nil {
		return nil, err
	}
	if err := fits(op, to.info, r.ToFormat); err != nil {
		return nil, err
	}
	var pin []byte
	defer func() { clear(pin) }()
	err = withCipher(op, aead, from, func(b cipher.Block) error {
		var err error
		pin, err = decipherPIN(b, r.FromFormat, r.Block, r.PAN)
		return err
	})
	if err != nil {
		return nil, hsm.NewError(op, r.From, err, "")
	}
	var out []byte
	err = withCipher(op, aead, to, func(b cipher.Block) error {
		var err error
		out, err = encipherPIN(b, r.ToFormat, pin, r.PAN, m.rnd)
		return err
	})
	if err != nil {
		return nil, hsm.NewError(op, r.To, err, "")
	}
	return out, nil
}

// fits checks that a key's algorithm carries the PIN block format.
func fits(op string, k hsm.KeyInfo, f hsm.PINFormat) error {
	if k.Alg.BlockSize() != f.BlockSize() {
		return hsm.NewError(op, k.ID, hsm.ErrUnsupported, "PIN block format "+f.String()+" not available with "+k.Alg.String()+" keys")
	}
	return nil
}

// decipherPIN returns the PIN (ASCII digits) of an enciphered block; the caller clears it.
func decipherPIN(b cipher.Block, f hsm.PINFormat, block, pan []byte) ([]byte, error) {
	if f != hsm.ISO4 {
		var clr [8]byte
		defer clear(clr[:])
		b.Decrypt(clr[:], block)
		return hsm.DecodePINBlock(f, clr[:], pan)
	}
	pf, err := hsm.PANField4(pan)
	if err != nil {
		return nil, err
	}
	defer clear(pf)
	field, err := hsm.DecipherFormat4(b, block, pf)
	if err != nil {
		return nil, err
	}
	defer clear(field)
	return hsm.DecodePINBlock(hsm.ISO4, field, nil)
}

// encipherPIN encodes pin in format f and enciphers it.
func encipherPIN(b cipher.Block, f hsm.PINFormat, pin, pan []byte, rnd io.Reader) ([]byte, error) {
	if f != hsm.ISO4 {
		clr, err := hsm.EncodePINBlock(f, pin, pan, rnd)
		if err != nil {
			return nil, err
		}
		defer clear(clr)
		out := make([]byte, 8)
		b.Encrypt(out, clr)
		return out, nil
	}
	pf, err := hsm.PANField4(pan)
	if err != nil {
		return nil, err
	}
	defer clear(pf)
	field, err := hsm.EncodePINBlock(hsm.ISO4, pin, nil, rnd)
	if err != nil {
		return nil, err
	}
	defer clear(field)
	return hsm.EncipherFormat4(b, field, pf)
}
