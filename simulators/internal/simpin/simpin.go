// Package simpin is the simulators' PIN pad: a local TEST key, held in this
// process and imported into a security module (switch/hsm) beside a zone
// PIN key, through which a terminal simulator makes PIN blocks under the
// zone PIN key and an issuer simulator reads them back. The Module interface
// translates PIN blocks but never returns a clear PIN, so both directions
// go through TranslatePIN between the zone PIN key and the local key, whose
// clear value only this process holds. Close deletes the local key: the
// module's key store changes meanwhile, so give it a scratch copy of a
// shared store. TEST use only.
package simpin

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// ErrSetup reports a PIN configuration the pad cannot use.
var ErrSetup = errors.New("simpin: PIN setup")

// Pad makes and reads PIN blocks in one format under one zone PIN key.
type Pad struct {
	m      hsm.Module
	zpk    hsm.KeyID
	local  hsm.KeyID
	format hsm.PINFormat
	block  cipher.Block
}

// New imports a random local key "<prefix>-<8 hex>" of zpk's algorithm into
// m for PIN blocks in format f (0, 1 or 3 with a TDES ZPK; 4 with SM4).
func New(ctx context.Context, m hsm.Module, zpk hsm.KeyID, f hsm.PINFormat, prefix string) (*Pad, error) {
	if m == nil || f.BlockSize() == 0 {
		return nil, ErrSetup
	}
	info, err := m.Key(ctx, zpk)
	if err != nil {
		return nil, errors.Join(ErrSetup, err)
	}
	if info.Type != hsm.ZPK || info.Alg.BlockSize() != f.BlockSize() {
		return nil, fmt.Errorf("%w: %s is not a ZPK for PIN block format %s", ErrSetup, zpk, f)
	}
	var tag [4]byte
	key := make([]byte, info.Alg.DefaultLength())
	defer clear(key)
	if _, err := rand.Read(tag[:]); err != nil {
		return nil, errors.Join(ErrSetup, err)
	}
	if _, err := rand.Read(key); err != nil {
		return nil, errors.Join(ErrSetup, err)
	}
	if info.Alg == symmetric.TDES {
		hsm.SetOddParity(key)
	}
	p := &Pad{m: m, zpk: zpk, format: f, local: hsm.KeyID(prefix + "-" + hex.EncodeToString(tag[:]))}
	if p.block, err = hsm.NewCipher(info.Alg, key); err != nil {
		return nil, errors.Join(ErrSetup, err)
	}
	kcv := hsm.KCV(info.Alg, key)
	if _, err := m.ImportComponents(ctx, p.local, hsm.ZPK, info.Alg, [][]byte{key}, []string{kcv, kcv}); err != nil {
		return nil, errors.Join(ErrSetup, err)
	}
	return p, nil
}

// Format returns the PIN block format.
func (p *Pad) Format() hsm.PINFormat { return p.format }

// PINBlock returns pin's block for pan enciphered under the zone PIN key.
func (p *Pad) PINBlock(ctx context.Context, pan, pin []byte) ([]byte, error) {
	clr, err := hsm.EncodePINBlock(p.format, pin, pan, rand.Reader)
	if err != nil {
		return nil, err
	}
	defer clear(clr)
	var block []byte
	if p.format == hsm.ISO4 {
		pf, err := hsm.PANField4(pan)
		if err != nil {
			return nil, err
		}
		defer clear(pf)
		if block, err = hsm.EncipherFormat4(p.block, clr, pf); err != nil {
			return nil, err
		}
	} else {
		block = make([]byte, len(clr))
		p.block.Encrypt(block, clr)
	}
	return p.m.TranslatePIN(ctx, hsm.TranslatePIN{
		From: p.local, FromFormat: p.format, To: p.zpk, ToFormat: p.format, PAN: pan, Block: block,
	})
}

// PIN returns the PIN (ASCII digits) of a block for pan under the zone PIN
// key; the caller clears it. A block that does not decode in the pad's
// format wraps hsm.ErrPINFormat.
func (p *Pad) PIN(ctx context.Context, pan, block []byte) ([]byte, error) {
	out, err := p.m.TranslatePIN(ctx, hsm.TranslatePIN{
		From: p.zpk, FromFormat: p.format, To: p.local, ToFormat: p.format, PAN: pan, Block: block,
	})
	if err != nil {
		return nil, err
	}
	if p.format != hsm.ISO4 {
		if len(out) != p.block.BlockSize() {
			return nil, hsm.ErrPINFormat
		}
		clr := make([]byte, len(out))
		defer clear(clr)
		p.block.Decrypt(clr, out)
		return hsm.DecodePINBlock(p.format, clr, pan)
	}
	pf, err := hsm.PANField4(pan)
	if err != nil {
		return nil, err
	}
	defer clear(pf)
	field, err := hsm.DecipherFormat4(p.block, out, pf)
	if err != nil {
		return nil, err
	}
	defer clear(field)
	return hsm.DecodePINBlock(hsm.ISO4, field, nil)
}

// Close deletes the local key from the module.
func (p *Pad) Close(ctx context.Context) error { return p.m.DeleteKey(ctx, p.local) }
