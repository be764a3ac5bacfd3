package pos

import "errors"

// Errors of the terminal. Run wraps kernel and transport errors as they
// are (errors.Is works through them).
var (
	// ErrConfig: the Config is not usable; the message names the field.
	ErrConfig = errors.New("pos: invalid configuration")
	// ErrCardData: the card did not give what the online request needs
	// (PAN, expiry ...).
	ErrCardData = errors.New("pos: card data unusable")
	// ErrIssuerData: the answer's field 55 is not BER-TLV or its 91 has the
	// wrong length. The transaction still completes (without issuer data).
	ErrIssuerData = errors.New("pos: issuer data unusable")
	// ErrPIN: the PIN could not be captured or enciphered.
	ErrPIN = errors.New("pos: online PIN failed")
)
