package dialect

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every *FieldError wraps exactly one of them, so callers can
// classify a failure with errors.Is and still learn the field with errors.As.
var (
	// ErrUnknownField: the bitmap (or the Message being packed) names a field
	// the dialect does not define, or the field is 65 (never used).
	ErrUnknownField = errors.New("field not defined by the dialect")
	// ErrTruncated: the data ends inside the MTI, the bitmap or a field.
	ErrTruncated = errors.New("message truncated")
	// ErrLength: a length prefix is malformed, or a value is too long, too
	// short, or not exactly the fixed length.
	ErrLength = errors.New("invalid field length")
	// ErrSyntax: a value holds a character (or BCD nibble) its class forbids.
	ErrSyntax = errors.New("invalid character for field class")
	// ErrTrailingData: bytes remain after the last field named by the bitmap.
	ErrTrailingData = errors.New("trailing data after last field")
	// ErrMissing: the Message to pack has no MTI.
	ErrMissing = errors.New("mandatory element missing")
	// ErrTooLong: the whole message is longer than MaxMessageLen.
	ErrTooLong = errors.New("message longer than maximum")
	// ErrEncoding: a spec's own moov-io Encoder or Prefixer (slow path)
	// rejected the data; its message is dropped because it may quote values.
	ErrEncoding = errors.New("encoder rejected field")
)

// MaxMessageLen is the largest message (MTI onward) Unpack accepts: the most a
// binary2 frame can carry.
const MaxMessageLen = 65535

// FieldError reports which element of a message failed and why. Field 0 is
// the MTI, 1 the bitmap, 2..128 the data elements. Reason never contains a
// field value (values may be PANs, track data or PIN blocks).
type FieldError struct {
	Field  int
	Reason string
	Err    error // one of the package's sentinel errors
}

// Error implements error.
func (e *FieldError) Error() string {
	var name string
	switch e.Field {
	case 0:
		name = "MTI"
	case 1:
		name = "bitmap"
	default:
		name = "field " + strconv.Itoa(e.Field)
	}
	return "iso8583: " + name + ": " + e.Reason
}

// Unwrap returns the sentinel error classifying the failure.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(n int, sentinel error, reason string) *FieldError {
	return &FieldError{Field: n, Reason: reason, Err: sentinel}
}
