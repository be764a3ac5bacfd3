package pan

import (
	"fmt"
	"log/slog"
	"strconv"
)

// Masked is a PAN that renders only as its mask (see Mask). String, GoString,
// Format (every fmt verb, including %v, %s, %q, %x and %#v), LogValue,
// MarshalText and MarshalJSON all produce the mask, never the clear digits.
// The clear value is still available by converting explicitly: []byte(m).
//
// Limitation: fmt and reflection-based encoders cannot call methods on
// unexported struct fields, so a Masked stored in an unexported field of a
// struct that is printed with %v is shown as raw bytes. Keep Masked values in
// exported fields, or log them directly.
type Masked []byte

// String returns the mask.
func (m Masked) String() string { return Mask(m) }

// GoString returns a Go-syntax form that holds only the mask.
func (m Masked) GoString() string { return "pan.Masked(" + strconv.Quote(Mask(m)) + ")" }

// Format implements fmt.Formatter so that every verb prints the mask: %q
// quotes it, %#v prints GoString, any other verb prints the mask as %s would
// (width, precision and the '-' flag are honoured).
func (m Masked) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = fmt.Fprint(f, m.GoString())
	case verb == 'q':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 'q'), Mask(m))
	default:
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 's'), Mask(m))
	}
}

// LogValue implements slog.LogValuer: loggers see only the mask.
func (m Masked) LogValue() slog.Value { return slog.StringValue(Mask(m)) }

// MarshalText implements encoding.TextMarshaler with the mask.
func (m Masked) MarshalText() ([]byte, error) { return []byte(Mask(m)), nil }

// MarshalJSON implements json.Marshaler: a JSON string holding the mask.
func (m Masked) MarshalJSON() ([]byte, error) {
	// The mask contains only digits and '*', so quoting needs no escaping.
	return strconv.AppendQuote(nil, Mask(m)), nil
}
