package load

import (
	"context"

	"github.com/hulian/hulian/simulators/internal/simpin"
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
var ErrPINSetup = simpin.ErrSetup

// ModulePIN enciphers PIN blocks under an acquirer's zone PIN key inside a
// security module, as a PIN pad and its acquirer host do: the simulators'
// PIN pad (simulators/internal/simpin) with a random terminal key
// "<zpk>.pad-<8 hex>" imported next to the ZPK. Format 0 (or 1, 3) with a
// TDES ZPK, format 4 with an SM4 ZPK. Close deletes the terminal key: give
// the module a scratch copy of a shared key store (paysim load does).
// TEST use only.
type ModulePIN = simpin.Pad

// NewModulePIN prepares PIN blocks in format f under the ZPK zpk of m.
func NewModulePIN(ctx context.Context, m hsm.Module, zpk hsm.KeyID, f hsm.PINFormat) (*ModulePIN, error) {
	return simpin.New(ctx, m, zpk, f, string(zpk)+".pad")
}
