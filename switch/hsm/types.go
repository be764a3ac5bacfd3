package hsm

import (
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/symmetric"
)

// KeyType is a key's purpose. A module refuses to use a key for another purpose (ErrKeyType).
type KeyType uint8

// Key types.
const (
	ZMK KeyType = iota + 1 // zone master key: key-encrypting key for key exchange
	ZPK                    // zone PIN key: PIN block encryption
	ZAK                    // zone MAC key: message authentication
)

// String returns "ZMK", "ZPK", "ZAK" or "KeyType(n)".
func (t KeyType) String() string {
	switch t {
	case ZMK:
		return "ZMK"
	case ZPK:
		return "ZPK"
	case ZAK:
		return "ZAK"
	}
	return "KeyType(" + strconv.Itoa(int(t)) + ")"
}

// ParseKeyType reads the names String returns.
func ParseKeyType(s string) (KeyType, error) {
	switch s {
	case "ZMK":
		return ZMK, nil
	case "ZPK":
		return ZPK, nil
	case "ZAK":
		return ZAK, nil
	}
	return 0, NewError("ParseKeyType", "", ErrUnsupported, "unknown key type name")
}

// Valid reports whether t is one of the defined key types.
func (t KeyType) Valid() bool { return t >= ZMK && t <= ZAK }

// KeyID names a key inside a module, e.g. "01020000/zpk". It is opaque to the
// module and not secret: it may appear in errors and logs.
type KeyID string

// MaxKeyIDLen is the longest key id accepted.
const MaxKeyIDLen = 128

// Validate checks that id is 1..MaxKeyIDLen characters from A-Z a-z 0-9 and "._-/:".
func (id KeyID) Validate() error {
	if len(id) == 0 || len(id) > MaxKeyIDLen {
		return NewError("KeyID", "", ErrInvalid, "key id length outside 1..128")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-' || c == '/' || c == ':'
		if !ok {
			return NewError("KeyID", "", ErrInvalid, "key id holds a character outside A-Z a-z 0-9 ._-/:")
		}
	}
	return nil
}

// KeyInfo describes a key without its value.
type KeyInfo struct {
	ID      KeyID
	Type    KeyType
	Alg     symmetric.Algorithm
	Length  int       // key length in bytes (symmetric.TDES 16 or 24, symmetric.SM4 16)
	KCV     string    // check value, 6 upper-case hex digits (see KCV)
	Created time.Time // when the key was generated or imported
}

// PINFormat is an ISO 9564-1 PIN block format. The constants' values are the
// format numbers, so they map directly onto field 53.
type PINFormat uint8

// PIN block formats.
const (
	ISO0 PINFormat = 0 // format 0: PIN field XOR PAN field, 8 bytes (TDES keys)
	ISO1 PINFormat = 1 // format 1: PIN with random fill, no PAN, 8 bytes (TDES keys)
	ISO3 PINFormat = 3 // format 3: as format 0 with random A-F fill, 8 bytes (TDES keys)
	ISO4 PINFormat = 4 // format 4: 16-byte block, enciphered in two steps (SM4 keys here)
)

// String returns "ISO0", "ISO1", "ISO3", "ISO4" or "PINFormat(n)".
func (f PINFormat) String() string {
	switch f {
	case ISO0, ISO1, ISO3, ISO4:
		return "ISO" + strconv.Itoa(int(f))
	}
	return "PINFormat(" + strconv.Itoa(int(f)) + ")"
}

// BlockSize returns the PIN block length in bytes (8, or 16 for ISO4), 0 for an unknown format.
func (f PINFormat) BlockSize() int {
	switch f {
	case ISO0, ISO1, ISO3:
		return 8
	case ISO4:
		return 16
	}
	return 0
}

// TranslatePIN is a PIN translation request: the PIN block Block, enciphered
// under key From in format FromFormat, is re-enciphered under key To in format
// ToFormat. PAN holds the account number as ASCII digits (formats 0, 3, 4 need it).
type TranslatePIN struct {
	From       KeyID
	FromFormat PINFormat
	To         KeyID
	ToFormat   PINFormat
	PAN        []byte
	Block      []byte
}

// SecurityControl returns ISO 8583 field 53 (n16) for PIN blocks in format
// f: position 1 the ISO 9564 format (0, 1, 3, 4), position 2 the algorithm
// (1 = 3DES, 4 = SM4, the codes PBOC uses in 9F10), fourteen zeros after.
func SecurityControl(f PINFormat) string {
	alg := byte('1')
	if f == ISO4 {
		alg = '4'
	}
	return string([]byte{'0' + byte(f), alg}) + "00000000000000"
}

// ParsePINFormat reads a PIN block format name as configurations and
// command lines write it: iso0, iso1, iso3 or iso4 (any case).
func ParsePINFormat(name string) (PINFormat, bool) {
	switch strings.ToLower(name) {
	case "iso0":
		return ISO0, true
	case "iso1":
		return ISO1, true
	case "iso3":
		return ISO3, true
	case "iso4":
		return ISO4, true
	}
	return 0, false
}
