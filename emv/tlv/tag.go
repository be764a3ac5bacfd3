package tlv

import "encoding/hex"

// MaxTagLen is the longest tag accepted, in bytes.
const MaxTagLen = 4

// Tag is a BER-TLV tag: its bytes held big-endian, so '9F26' is
// Tag(0x9F26) and '5A' is Tag(0x5A).
type Tag uint32

// Class is the class of a tag (b8 b7 of its first byte).
type Class uint8

// Tag classes (ISO/IEC 8825-1 8.1.2.2).
const (
	ClassUniversal   Class = 0
	ClassApplication Class = 1
	ClassContext     Class = 2
	ClassPrivate     Class = 3
)

// String names the class.
func (c Class) String() string {
	switch c {
	case ClassUniversal:
		return "universal"
	case ClassApplication:
		return "application"
	case ClassContext:
		return "context-specific"
	default:
		return "private"
	}
}

// Len is the number of bytes of the tag's encoding (1..4).
func (t Tag) Len() int {
	switch {
	case t > 0xFFFFFF:
		return 4
	case t > 0xFFFF:
		return 3
	case t > 0xFF:
		return 2
	default:
		return 1
	}
}

// first is the first byte of the tag's encoding.
func (t Tag) first() byte { return byte(t >> (8 * (t.Len() - 1))) }

// Constructed reports whether b6 of the first tag byte is set: the value is
// itself a sequence of data objects.
func (t Tag) Constructed() bool { return t.first()&0x20 != 0 }

// Class returns the class encoded in b8 b7 of the first tag byte.
func (t Tag) Class() Class { return Class(t.first() >> 6) }

// String is the tag in upper-case hex, two digits per byte ("9F26").
func (t Tag) String() string {
	var buf [2 * MaxTagLen]byte
	var raw [MaxTagLen]byte
	b := AppendTag(raw[:0], t)
	n := hex.Encode(buf[:], b)
	for i := range n {
		if buf[i] >= 'a' {
			buf[i] -= 'a' - 'A'
		}
	}
	return string(buf[:n])
}

// AppendTag appends the encoding of t (Len bytes, big-endian) to dst.
func AppendTag(dst []byte, t Tag) []byte {
	for i := t.Len() - 1; i >= 0; i-- {
		dst = append(dst, byte(t>>(8*i)))
	}
	return dst
}

// ParseTag reads one tag from the start of b and returns it with the number
// of bytes it takes. It rejects a '00' or 'FF' first byte (padding,
// ErrPadding), tags longer than MaxTagLen bytes, a first subsequent byte of
// '80', and input that ends inside the tag. Error offsets are relative to b.
func ParseTag(b []byte) (Tag, int, error) {
	if len(b) == 0 {
		return 0, 0, errAt(ErrTruncated, 0)
	}
	if b[0] == 0x00 || b[0] == 0xFF {
		return 0, 0, errAt(ErrPadding, 0)
	}
	t := Tag(b[0])
	if b[0]&0x1F != 0x1F {
		return t, 1, nil
	}
	for i := 1; ; i++ {
		if i >= MaxTagLen {
			return 0, 0, errAt(ErrTagTooLong, 0)
		}
		if i >= len(b) {
			return 0, 0, errAt(ErrTruncated, 0)
		}
		if i == 1 && b[1] == 0x80 {
			return 0, 0, errAt(ErrInvalidTag, 0)
		}
		t = t<<8 | Tag(b[i])
		if b[i]&0x80 == 0 {
			return t, i + 1, nil
		}
	}
}
