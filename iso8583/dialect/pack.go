package dialect

import (
	"encoding/binary"
	"math/bits"
)

// Pack appends m in this dialect (MTI, bitmap(s), fields; no length prefix,
// no header) to dst and returns the extended slice. Values are checked like
// Unpack checks them. A fixed-length value that is short is padded: numeric
// values on the left with '0', text values on the right with spaces (or as
// the spec's own padder says); binary and track 2 values must be exact. On
// error Pack returns dst unchanged (truncated to its original length) and a
// *FieldError. With enough capacity in dst Pack allocates nothing for
// dialects on the built-in paths.
func (d *Dialect) Pack(dst []byte, m *Message) ([]byte, error) {
	start := len(dst)
	if !m.hasMTI {
		return dst, fieldErr(0, ErrMissing, "no MTI")
	}
	bm := m.present
	bm[0] &^= 1
	if err := d.checkFields(bm); err != nil {
		return dst, err
	}
	dst, err := d.mti.encode(dst, m.mti[:])
	if err != nil {
		return dst[:start], err
	}
	dst = d.bitmap.encode(dst, bm)
	for w := range bm {
		for set := bm[w]; set != 0; set &= set - 1 {
			n := w*64 + bits.TrailingZeros64(set) + 1
			if dst, err = d.fields[n].encode(dst, m.vals[n]); err != nil {
				return dst[:start], err
			}
		}
	}
	return dst, nil
}

// checkFields makes sure every present field can be packed.
func (d *Dialect) checkFields(bm [2]uint64) error {
	for w := range bm {
		for set := bm[w]; set != 0; set &= set - 1 {
			n := w*64 + bits.TrailingZeros64(set) + 1
			if n == 65 {
				return fieldErr(65, ErrUnknownField, "field 65 is never used")
			}
			if !d.fields[n].defined {
				return fieldErr(n, ErrUnknownField, "not defined by the dialect")
			}
		}
	}
	return nil
}

// encode appends the bitmap(s) for the fields in bm (bit 1 clear).
func (b *bitmapCodec) encode(dst []byte, bm [2]uint64) []byte {
	words := b.unit / 8
	if b.unit == 8 && b.expand && bm[1] != 0 {
		bm[0] |= 1
		words = 2
	}
	for w := range words {
		var raw [8]byte
		binary.BigEndian.PutUint64(raw[:], bits.Reverse64(bm[w]))
		if b.hex {
			dst = appendHex(dst, raw[:])
		} else {
			dst = append(dst, raw[:]...)
		}
	}
	return dst
}

// encode appends one element with its length prefix.
func (c *codec) encode(dst, v []byte) ([]byte, error) {
	if !validClass(c.class, v) {
		return dst, fieldErr(c.id, ErrSyntax, "invalid character for class "+c.class.String())
	}
	n := len(v)
	if n > c.max {
		return dst, fieldErr(c.id, ErrLength, "value longer than maximum")
	}
	lead, trail := 0, 0
	if c.fixed && n < c.max {
		if c.padChar == 0 {
			return dst, fieldErr(c.id, ErrLength, "value shorter than fixed length")
		}
		if c.padLeft {
			lead = c.max - n
		} else {
			trail = c.max - n
		}
	}
	if !c.fast() {
		return c.encodeGeneric(dst, v, lead, trail)
	}
	dst = c.appendLen(dst, n)
	switch c.enc {
	case encBCD, encTrackBCD:
		out, ok := appendBCD(dst, v, c.enc == encTrackBCD, c.padChar, lead, trail)
		if !ok {
			return out[:len(dst)], fieldErr(c.id, ErrSyntax, "value is not BCD digits")
		}
		return out, nil
	case encHex:
		for range lead {
			dst = appendHex(dst, []byte{c.padChar})
		}
		dst = appendHex(dst, v)
		for range trail {
			dst = appendHex(dst, []byte{c.padChar})
		}
		return dst, nil
	default:
		dst = appendRepeat(dst, c.padChar, lead)
		dst = append(dst, v...)
		return appendRepeat(dst, c.padChar, trail), nil
	}
}

// appendLen appends the length prefix for a value of n units (nothing for
// fixed fields). n has been checked against c.max, which fits the prefix.
func (c *codec) appendLen(dst []byte, n int) []byte {
	switch c.pref {
	case prefASCII, prefBCD:
		var buf [4]byte
		digits := buf[:c.prefLen]
		for i := len(digits) - 1; i >= 0; i-- {
			digits[i] = byte('0' + n%10)
			n /= 10
		}
		if c.pref == prefASCII {
			return append(dst, digits...)
		}
		out, _ := appendBCD(dst, digits, false, '0', 0, 0)
		return out
	case prefBinary:
		for i := c.prefLen - 1; i >= 0; i-- {
			dst = append(dst, byte(n>>(8*i)))
		}
	}
	return dst
}
