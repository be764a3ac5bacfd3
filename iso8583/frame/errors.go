package frame

import (
	"errors"
	"strconv"
)

// Sentinel errors. Compare with errors.Is.
var (
	// ErrUnknownKind reports a Kind that is neither ASCII4 nor Binary2.
	ErrUnknownKind = errors.New("frame: unknown framing kind")
	// ErrBadPrefix reports an ASCII4 prefix holding something other than 4 decimal digits.
	ErrBadPrefix = errors.New("frame: length prefix is not 4 decimal digits")
	// ErrEmptyFrame reports a frame whose prefix declares a zero-length body.
	ErrEmptyFrame = errors.New("frame: empty frame")
	// ErrBadOffset reports a Patch offset that does not leave room for a prefix.
	ErrBadOffset = errors.New("frame: prefix offset out of range")
	// ErrWriterClosed reports an Enqueue after Close, after a write error, or after Run returned.
	ErrWriterClosed = errors.New("frame: writer closed")
	// ErrBackpressure reports an Enqueue that would push the pending bytes over MaxPending.
	ErrBackpressure = errors.New("frame: too many bytes pending")
)

// LengthError reports a frame length over the allowed maximum: when reading,
// the length the prefix declares; when encoding, the body length.
// It carries lengths only, never frame content.
type LengthError struct {
	Declared int // length declared by the prefix (or the body length when encoding)
	Max      int // largest length allowed
}

// Error implements error.
func (e *LengthError) Error() string {
	return "frame: length " + strconv.Itoa(e.Declared) + " outside 1.." + strconv.Itoa(e.Max)
}

// errShrunk reports an EnqueueFunc callback that returned fewer bytes than it was given.
var errShrunk = errors.New("frame: EnqueueFunc callback removed pending bytes")
