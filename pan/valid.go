package pan

// Reason says why a PAN was rejected by Valid.
type Reason uint8

// Reasons reported by Valid.
const (
	// ReasonLength: fewer than MinLen or more than MaxLen bytes.
	ReasonLength Reason = iota + 1
	// ReasonNotDigits: a byte other than an ASCII digit.
	ReasonNotDigits
	// ReasonLuhn: the check digit is wrong.
	ReasonLuhn
)

// String names the reason.
func (r Reason) String() string {
	switch r {
	case ReasonLength:
		return "length not in 12..19"
	case ReasonNotDigits:
		return "not all digits"
	case ReasonLuhn:
		return "Luhn check digit mismatch"
	default:
		return "unknown reason"
	}
}

// Error is returned by Valid. It carries the reason and the length of the
// rejected value, never the value itself.
type Error struct {
	Reason Reason
	Len    int
}

// Error implements error without revealing any digit.
func (e *Error) Error() string { return "pan: invalid: " + e.Reason.String() }

// Is lets errors.Is(err, &pan.Error{Reason: pan.ReasonLuhn}) match on the
// reason alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Reason == e.Reason
}

// Valid checks that pan has 12..19 ASCII digits and a correct Luhn check
// digit. It returns nil or an *Error.
func Valid(pan []byte) error {
	n := len(pan)
	if n < MinLen || n > MaxLen {
		return &Error{Reason: ReasonLength, Len: n}
	}
	if !allDigits(pan) {
		return &Error{Reason: ReasonNotDigits, Len: n}
	}
	if !Luhn(pan) {
		return &Error{Reason: ReasonLuhn, Len: n}
	}
	return nil
}
