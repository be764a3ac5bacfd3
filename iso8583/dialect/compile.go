package dialect

import (
	"fmt"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/encoding"
	"github.com/moov-io/iso8583/field"
	"github.com/moov-io/iso8583/prefix"
)

// Compile turns a moov-io spec into a Dialect. The spec must define the MTI
// (field 0, 4 characters, fixed), a *field.Bitmap as field 1 (binary or
// ASCII-hex encoded, 8 or 16 bytes per bitmap) and any of fields 2..128.
// A spec's field 65 is ignored: bit 65 is never accepted on the wire.
// Composite fields are carried opaque, as binary values of their packed
// bytes. Errors name the offending field id. The spec is kept, not copied:
// do not change it afterwards.
func Compile(name string, spec *iso8583.MessageSpec) (*Dialect, error) {
	if spec == nil {
		return nil, fmt.Errorf("dialect %q: nil spec", name)
	}
	d := &Dialect{name: name, spec: spec}
	mti, ok := spec.Fields[0]
	if !ok || mti == nil {
		return nil, fmt.Errorf("dialect %q: field 0 (MTI) missing", name)
	}
	var err error
	if d.mti, err = compileField(0, mti); err != nil {
		return nil, fmt.Errorf("dialect %q: %w", name, err)
	}
	if !d.mti.fixed || d.mti.max != 4 {
		return nil, fmt.Errorf("dialect %q: field 0: MTI must be fixed length 4", name)
	}
	d.mti.class, d.mti.padChar = ClassN, 0
	if d.bitmap, err = compileBitmap(spec.Fields[1]); err != nil {
		return nil, fmt.Errorf("dialect %q: %w", name, err)
	}
	for id, f := range spec.Fields {
		if id == 0 || id == 1 || id == 65 {
			continue
		}
		if id < 0 || id > 128 {
			return nil, fmt.Errorf("dialect %q: field %d: only fields 2..128 are supported", name, id)
		}
		if id > 64 && d.bitmap.unit == 8 && !d.bitmap.expand {
			return nil, fmt.Errorf("dialect %q: field %d: the bitmap cannot expand beyond 64", name, id)
		}
		if d.fields[id], err = compileField(id, f); err != nil {
			return nil, fmt.Errorf("dialect %q: %w", name, err)
		}
	}
	d.framing = "binary2"
	if d.mti.enc == encASCII {
		d.framing = "ascii4"
	}
	return d, nil
}

func compileBitmap(f field.Field) (bitmapCodec, error) {
	bm, ok := f.(*field.Bitmap)
	if !ok || bm == nil || bm.Spec() == nil {
		return bitmapCodec{}, fmt.Errorf("field 1: must be a *field.Bitmap")
	}
	s := bm.Spec()
	c := bitmapCodec{unit: s.Length, expand: !s.DisableAutoExpand}
	if c.unit == 0 {
		c.unit = 8
	}
	if c.unit != 8 && c.unit != 16 {
		return c, fmt.Errorf("field 1: bitmap length %d not supported (8 or 16)", s.Length)
	}
	switch {
	case isEnc(s.Enc, encoding.Binary):
	case isEnc(s.Enc, encoding.BytesToASCIIHex):
		c.hex = true
	default:
		return c, fmt.Errorf("field 1: bitmap encoding must be Binary or HexToASCII")
	}
	if k, _ := prefixKind(s.Pref); k != prefFixed {
		return c, fmt.Errorf("field 1: bitmap prefix must be a fixed prefixer")
	}
	return c, nil
}

