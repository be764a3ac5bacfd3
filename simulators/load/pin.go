package load

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/hulian/hulian/switch/hsm"
)

// PINSource enciphers the PIN blocks (field 52) of PIN transactions.
type PINSource interface {
	// PINBlock returns the block of pin for pan (ASCII digits).
	PINBlock(ctx context.Context, pan, pin []byte) ([]byte, error)
	// Format is the PIN block format (field 53).
	Format() hsm.PINFormat
}

// ErrPINSetup reports a PIN key the generator cannot use.
var ErrPINSetup = errors.New("load: PIN setup")

// ModulePIN enciphers PIN blocks under an acquirer's zone PIN key inside a
// security module, as a PIN pad and its acquirer host do: the block is
// first enciphered under a random terminal key that NewModulePIN imports
// into the module ("<zpk>.pad-<8 hex>", a ZPK of the ZPK's algorithm whose
// clear value only this process holds), then translated to the ZPK by the
// module (TranslatePIN). Format 0 (or 1, 3) with a TDES ZPK, format 4 with
// an SM4 ZPK. Close deletes the terminal key: the module's key store
// changes meanwhile, so give it a scratch copy of the store (paysim load
// does). TEST use only.
type ModulePIN struct {
	m      hsm.Module
	zpk    hsm.KeyID
	pad    hsm.KeyID
	format hsm.PINFormat
	block  cipher.Block
}

// NewModulePIN prepares PIN blocks in format f under the ZPK zpk of m.
func NewModulePIN(ctx context.Context, m hsm.Module, zpk hsm.KeyID, f hsm.PINFormat) (*ModulePIN, error) {
	if m == nil || f.BlockSize() == 0 {
		return nil, ErrPINSetup
	}
	info, err := m.Key(ctx, zpk)
	if err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	if info.Type != hsm.ZPK || info.Alg.BlockSize() != f.BlockSize() {
		return nil, fmt.Errorf("%w: %s is not a ZPK for PIN block format %s", ErrPINSetup, zpk, f)
	}
	var tag [4]byte
	key := make([]byte, info.Alg.DefaultLength())
	defer clear(key)
	if _, err := rand.Read(tag[:]); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	if _, err := rand.Read(key); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	if info.Alg == hsm.TDES {
		hsm.SetOddParity(key)
	}
	p := &ModulePIN{m: m, zpk: zpk, format: f, pad: hsm.KeyID(string(zpk) + ".pad-" + hex.EncodeToString(tag[:]))}
	if p.block, err = hsm.NewCipher(info.Alg, key); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	kcv := hsm.KCV(info.Alg, key)
	if _, err := m.ImportComponents(ctx, p.pad, hsm.ZPK, info.Alg, [][]byte{key}, []string{kcv, kcv}); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	return p, nil
}

// Format returns the PIN block format.
func (p *ModulePIN) Format() hsm.PINFormat { return p.format }

// PINBlock returns pin's block for pan enciphered under the ZPK.
func (p *ModulePIN) PINBlock(ctx context.Context, pan, pin []byte) ([]byte, error) {
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
		block, err = hsm.EncipherFormat4(p.block, clr, pf)
		if err != nil {
			return nil, err
		}
	} else {
		block = make([]byte, len(clr))
		p.block.Encrypt(block, clr)
	}
	return p.m.TranslatePIN(ctx, hsm.TranslatePIN{
		From: p.pad, FromFormat: p.format, To: p.zpk, ToFormat: p.format, PAN: pan, Block: block,
	})
}

// Close deletes the terminal key from the module.
func (p *ModulePIN) Close(ctx context.Context) error {
	return p.m.DeleteKey(ctx, p.pad)
}

// securityControl is field 53 for format f: position 1 the ISO 9564 format,
// position 2 the algorithm (1 TDES, 4 SM4), zeros after (as the switch sets it).
func securityControl(f hsm.PINFormat) string {
	alg := byte('1')
	if f == hsm.ISO4 {
		alg = '4'
	}
	return string([]byte{'0' + byte(f), alg}) + "00000000000000"
}
