package dialect

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Unpack decodes data (MTI onward: no length prefix, no header) into m after
// resetting it. Values of ASCII and binary encoded fields ALIAS data (zero
// copy); BCD and hex encoded values are decoded into m's arena. In steady
// state (m reused) Unpack allocates nothing for dialects on the built-in
// paths.
//
// Unpack checks the MTI digits, the bitmap, that every announced field is in
// the dialect (65 never is), lengths (fixed exact, variable within maximum),
// characters against each field's class, truncation, and that no bytes follow
// the last field. On error m keeps whatever could be decoded, so that a
// format-error response can still be built: a value with invalid characters
// but a readable length is skipped and decoding goes on with the next field
// (the first such error is returned at the end); a structural error (bad
// length, truncation, unknown field) stops decoding there. Errors are
// *FieldError.
func (d *Dialect) Unpack(data []byte, m *Message) error {
	m.Reset()
	if len(data) > MaxMessageLen {
		return fieldErr(0, ErrTooLong, "message longer than maximum")
	}
	m.grow(2 * len(data))
	v, off, err := d.mti.decode(data, 0, m)
	if err != nil {
		return err
	}
	if len(v) != 4 || !allDigits(v) {
		return fieldErr(0, ErrSyntax, "MTI must be 4 digits")
	}
	copy(m.mti[:], v)
	m.hasMTI = true
	var bm [2]uint64
	bmOff := off
	if off, err = d.bitmap.decode(data, off, &bm); err != nil {
		return err
	}
	if err := d.unpackFields(data, off, bm, m); err != nil {
		return d.bitmap.explain(data[bmOff:off], err)
	}
	return nil
}

// unpackFields decodes the fields bm announces, from off.
func (d *Dialect) unpackFields(data []byte, off int, bm [2]uint64, m *Message) error {
	var err error
	var v []byte
	var bad error // first value with invalid characters
	for w := range bm {
		for set := bm[w]; set != 0; set &= set - 1 {
			n := w*64 + bits.TrailingZeros64(set) + 1
			c := &d.fields[n]
			if !c.defined {
				return firstErr(bad, fieldErr(n, ErrUnknownField, "not defined by the dialect"))
			}
			next := off
			if v, next, err = c.decode(data, off, m); err != nil {
				if next > off && errors.Is(err, ErrSyntax) {
					bad, off = firstErr(bad, err), next
					continue
				}
				return firstErr(bad, err)
			}
			off = next
			m.Set(n, v)
		}
	}
	if off != len(data) {
		return firstErr(bad, fieldErr(lastField(bm), ErrTrailingData, "bytes after the last field"))
	}
	return bad
}

// explain blames the bitmap for a failure to decode the fields when the
// binary bitmap raw is made of hex digits only: the sender wrote it as
// text (a binary bitmap has no such form in practice, and one announcing
// a secondary bitmap never has), so the error found in some later field
// would only mislead.
func (b *bitmapCodec) explain(raw []byte, err error) error {
	if b.hex || len(raw) == 0 || !hexText(raw) {
		return err
	}
	return fieldErr(1, ErrSyntax, "bitmap is hex text, but this dialect's bitmap is binary")
}

// hexText reports whether b holds only hex digits.
func hexText(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// firstErr returns a when it is set, else b.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func lastField(bm [2]uint64) int {
	if bm[1] != 0 {
		return 128 - bits.LeadingZeros64(bm[1])
	}
	if bm[0] != 0 {
		return 64 - bits.LeadingZeros64(bm[0])
	}
	return 1
}

// decode reads the bitmap(s) at off into bm (bit n-1 = field n, LSB first)
// and clears bit 1. It returns the offset after the bitmap.
func (b *bitmapCodec) decode(data []byte, off int, bm *[2]uint64) (int, error) {
	off, err := b.unit1(data, off, bm, 0)
	if err != nil {
		return off, err
	}
	more := bm[0]&1 != 0 && b.expand
	bm[0] &^= 1
	if !more {
		return off, nil
	}
	if b.unit == 16 {
		return off, fieldErr(1, ErrUnknownField, "fields above 128 are not supported")
	}
	if off, err = b.unit1(data, off, bm, 1); err != nil {
		return off, err
	}
	if bm[1]&1 != 0 {
		return off, fieldErr(65, ErrUnknownField, "field 65 is never used")
	}
	return off, nil
}

