package dol

import (
	"errors"
	"strconv"

	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
)

// MaxLen is the longest DOL Parse accepts, in bytes: a DOL travels as the
// value of one record-borne data object (at most 252 bytes, Book 3 5.3),
// with room to spare.
const MaxLen = 255

// Entry is one DOL entry: the tag of a data element and the number of bytes
// of its value the DOL asks for.
type Entry struct {
	Tag tlv.Tag
	Len int
}

// DOL is a data object list, in order.
type DOL []Entry

// Kind classifies a DOL error; each Kind is an error for errors.Is.
type Kind uint8

// Error kinds.
const (
	// ErrTooLong: the DOL is longer than MaxLen bytes.
	ErrTooLong Kind = iota + 1
	// ErrTag: an entry's tag is malformed (the *Error wraps the tlv error).
	ErrTag
	// ErrTruncated: the DOL ends after a tag, before its length byte.
	ErrTruncated
	// ErrDataLength: Split was given data whose length is not Len().
	ErrDataLength
)

// Error implements error.
func (k Kind) Error() string {
	switch k {
	case ErrTooLong:
		return "dol: longer than 255 bytes"
	case ErrTag:
		return "dol: malformed tag"
	case ErrTruncated:
		return "dol: missing length byte"
	case ErrDataLength:
		return "dol: data length does not match the DOL"
	default:
		return "dol: unknown error"
	}
}

// Error is a DOL error. Offset is the byte offset of the entry in the DOL
// (Parse) or the length of the data (Split); Tag is set when known. It
// never carries data values.
type Error struct {
	Kind   Kind
	Offset int
	Tag    tlv.Tag
	HasTag bool
	Err    error // the tlv error behind ErrTag
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.HasTag {
		s += " (tag " + e.Tag.String() + ")"
	}
	s += " at offset " + strconv.Itoa(e.Offset)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the Kind and, for ErrTag, the tlv error.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Parse decodes a DOL: a sequence of BER-TLV tags (emv/tlv ParseTag), each
// followed by a one-byte length. Constructed tags and repeated tags are
// accepted (Build fills constructed tags with zeros).
func Parse(b []byte) (DOL, error) {
	if len(b) > MaxLen {
		return nil, &Error{Kind: ErrTooLong, Offset: MaxLen}
	}
	var d DOL
	for i := 0; i < len(b); {
		t, n, err := tlv.ParseTag(b[i:])
		if err != nil {
			var te *tlv.Error
			if errors.As(err, &te) {
				te.Offset += i
			}
			return nil, &Error{Kind: ErrTag, Offset: i, Err: err}
		}
		if i+n >= len(b) {
			return nil, &Error{Kind: ErrTruncated, Offset: i, Tag: t, HasTag: true}
		}
		d = append(d, Entry{Tag: t, Len: int(b[i+n])})
		i += n + 1
	}
	return d, nil
}

// Append appends the encoding of d (each tag followed by its length byte)
// to dst. Lengths are clamped to 0..255.
func (d DOL) Append(dst []byte) []byte {
	for _, e := range d {
		dst = tlv.AppendTag(dst, e.Tag)
		dst = append(dst, byte(max(0, min(e.Len, 255))))
	}
	return dst
}

// Len is the number of bytes of the data d describes: the sum of the entry
// lengths.
func (d DOL) Len() int {
	n := 0
	for _, e := range d {
		n += max(0, e.Len)
	}
	return n
}

// Split cuts data, the concatenated values a terminal built for d, into the
// value of each tag (card side). The values alias data. When a tag occurs
// twice in d, the first occurrence's value is kept. data must be exactly
// Len() bytes long (ErrDataLength otherwise).
func (d DOL) Split(data []byte) (map[tlv.Tag][]byte, error) {
	if len(data) != d.Len() {
		return nil, &Error{Kind: ErrDataLength, Offset: len(data)}
	}
	m := make(map[tlv.Tag][]byte, len(d))
	off := 0
	for _, e := range d {
		n := max(0, e.Len)
		if _, dup := m[e.Tag]; !dup {
			m[e.Tag] = data[off : off+n : off+n]
		}
		off += n
	}
	return m, nil
}

// Build returns the data d asks for (terminal side), per EMV Book 3 5.4.
// See AppendBuild.
func (d DOL) Build(lookup func(tlv.Tag) ([]byte, bool)) []byte {
	return d.AppendBuild(make([]byte, 0, d.Len()), lookup)
}

// AppendBuild appends to dst, for each entry of d in order, exactly Len
// bytes (EMV 4.4 Book 3 section 5.4):
//   - zeros when the tag is constructed, or lookup reports it absent (data
//     unknown to the terminal or not available);
//   - otherwise the value from lookup, fitted to Len by the format of the
//     tag in emv/tags (tags not in the dictionary are treated as b):
//     n: padded on the left with '00', truncated on the left (the rightmost
//     bytes are kept); cn: padded on the right with 'FF', truncated on the
//     right; any other format: padded on the right with '00', truncated on
//     the right.
func (d DOL) AppendBuild(dst []byte, lookup func(tlv.Tag) ([]byte, bool)) []byte {
	for _, e := range d {
		n := max(0, e.Len)
		v, ok := lookup(e.Tag)
		if !ok || e.Tag.Constructed() {
			dst = appendFill(dst, 0x00, n)
			continue
		}
		info, _ := tags.Lookup(e.Tag)
		dst = appendFitted(dst, v, n, info.Format)
	}
	return dst
}

// appendFitted appends v fitted to n bytes according to format f.
func appendFitted(dst, v []byte, n int, f tags.Format) []byte {
	if f == tags.FormatN {
		if len(v) >= n {
			return append(dst, v[len(v)-n:]...)
		}
		dst = appendFill(dst, 0x00, n-len(v))
		return append(dst, v...)
	}
	if len(v) >= n {
		return append(dst, v[:n]...)
	}
	dst = append(dst, v...)
	pad := byte(0x00)
	if f == tags.FormatCN {
		pad = 0xFF
	}
	return appendFill(dst, pad, n-len(v))
}

func appendFill(dst []byte, b byte, n int) []byte {
	for range n {
		dst = append(dst, b)
	}
	return dst
}
