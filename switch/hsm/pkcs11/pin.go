package pkcs11

import (
	"context"

	"github.com/hulian/hulian/switch/hsm"
)

// TranslatePIN deciphers r.Block under the ZPK r.From (C_Decrypt), checks it
// against r.FromFormat, re-encodes the PIN in r.ToFormat and enciphers it
// under the ZPK r.To (C_Encrypt). Formats 0, 1 and 3 only (format 4 needs SM4:
// hsm.ErrUnsupported). The clear block passes through host memory, in buffers
// zeroed before returning (see the package doc); errors never carry it.
func (m *Module) TranslatePIN(ctx context.Context, r hsm.TranslatePIN) ([]byte, error) {
	const op = "TranslatePIN"
	if !tdesFormat(r.FromFormat) || !tdesFormat(r.ToFormat) {
		return nil, hsm.NewError(op, "", hsm.ErrUnsupported, "PIN block formats 0, 1 and 3 only")
	}
	if len(r.Block) != 8 {
		return nil, hsm.NewError(op, r.From, hsm.ErrPINFormat, "PIN block length wrong for the format")
	}
	from, err := m.lookup(op, r.From, hsm.ZPK)
	if err != nil {
		return nil, err
	}
	to, err := m.lookup(op, r.To, hsm.ZPK)
	if err != nil {
		return nil, err
	}
	s, err := m.session(ctx, op)
	if err != nil {
		return nil, err
	}
	defer m.release(s)
	clr, err := m.ecb(s, from.key, r.Block, true)
	defer clear(clr)
	if err != nil {
		return nil, p11Error(op, r.From, err, "C_Decrypt")
	}
	pin, err := hsm.DecodePINBlock(r.FromFormat, clr, r.PAN)
	defer clear(pin)
	if err != nil {
		return nil, hsm.NewError(op, r.From, err, "")
	}
	next, err := hsm.EncodePINBlock(r.ToFormat, pin, r.PAN, nil)
	defer clear(next)
	if err != nil {
		return nil, hsm.NewError(op, r.To, err, "")
	}
	out, err := m.ecb(s, to.key, next, false)
	if err != nil {
		return nil, p11Error(op, r.To, err, "C_Encrypt")
	}
	return out, nil
}

// tdesFormat reports whether f is an 8-byte (TDES) PIN block format.
func tdesFormat(f hsm.PINFormat) bool {
	return f == hsm.ISO0 || f == hsm.ISO1 || f == hsm.ISO3
}
