package crypto

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error of the package wraps one of them.
var (
	ErrUnsupported = errors.New("crypto: unsupported algorithm or option")
	ErrKeyLength   = errors.New("crypto: wrong key length")
	ErrDataLength  = errors.New("crypto: wrong data length")
	ErrMismatch    = errors.New("crypto: cryptogram mismatch")
	ErrPadding     = errors.New("crypto: bad padding")
)

// opError names the operation that failed; detail never holds secret data.
func opError(op string, err error, detail string) error {
	if detail == "" {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %s: %w", op, detail, err)
}
