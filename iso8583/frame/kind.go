package frame

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is a framing: the shape of the length prefix in front of each frame.
type Kind uint8

const (
	// ASCII4 is a prefix of 4 ASCII decimal digits ("0123").
	ASCII4 Kind = iota + 1
	// Binary2 is a 2-byte big-endian unsigned prefix.
	Binary2
)

// DefaultMax is the body length limit used when a Reader is given max <= 0.
const DefaultMax = 8192

// Largest body each framing can express.
const (
	maxASCII4  = 9999
	maxBinary2 = 65535
)

// ParseKind returns the Kind named s: "ascii4" or "binary2" (case-insensitive).
func ParseKind(s string) (Kind, error) {
	switch {
	case strings.EqualFold(s, "ascii4"):
		return ASCII4, nil
	case strings.EqualFold(s, "binary2"):
		return Binary2, nil
	}
	return 0, fmt.Errorf("%w: %q (want ascii4 or binary2)", ErrUnknownKind, s)
}

// String returns the configuration name of k, or "Kind(n)" for an unknown value.
func (k Kind) String() string {
	switch k {
	case ASCII4:
		return "ascii4"
	case Binary2:
		return "binary2"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// PrefixLen returns the length in bytes of k's prefix, or 0 for an unknown Kind.
func (k Kind) PrefixLen() int {
	switch k {
	case ASCII4:
		return 4
	case Binary2:
		return 2
	}
	return 0
}

// limit returns the largest body length k can express, or 0 for an unknown Kind.
func (k Kind) limit() int {
	switch k {
	case ASCII4:
		return maxASCII4
	case Binary2:
		return maxBinary2
	}
	return 0
}
