package oda

import "errors"

// Step names the object being checked when an error occurs.
type Step string

// Steps.
const (
	StepIssuerCert Step = "issuer certificate"
	StepICCCert    Step = "ICC certificate"
	StepSDA        Step = "signed static data"
	StepDDA        Step = "signed dynamic data"
	StepCDA        Step = "CDA signed dynamic data"
	StepSign       Step = "signing"
)

// Sentinel errors, wrapped by *Error.
var (
	ErrInput           = errors.New("malformed input")
	ErrLength          = errors.New("length does not match the key")
	ErrHeader          = errors.New("wrong header")
	ErrTrailer         = errors.New("wrong trailer")
	ErrFormat          = errors.New("wrong format")
	ErrHashAlgorithm   = errors.New("unsupported hash algorithm")
	ErrKeyAlgorithm    = errors.New("unsupported public key algorithm")
	ErrHash            = errors.New("hash mismatch")
	ErrSignature       = errors.New("signature invalid")
	ErrExpired         = errors.New("certificate expired")
	ErrIssuerID        = errors.New("issuer identifier does not match the PAN")
	ErrPAN             = errors.New("certificate PAN does not match the application PAN")
	ErrCID             = errors.New("cryptogram information data mismatch")
	ErrTransactionHash = errors.New("transaction data hash mismatch")
	ErrKey             = errors.New("invalid key")
)

// Error reports which step failed and why. It never holds card data.
type Error struct {
	Step   Step
	Err    error  // one of the sentinels
	Detail string // optional, never sensitive
}

func (e *Error) Error() string {
	s := "oda: " + string(e.Step) + ": " + e.Err.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func fail(step Step, err error, detail string) error {
	return &Error{Step: step, Err: err, Detail: detail}
}
