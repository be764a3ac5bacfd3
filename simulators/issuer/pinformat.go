package issuer

import (
	"errors"
	"strings"

	"github.com/hulian/hulian/switch/hsm"
)

// ErrPINFormat: a PIN block format name that is not iso0, iso1, iso3 or
// iso4.
var ErrPINFormat = errors.New("issuer: PIN block format: want iso0, iso1, iso3 or iso4")

// PINFormatFor is the PIN block format a simulator uses on a connection:
// the one named (iso0, iso1, iso3, iso4), or without a name the dialect's
// (ISO 9564 format 4 for the -sm dialects' 16-byte blocks, else format 0).
func PINFormatFor(name, dialect string) (hsm.PINFormat, error) {
	if name == "" {
		if strings.HasSuffix(dialect, "-sm") {
			return hsm.ISO4, nil
		}
		return hsm.ISO0, nil
	}
	if f, ok := hsm.ParsePINFormat(name); ok {
		return f, nil
	}
	return 0, ErrPINFormat
}
