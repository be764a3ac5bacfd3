package dialect

import (
	"github.com/moov-io/iso8583/encoding"
	"github.com/moov-io/iso8583/field"
)

// encKind selects how a compiled field encodes its value.
type encKind uint8

const (
	encGeneric  encKind = iota // call the spec's own moov-io Encoder (slow path)
	encASCII                   // encoding.ASCII: wire bytes are the value
	encBinary                  // encoding.Binary: wire bytes are the value
	encBCD                     // encoding.BCD: right-aligned digits
	encTrackBCD                // Track2BCD: digits and 0xD separator
	encHex                     // encoding.BytesToASCIIHex: bytes as ASCII hex
)

// prefKind selects how a compiled field encodes its length.
type prefKind uint8

const (
	prefGeneric prefKind = iota // call the spec's own moov-io Prefixer (slow path)
	prefFixed                   // no prefix: the length is the spec's Length
	prefASCII                   // prefLen ASCII digits
	prefBCD                     // prefLen BCD digits in bcdLen(prefLen) bytes
	prefBinary                  // prefLen bytes, big-endian
)

// codec is one compiled element (MTI or data field).
type codec struct {
	defined bool
	id      int
	class   Class
	enc     encKind
	pref    prefKind
	prefLen int  // digits (ASCII, BCD) or bytes (binary) of the length prefix
	max     int  // fixed length, or maximum length, in value units
	fixed   bool // the prefixer is a moov-io *.Fixed prefixer
	padChar byte // 0: fixed values must be exact
	padLeft bool
	// slow path only
	spec   *field.Spec
	genEnc encoding.Encoder
}

// fast reports whether the codec runs entirely on built-in paths.
func (c *codec) fast() bool { return c.enc != encGeneric && c.pref != prefGeneric }

// wireLen is the number of value bytes on the wire for n value units.
func (c *codec) wireLen(n int) int {
	switch c.enc {
	case encBCD, encTrackBCD:
		return bcdLen(n)
	case encHex:
		return 2 * n
	default:
		return n
	}
}

// bitmapCodec is the compiled field 1.
type bitmapCodec struct {
	unit   int  // bytes per bitmap: 8 (primary/secondary) or 16 (128 bits at once)
	hex    bool // ASCII hex on the wire (twice the bytes)
	expand bool // bit 1 announces one more bitmap
}
