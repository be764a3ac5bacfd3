package dialect

import "github.com/moov-io/iso8583/field"

// Class is the ISO 8583:1987 character class of a data element. It decides
// what Unpack and Pack accept as a canonical value.
type Class uint8

// Classes. ClassANS is the zero value: the most permissive text class.
const (
	ClassANS Class = iota // any byte >= 0x20 except 0x7F
	ClassN                // ASCII digits
	ClassAN               // letters, digits, space
	ClassZ                // track 2: digits and '=' or 'D'
	ClassB                // raw bytes, not checked
)

// String returns the class as written in field tables ("n", "an"...).
func (c Class) String() string {
	switch c {
	case ClassN:
		return "n"
	case ClassAN:
		return "an"
	case ClassZ:
		return "z"
	case ClassB:
		return "b"
	default:
		return "ans"
	}
}

// Element is a moov-io field type: a *field.String that also records its ISO
// 8583 character class, because moov-io's own types cannot say "n, but keep
// every digit" (field.Numeric holds an int64, which drops leading zeros of
// variable-length numbers and overflows at 19 digits) nor "an".
// With moov-io's iso8583.Message an Element behaves exactly like a
// *field.String; Compile reads its Class to validate values.
type Element struct {
	*moovString
	Class Class
}

// moovString lets Element embed *field.String under a name that does not
// shadow the String method.
type moovString = field.String

// NewElement returns an Element with the given spec and class.
func NewElement(spec *field.Spec, class Class) *Element {
	return &Element{moovString: field.NewString(spec), Class: class}
}

// NewInstance implements field.Instantiator so that moov-io's Message creates
// Elements (not plain Strings) from a spec.
func (e *Element) NewInstance() field.Field {
	return NewElement(e.Spec(), e.Class)
}
