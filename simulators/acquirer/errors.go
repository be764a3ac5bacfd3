package acquirer

import (
	"errors"

	"github.com/hulian/hulian/iso8583/dialect"
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

// MACError reports a response whose MAC (field 128) is missing or does not
// verify under Config.MAC. Do still copies the response into resp, but it
// must not be trusted. Err wraps hsm.ErrMACMismatch for a wrong MAC.
type MACError struct {
	MTI  string // of the response
	STAN string // field 11 of the response
	Err  error
}

func newMACError(m *dialect.Message, err error) *MACError {
	return &MACError{MTI: string(m.MTI()), STAN: string(m.Field(fieldSTAN)), Err: err}
}

// Error implements error.
func (e *MACError) Error() string {
	return "acquirer: response " + e.MTI + " STAN " + e.STAN + ": bad MAC: " + e.Err.Error()
}

// Unwrap returns the verification error.
func (e *MACError) Unwrap() error { return e.Err }
