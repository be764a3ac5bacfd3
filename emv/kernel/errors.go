package kernel

import (
	"errors"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// Step names a stage of the transaction flow; every *Error carries one.
type Step string

// Steps of the flow, in EMV Book 3 chapter 10 order.
const (
	StepSelect       Step = "application selection"
	StepGPO          Step = "initiate application processing"
	StepReadRecord   Step = "read application data"
	StepODA          Step = "offline data authentication"
	StepRestrictions Step = "processing restrictions"
	StepCVM          Step = "cardholder verification"
	StepRisk         Step = "terminal risk management"
	StepEC           Step = "electronic cash"
	StepFirstAC      Step = "first generate AC"
	StepQPBOC        Step = "qPBOC"
	StepIssuerAuth   Step = "issuer authentication"
	StepScript       Step = "issuer script processing"
	StepSecondAC     Step = "second generate AC"
	StepComplete     Step = "completion"
)

// Sentinel errors; every error the kernel returns is an *Error wrapping one of
// them, or a transport error (card.ErrCardRemoved ...), or an apdu.SW.
var (
	// ErrNoApplication: no application both the card and the terminal support.
	ErrNoApplication = errors.New("no mutually supported application")
	// ErrMalformed: the card answered data that does not parse or has the
	// wrong length.
	ErrMalformed = errors.New("malformed card data")
	// ErrMissing: a mandatory data object is absent.
	ErrMissing = errors.New("mandatory data missing")
	// ErrStatus: the card answered an unexpected status word; the *Error
	// carries it in SW and errors.Is(err, apdu.SW(x)) matches too.
	ErrStatus = errors.New("unexpected status word")
	// ErrState: the Session was used out of order (Complete twice, Complete
	// without an online request ...).
	ErrState = errors.New("session not in the right state")
	// ErrConfig: the Config or Transaction is invalid; Tag names the field.
	ErrConfig = errors.New("invalid terminal configuration")
	// ErrPIN: the PIN supplier failed or returned an unusable PIN.
	ErrPIN = errors.New("PIN entry failed")
	// ErrCardDecision: the card answered a cryptogram the terminal did not
	// allow (e.g. TC for an AAC request).
	ErrCardDecision = errors.New("card answered a cryptogram type it may not")
)

// Error is a kernel failure: the step, the data object concerned (Tag, when
// HasTag) and the status word (when SW is not zero). It never carries data
// values: no PAN, no PIN, no key.
type Error struct {
	Step   Step
	Tag    tlv.Tag
	HasTag bool
	SW     apdu.SW
	Detail string // short, never sensitive
	Err    error
}

// Error implements error.
func (e *Error) Error() string {
	s := "kernel: " + string(e.Step)
	if e.HasTag {
		s += ": tag " + e.Tag.String()
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.SW != 0 {
		s += fmt.Sprintf(": SW %04X", uint16(e.SW))
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the wrapped error, and the status word when there is one.
func (e *Error) Unwrap() []error {
	out := []error{e.Err}
	if e.SW != 0 {
		out = append(out, e.SW)
	}
	return out
}

func stepErr(step Step, err error, detail string) *Error {
	return &Error{Step: step, Err: err, Detail: detail}
}

func tagErr(step Step, tag tlv.Tag, err error, detail string) *Error {
	return &Error{Step: step, Tag: tag, HasTag: true, Err: err, Detail: detail}
}

func swErr(step Step, sw apdu.SW, detail string) *Error {
	return &Error{Step: step, SW: sw, Err: ErrStatus, Detail: detail}
}