func compileField(id int, f field.Field) (codec, error) {
	if f == nil || f.Spec() == nil {
		return codec{}, fmt.Errorf("field %d: no spec", id)
	}
	s := f.Spec()
	c := codec{defined: true, id: id, max: s.Length, spec: s, genEnc: s.Enc}
	if c.max <= 0 {
		return c, fmt.Errorf("field %d: length must be positive", id)
	}
	switch t := f.(type) {
	case *field.Bitmap:
		return c, fmt.Errorf("field %d: a bitmap is only allowed as field 1", id)
	case *Element:
		c.class = t.Class
	case *field.Numeric:
		c.class = ClassN
	case *field.Track2:
		c.class = ClassZ
	case *field.Binary, *field.Hex:
		c.class = ClassB
	case *field.Composite:
		// Opaque: the packed subfields are the value, counted in bytes.
		c.class, c.genEnc = ClassB, encoding.Binary
	default:
		c.class = ClassANS
	}
	if c.genEnc == nil {
		return c, fmt.Errorf("field %d: no encoder", id)
	}
	if s.Pref == nil {
		return c, fmt.Errorf("field %d: no prefixer", id)
	}
	c.enc = encodingKind(c.genEnc)
	switch c.enc {
	case encBCD:
		if c.class == ClassANS || c.class == ClassAN {
			c.class = ClassN // BCD can carry digits only
		}
	case encTrackBCD:
		c.class = ClassZ
	case encHex:
		c.class = ClassB // the value is the bytes behind the hex digits
	}
	c.pref, c.prefLen = prefixKind(s.Pref)
	c.fixed = c.pref == prefFixed
	if err := checkPrefixRoom(&c); err != nil {
		return c, err
	}
	return c, compilePadding(&c, s)
}

// checkPrefixRoom makes sure the maximum length fits the length prefix.
func checkPrefixRoom(c *codec) error {
	limit := 0
	switch c.pref {
	case prefASCII, prefBCD:
		limit = 1
		for range c.prefLen {
			limit *= 10
		}
	case prefBinary:
		limit = 1 << (8 * c.prefLen)
	default:
		return nil
	}
	if c.max >= limit {
		return fmt.Errorf("field %d: length %d does not fit its %d-position prefix", c.id, c.max, c.prefLen)
	}
	return nil
}

// compilePadding decides how Pack fills a short fixed value: the spec's own
// padder when it has one (left or right, one character), otherwise numeric
// values are left-padded with '0' and text values right-padded with spaces;
// binary and track 2 values must be exact.
func compilePadding(c *codec, s *field.Spec) error {
	if s.Pad != nil {
		probe := s.Pad.Pad([]byte{'x'}, 2)
		switch {
		case len(probe) == 1: // padding.None
		case len(probe) == 2 && probe[1] == 'x':
			c.padChar, c.padLeft = probe[0], true
		case len(probe) == 2 && probe[0] == 'x':
			c.padChar = probe[1]
		default:
			return fmt.Errorf("field %d: padder must pad with one single-byte character", c.id)
		}
	}
	if c.padChar == 0 {
		switch c.class {
		case ClassN:
			c.padChar, c.padLeft = '0', true
		case ClassAN, ClassANS:
			c.padChar = ' '
		}
	}
	if (c.enc == encBCD || c.enc == encTrackBCD) && c.padChar != 0 && !isDigit(c.padChar) {
		return fmt.Errorf("field %d: BCD field padded with a non-digit", c.id)
	}
	return nil
}

// isEnc compares an encoder with one of moov-io's encoder values.
func isEnc(e, known encoding.Encoder) bool { return e != nil && e == known }

func encodingKind(e encoding.Encoder) encKind {
	switch {
	case isEnc(e, encoding.ASCII):
		return encASCII
	case isEnc(e, encoding.Binary):
		return encBinary
	case isEnc(e, encoding.BCD):
		return encBCD
	case isEnc(e, encoding.BytesToASCIIHex):
		return encHex
	}
	switch e.(type) {
	case Track2BCD, *Track2BCD:
		return encTrackBCD
	}
	return encGeneric
}

// prefixKind recognises moov-io's prefixers by identity; anything else
// (including None.Fixed, which means "the rest of the data") is generic.
func prefixKind(p prefix.Prefixer) (prefKind, int) {
	if p == nil {
		return prefGeneric, 0
	}
	for _, set := range []prefix.Prefixers{prefix.ASCII, prefix.BCD, prefix.Binary, prefix.Hex, prefix.EBCDIC, prefix.EBCDIC1047} {
		if p == set.Fixed {
			return prefFixed, 0
		}
	}
	kinds := []struct {
		set  prefix.Prefixers
		kind prefKind
	}{{prefix.ASCII, prefASCII}, {prefix.BCD, prefBCD}, {prefix.Binary, prefBinary}}
	for _, k := range kinds {
		for n, v := range []prefix.Prefixer{k.set.L, k.set.LL, k.set.LLL, k.set.LLLL} {
			if p == v {
				return k.kind, n + 1
			}
		}
	}
	return prefGeneric, 0
}
