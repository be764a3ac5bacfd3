package symmetric

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error of the package (and of the card
// cryptography built on it, emv/crypto) wraps one of them.
var (
	ErrUnsupported = errors.New("symmetric: unsupported algorithm or option")
	ErrKeyLength   = errors.New("symmetric: wrong key length")
	ErrDataLength  = errors.New("symmetric: wrong data length")
	ErrPadding     = errors.New("symmetric: bad padding")
)

// opError names the operation that failed; detail never holds secret data.
func opError(op string, err error, detail string) error {
	if detail == "" {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %s: %w", op, detail, err)
}
