package issuer

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"time"

	"github.com/hulian/hulian/switch/hsm"
)

// PIN says how the issuer verifies the PIN block of field 52: Module holds
// the zone PIN key ZPK shared with the switch (by convention "<id>/zpk")
// and blocks arrive in Format (iso0, iso1 or iso3 under a TDES ZPK; iso4,
// 16-byte blocks, under an SM4 ZPK in the dialects hl87a-sm and hl87b-sm).
//
// The Module interface translates PIN blocks but never returns a clear PIN,
// so the issuer plays its own PIN verification unit: at Start it imports a
// random local verification key "<id>/pvk-<8 hex>" (a ZPK of the ZPK's
// algorithm, its clear value held only in the issuer's memory), each check
// translates the block from ZPK to that key (format 0 for TDES, 4 for SM4)
// through the Module, and the issuer deciphers the result to compare the PIN
// with the account's in constant time. Close deletes the local key. This
// adds (then removes) one key in the module's store: TEST use only.
type PIN struct {
	Module hsm.Module
	ZPK    hsm.KeyID
	Format hsm.PINFormat
}

// ErrPINSetup reports a PIN configuration the issuer cannot use.
var ErrPINSetup = errors.New("issuer: PIN verification setup")

// pinVerifier checks PIN blocks (see PIN).
type pinVerifier struct {
	cfg   PIN
	local hsm.KeyID
	to    hsm.PINFormat
	block cipher.Block
}

// newPINVerifier imports the local verification key into cfg.Module.
func newPINVerifier(ctx context.Context, cfg PIN, owner string) (*pinVerifier, error) {
	if cfg.Module == nil || cfg.Format.BlockSize() == 0 {
		return nil, ErrPINSetup
	}
	info, err := cfg.Module.Key(ctx, cfg.ZPK)
	if err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	if info.Alg.BlockSize() != cfg.Format.BlockSize() {
		return nil, errors.Join(ErrPINSetup, hsm.ErrUnsupported)
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
	v := &pinVerifier{cfg: cfg, local: hsm.KeyID(owner + "/pvk-" + hex.EncodeToString(tag[:])), to: hsm.ISO0}
	if info.Alg != hsm.TDES {
		v.to = hsm.ISO4
	}
	if v.block, err = hsm.NewCipher(info.Alg, key); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	kcv := hsm.KCV(info.Alg, key)
	if _, err := cfg.Module.ImportComponents(ctx, v.local, hsm.ZPK, info.Alg, [][]byte{key}, []string{kcv, kcv}); err != nil {
		return nil, errors.Join(ErrPINSetup, err)
	}
	return v, nil
}

// check reports whether the PIN in block (field 52) is want. A block that
// does not decode in the configured format counts as a wrong PIN; module
// failures are returned.
func (v *pinVerifier) check(ctx context.Context, block, pan []byte, want string) (bool, error) {
	out, err := v.cfg.Module.TranslatePIN(ctx, hsm.TranslatePIN{
		From: v.cfg.ZPK, FromFormat: v.cfg.Format, To: v.local, ToFormat: v.to, PAN: pan, Block: block,
	})
	if errors.Is(err, hsm.ErrPINFormat) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	pin, err := v.decipher(out, pan)
	defer clear(pin)
	if err != nil {
		return false, nil
	}
	return subtle.ConstantTimeCompare(pin, []byte(want)) == 1, nil
}

// decipher returns the PIN of a block under the local key; the caller clears it.
func (v *pinVerifier) decipher(block, pan []byte) ([]byte, error) {
	if v.to != hsm.ISO4 {
		var clr [8]byte
		defer clear(clr[:])
		if len(block) != len(clr) {
			return nil, hsm.ErrPINFormat
		}
		v.block.Decrypt(clr[:], block)
		return hsm.DecodePINBlock(hsm.ISO0, clr[:], pan)
	}
	pf, err := hsm.PANField4(pan)
	if err != nil {
		return nil, err
	}
	defer clear(pf)
	field, err := hsm.DecipherFormat4(v.block, block, pf)
	if err != nil {
		return nil, err
	}
	defer clear(field)
	return hsm.DecodePINBlock(hsm.ISO4, field, nil)
}

// close removes the local verification key from the module.
func (v *pinVerifier) close(ctx context.Context) error {
	return v.cfg.Module.DeleteKey(ctx, v.local)
}

// pinTimeout bounds the module calls that set up and remove the local key.
const pinTimeout = 5 * time.Second

// startPIN sets up PIN verification when Config.PIN is set with Accounts.
func (s *Issuer) startPIN(ctx context.Context) error {
	if s.auth == nil || s.cfg.PIN == nil || s.auth.pin != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, pinTimeout)
	defer cancel()
	v, err := newPINVerifier(ctx, *s.cfg.PIN, s.cfg.InstitutionID)
	if err != nil {
		return err
	}
	s.auth.pin = v
	return nil
}

// stopPIN removes the local verification key (errors are logged).
func (s *Issuer) stopPIN() {
	if s.auth == nil || s.auth.pin == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), pinTimeout)
	defer cancel()
	if err := s.auth.pin.close(ctx); err != nil {
		s.log.Warn("cannot remove the PIN verification key", "err", err)
	}
	s.auth.pin = nil
}
