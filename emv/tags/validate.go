package tags

import (
	"strconv"

	"github.com/hulian/hulian/emv/tlv"
)

// Reason says why Validate rejected a value.
type Reason uint8

// Reasons reported by Validate.
const (
	// ReasonUnknownTag: the tag is not in the dictionary.
	ReasonUnknownTag Reason = iota + 1
	// ReasonLength: the value length is outside MinLen..MaxLen.
	ReasonLength
	// ReasonFormat: a byte or nibble not allowed by the tag's format.
	ReasonFormat
)

// String describes the reason.
func (r Reason) String() string {
	switch r {
	case ReasonUnknownTag:
		return "unknown tag"
	case ReasonLength:
		return "length out of range"
	case ReasonFormat:
		return "value does not match format"
	default:
		return "unknown reason"
	}
}

// Error is returned by Validate. It names the tag, the reason, the value
// length and, for ReasonFormat, the offset of the first bad byte; it never
// carries value bytes.
type Error struct {
	Tag    tlv.Tag
	Reason Reason
	Len    int
	Offset int
}

// Error implements error.
func (e *Error) Error() string {
	s := "tags: " + e.Tag.String() + ": " + e.Reason.String()
	switch e.Reason {
	case ReasonLength:
		s += " (" + strconv.Itoa(e.Len) + " bytes)"
	case ReasonFormat:
		s += " at byte " + strconv.Itoa(e.Offset)
	}
	return s
}

// Is makes errors.Is(err, &tags.Error{Reason: r}) match on the reason alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Reason == e.Reason
}

// Validate checks value against the dictionary entry of tag: its length in
// bytes and its format. Unknown tags give ReasonUnknownTag. Constructed tags
// are checked for length only (their content is checked by the parser).
func Validate(tag tlv.Tag, value []byte) error {
	info, ok := Lookup(tag)
	if !ok {
		return &Error{Tag: tag, Reason: ReasonUnknownTag, Len: len(value)}
	}
	if len(value) < info.MinLen || len(value) > info.MaxLen {
		return &Error{Tag: tag, Reason: ReasonLength, Len: len(value)}
	}
	if tag.Constructed() {
		return nil
	}
	if i := CheckFormat(info.Format, value); i >= 0 {
		return &Error{Tag: tag, Reason: ReasonFormat, Len: len(value), Offset: i}
	}
	return nil
}

// CheckFormat returns the index of the first byte of value that format f
// does not allow, or -1 when value conforms (EMV Book 3 section 4.3):
//   - n: every nibble is a BCD digit 0-9;
//   - cn: BCD digits, then only 'F' nibbles of padding to the end;
//   - a: 'a'-'z', 'A'-'Z'; an: those and '0'-'9';
//   - ans: printable ASCII 0x20-0x7E (the common character set of Book 4
//     Annex B; issuer code table characters above 0x7F are rejected);
//   - b: anything.
func CheckFormat(f Format, value []byte) int {
	switch f {
	case FormatN:
		return checkN(value)
	case FormatCN:
		return checkCN(value)
	case FormatA, FormatAN, FormatANS:
		for i, c := range value {
			if !charOK(f, c) {
				return i
			}
		}
	}
	return -1
}

func checkN(v []byte) int {
	for i, c := range v {
		if c>>4 > 9 || c&0x0F > 9 {
			return i
		}
	}
	return -1
}

func checkCN(v []byte) int {
	pad := false
	for i, c := range v {
		for _, d := range [2]byte{c >> 4, c & 0x0F} {
			switch {
			case d == 0x0F:
				pad = true
			case d > 9 || pad:
				return i
			}
		}
	}
	return -1
}

func charOK(f Format, c byte) bool {
	alpha := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	switch f {
	case FormatA:
		return alpha
	case FormatAN:
		return alpha || (c >= '0' && c <= '9')
	default:
		return c >= 0x20 && c <= 0x7E
	}
}