// unit1 reads one bitmap of b.unit bytes into bm starting at word w.
func (b *bitmapCodec) unit1(data []byte, off int, bm *[2]uint64, w int) (int, error) {
	size := b.unit
	if b.hex {
		size *= 2
	}
	if len(data)-off < size {
		return off, fieldErr(1, ErrTruncated, "bitmap truncated")
	}
	raw := data[off : off+size]
	var buf [16]byte
	if b.hex {
		if !decodeHex(buf[:b.unit], raw) {
			return off, fieldErr(1, ErrSyntax, "bitmap is not hex")
		}
		raw = buf[:b.unit]
	}
	for i := 0; i < b.unit; i += 8 {
		bm[w+i/8] = bits.Reverse64(binary.BigEndian.Uint64(raw[i:]))
	}
	return off + size, nil
}

// decode reads one element at off and returns its canonical value and the
// offset after it.
func (c *codec) decode(data []byte, off int, m *Message) ([]byte, int, error) {
	if !c.fast() {
		return c.decodeGeneric(data, off)
	}
	n, off, err := c.decodeLen(data, off)
	if err != nil {
		return nil, off, err
	}
	size := c.wireLen(n)
	if len(data)-off < size {
		return nil, off, fieldErr(c.id, ErrTruncated, "value truncated")
	}
	raw := data[off : off+size : off+size]
	var v []byte
	switch c.enc {
	case encBCD, encTrackBCD:
		v = m.reserve(n)
		if !decodeBCD(v, raw, c.enc == encTrackBCD) {
			return nil, off + size, fieldErr(c.id, ErrSyntax, "invalid BCD nibble")
		}
	case encHex:
		v = m.reserve(n)
		if !decodeHex(v, raw) {
			return nil, off + size, fieldErr(c.id, ErrSyntax, "invalid hex digit")
		}
	default:
		v = raw
		if !validClass(c.class, v) {
			// The length is known: the caller may skip the value.
			return nil, off + size, fieldErr(c.id, ErrSyntax, "invalid character for class "+c.class.String())
		}
	}
	return v, off + size, nil
}

// decodeLen returns the value length (in value units) and the offset after
// the length prefix.
func (c *codec) decodeLen(data []byte, off int) (int, int, error) {
	var n, size int
	switch c.pref {
	case prefFixed:
		return c.max, off, nil
	case prefASCII:
		size = c.prefLen
		if len(data)-off < size {
			return 0, off, fieldErr(c.id, ErrTruncated, "length prefix truncated")
		}
		for _, ch := range data[off : off+size] {
			if !isDigit(ch) {
				return 0, off, fieldErr(c.id, ErrLength, "length prefix is not digits")
			}
			n = n*10 + int(ch-'0')
		}
	case prefBCD:
		size = bcdLen(c.prefLen)
		if len(data)-off < size {
			return 0, off, fieldErr(c.id, ErrTruncated, "length prefix truncated")
		}
		var buf [4]byte
		digits := buf[:c.prefLen]
		if !decodeBCD(digits, data[off:off+size], false) {
			return 0, off, fieldErr(c.id, ErrLength, "length prefix is not BCD digits")
		}
		for _, ch := range digits {
			n = n*10 + int(ch-'0')
		}
	case prefBinary:
		size = c.prefLen
		if len(data)-off < size {
			return 0, off, fieldErr(c.id, ErrTruncated, "length prefix truncated")
		}
		for _, b := range data[off : off+size] {
			n = n<<8 | int(b)
		}
	}
	if n > c.max {
		return 0, off, fieldErr(c.id, ErrLength, "length exceeds maximum")
	}
	return n, off + size, nil
}
