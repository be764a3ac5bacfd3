package simcard

import (
	"encoding/hex"
	"strings"

	"gopkg.in/yaml.v3"
)

// Hex is a byte string written in a profile as hexadecimal digits; spaces are
// allowed between bytes ("08010100 10010300").
type Hex []byte

// maxHexField bounds one hex field of a profile (a certificate is at most
// 248 bytes, a record at most 254; 4 KiB leaves room for PEM-free keys).
const maxHexField = 4096

// UnmarshalYAML decodes a hex string.
func (h *Hex) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	b, err := parseHex(s)
	if err != nil {
		return err
	}
	*h = b
	return nil
}

// MarshalYAML encodes as upper-case hex.
func (h Hex) MarshalYAML() (any, error) { return strings.ToUpper(hex.EncodeToString(h)), nil }

// String returns upper-case hex.
func (h Hex) String() string { return strings.ToUpper(hex.EncodeToString(h)) }

// parseHex decodes hex digits, ignoring spaces.
func parseHex(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	if len(s) > 2*maxHexField {
		return nil, errTooLong
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errBadHex
	}
	return b, nil
}
