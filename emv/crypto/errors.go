package crypto

import (
	"errors"
	"fmt"
)

// ErrMismatch: a cryptogram or MAC does not verify. Errors about keys,
// lengths and algorithms wrap the sentinels of package symmetric.
var ErrMismatch = errors.New("crypto: cryptogram mismatch")

// opError names the operation that failed; detail never holds secret data.
func opError(op string, err error, detail string) error {
	if detail == "" {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %s: %w", op, detail, err)
}
