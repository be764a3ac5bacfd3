package issuer

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/hulian/hulian/simulators/internal/simpin"
	"github.com/hulian/hulian/switch/hsm"
)

// PIN says how the issuer verifies the PIN block of field 52: Module holds
// the zone PIN key ZPK shared with the switch (by convention "<id>/zpk")
// and blocks arrive in Format (iso0, iso1 or iso3 under a TDES ZPK; iso4,
// 16-byte blocks, under an SM4 ZPK in the dialects hl87a-sm and hl87b-sm).
//
// The Module interface translates PIN blocks but never returns a clear PIN,
// so the issuer plays its own PIN verification unit with the simulators' PIN
// pad (simulators/internal/simpin): at Start it imports a random local
// verification key "<id>/pvk-<8 hex>" (its clear value held only in the
// issuer's memory), each check translates the block from ZPK to that key
// through the Module, and the issuer deciphers the result to compare the PIN
// with the account's in constant time. Close deletes the local key. This
// adds (then removes) one key in the module's store: TEST use only.
type PIN struct {
	Module hsm.Module
	ZPK    hsm.KeyID
	Format hsm.PINFormat
}

// ErrPINSetup reports a PIN configuration the issuer cannot use.
var ErrPINSetup = simpin.ErrSetup

// pinVerifier checks PIN blocks (see PIN) through the simulators' PIN pad.
type pinVerifier struct{ pad *simpin.Pad }

// newPINVerifier imports the local verification key into cfg.Module.
func newPINVerifier(ctx context.Context, cfg PIN, owner string) (*pinVerifier, error) {
	pad, err := simpin.New(ctx, cfg.Module, cfg.ZPK, cfg.Format, owner+"/pvk")
	if err != nil {
		return nil, err
	}
	return &pinVerifier{pad: pad}, nil
}

// check reports whether the PIN in block (field 52) is want. A block that
// does not decode in the configured format counts as a wrong PIN; module
// failures are returned.
func (v *pinVerifier) check(ctx context.Context, block, pan []byte, want string) (bool, error) {
	pin, err := v.pad.PIN(ctx, pan, block)
	defer clear(pin)
	if errors.Is(err, hsm.ErrPINFormat) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(pin, []byte(want)) == 1, nil
}

// close removes the local verification key from the module.
func (v *pinVerifier) close(ctx context.Context) error { return v.pad.Close(ctx) }

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
