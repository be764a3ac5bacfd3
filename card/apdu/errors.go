package apdu

import "errors"

// Errors of Encode and Parse.
var (
	// ErrShort: fewer bytes than a header (command) or a status word
	// (response).
	ErrShort = errors.New("apdu: too short")
	// ErrLength: the Lc/Le bytes do not match the length of the APDU.
	ErrLength = errors.New("apdu: length fields do not match the APDU length")
	// ErrData: the command data field is longer than 65,535 bytes.
	ErrData = errors.New("apdu: command data longer than 65535 bytes")
	// ErrLe: Le is outside -1..65536.
	ErrLe = errors.New("apdu: Le out of range")
)
