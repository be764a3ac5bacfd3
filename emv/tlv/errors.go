package tlv

import "strconv"

// Kind classifies a parse error. Each Kind is itself an error, so callers
// test with errors.Is(err, tlv.ErrOverrun).
type Kind uint8

// Error kinds reported by the parser.
const (
	// ErrTruncated: the input ends inside a tag or a length field.
	ErrTruncated Kind = iota + 1
	// ErrTagTooLong: a tag of more than MaxTagLen bytes.
	ErrTagTooLong
	// ErrInvalidTag: a tag whose first subsequent byte is '80'.
	ErrInvalidTag
	// ErrPadding: a '00' or 'FF' byte where a tag should start (strict mode,
	// or any mode in ParseTag).
	ErrPadding
	// ErrIndefiniteLength: the indefinite length form '80'.
	ErrIndefiniteLength
	// ErrLengthTooLong: a length field of more than 3 subsequent bytes.
	ErrLengthTooLong
	// ErrOverrun: a value longer than the bytes left in the input or in the
	// enclosing template.
	ErrOverrun
	// ErrDepth: constructed objects nested deeper than Options.MaxDepth.
	ErrDepth
	// ErrDuplicate: a tag occurs twice in one template (RejectDuplicates).
	ErrDuplicate
)

// Error implements error.
func (k Kind) Error() string { return "tlv: " + k.String() }

// String describes the kind.
func (k Kind) String() string {
	switch k {
	case ErrTruncated:
		return "truncated tag or length"
	case ErrTagTooLong:
		return "tag longer than 4 bytes"
	case ErrInvalidTag:
		return "invalid tag encoding"
	case ErrPadding:
		return "padding byte where a tag should start"
	case ErrIndefiniteLength:
		return "indefinite length not allowed"
	case ErrLengthTooLong:
		return "length field longer than 3 bytes"
	case ErrOverrun:
		return "value overruns its container"
	case ErrDepth:
		return "nesting too deep"
	case ErrDuplicate:
		return "duplicate tag in template"
	default:
		return "unknown error"
	}
}

// Error is a parse error. It names the byte offset (from the start of the
// input given to Parse, ParseWith, ParsePrefix or ParseTag) of the data
// object concerned, and its tag when the tag was already read (HasTag). It
// never carries value bytes.
type Error struct {
	Kind   Kind
	Offset int
	Tag    Tag
	HasTag bool
}

// Error implements error.
func (e *Error) Error() string {
	s := "tlv: " + e.Kind.String()
	if e.HasTag {
		s += " (tag " + e.Tag.String() + ")"
	}
	return s + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns the Kind, so errors.Is(err, tlv.ErrOverrun) works.
func (e *Error) Unwrap() error { return e.Kind }

func errAt(k Kind, off int) *Error { return &Error{Kind: k, Offset: off} }

func errTag(k Kind, off int, t Tag) *Error {
	return &Error{Kind: k, Offset: off, Tag: t, HasTag: true}
}
