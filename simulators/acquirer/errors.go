package acquirer

import (
	"errors"
)

// Errors returned by the Client.
var (
	ErrClosed       = errors.New("acquirer: connection closed")
	ErrNilMessage   = errors.New("acquirer: nil message")
	ErrNotRequest   = errors.New("acquirer: MTI is not a request or advice")
	ErrDuplicateKey = errors.New("acquirer: a request with the same MTI, 7, 11 and 32 is already pending")
	ErrNoID         = errors.New("acquirer: institution id must be 1..11 digits")
)

// ResponseError reports a network management request answered with a
// response code other than "00".
type ResponseError struct {
	Op   string // "sign-on", "sign-off" or "echo"
	Code string // field 39 of the answer ("" when absent)
}

// Error implements error.
func (e *ResponseError) Error() string {
	code := e.Code
	if code == "" {
		code = "none"
	}
	return "acquirer: " + e.Op + " answered with response code " + code
}
