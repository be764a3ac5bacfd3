package hsm

import (
	"errors"
	"strconv"
)

// Sentinel errors. Compare with errors.Is: modules wrap them in *Error.
var (
	// ErrNoKey reports a key id the module does not hold.
	ErrNoKey = errors.New("hsm: no such key")
	// ErrKeyExists reports a generate or import under an id already in use.
	ErrKeyExists = errors.New("hsm: key id already in use")
	// ErrKCVMismatch reports a key (or component) whose check value differs from the one given.
	ErrKCVMismatch = errors.New("hsm: key check value mismatch")
	// ErrMACMismatch reports a MAC that does not verify.
	ErrMACMismatch = errors.New("hsm: MAC mismatch")
	// ErrPINFormat reports a malformed PIN, or a clear PIN block that does not follow its format.
	ErrPINFormat = errors.New("hsm: PIN block format error")
	// ErrUnsupported reports an algorithm, format or combination the module does not offer.
	ErrUnsupported = errors.New("hsm: unsupported")
	// ErrKeyType reports a key of the wrong type for an operation.
	ErrKeyType = errors.New("hsm: wrong key type")
	// ErrInvalid reports a malformed argument: key id, key length, PAN, data length, MAC length.
	ErrInvalid = errors.New("hsm: invalid argument")
	// ErrClosed reports an operation on a closed module.
	ErrClosed = errors.New("hsm: module closed")
)

// Error is the error modules return: the operation, the key id concerned (ids are
// not secret), a fixed reason text chosen by the code and the sentinel it wraps.
// It never holds key material, PIN blocks, PINs or PANs.
type Error struct {
	Op     string // operation, e.g. "GenerateMAC"
	Key    KeyID  // key concerned, may be empty
	Reason string // fixed text, never data
	Err    error  // sentinel (or underlying error without data)
}

// NewError returns an *Error wrapping err.
func NewError(op string, key KeyID, err error, reason string) *Error {
	return &Error{Op: op, Key: key, Reason: reason, Err: err}
}

// Error implements error.
func (e *Error) Error() string {
	s := "hsm: " + e.Op
	if e.Key != "" {
		s += " key " + strconv.Quote(string(e.Key))
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the wrapped sentinel.
func (e *Error) Unwrap() error { return e.Err }
