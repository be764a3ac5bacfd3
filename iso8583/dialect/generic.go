package dialect

// The slow path: fields whose encoder or prefixer Compile does not know are
// coded by calling the spec's own moov-io Encoder and Prefixer. Those
// allocate, and their errors may quote values, so errors are replaced by
// ErrEncoding and panics from third-party code are contained.

// decodeGeneric decodes one element with the spec's Prefixer and Encoder.
func (c *codec) decodeGeneric(data []byte, off int) (v []byte, next int, err error) {
	defer func() {
		if recover() != nil {
			v, next, err = nil, off, fieldErr(c.id, ErrEncoding, "decoder failed")
		}
	}()
	rest := data[off:]
	n, pn, e := c.spec.Pref.DecodeLength(c.spec.Length, rest)
	if e != nil || pn < 0 || pn > len(rest) {
		return nil, off, fieldErr(c.id, ErrEncoding, "length prefix rejected")
	}
	if n < 0 || n > c.max {
		return nil, off, fieldErr(c.id, ErrLength, "length exceeds maximum")
	}
	v, vn, e := c.genEnc.Decode(rest[pn:], n)
	if e != nil || vn < 0 || vn > len(rest)-pn {
		return nil, off, fieldErr(c.id, ErrEncoding, "value rejected by decoder")
	}
	if !validClass(c.class, v) {
		return nil, off, fieldErr(c.id, ErrSyntax, "invalid character for class "+c.class.String())
	}
	return v, off + pn + vn, nil
}

// encodeGeneric appends one element using the spec's Prefixer and Encoder.
func (c *codec) encodeGeneric(dst, v []byte, lead, trail int) (out []byte, err error) {
	defer func() {
		if recover() != nil {
			out, err = dst, fieldErr(c.id, ErrEncoding, "encoder failed")
		}
	}()
	if lead+trail > 0 {
		padded := make([]byte, 0, lead+len(v)+trail)
		padded = appendRepeat(padded, c.padChar, lead)
		padded = append(padded, v...)
		v = appendRepeat(padded, c.padChar, trail)
	}
	enc, e := c.genEnc.Encode(v)
	if e != nil {
		return dst, fieldErr(c.id, ErrEncoding, "value rejected by encoder")
	}
	pre, e := c.spec.Pref.EncodeLength(c.spec.Length, len(v))
	if e != nil {
		return dst, fieldErr(c.id, ErrLength, "length rejected by prefixer")
	}
	return append(append(dst, pre...), enc...), nil
}

func appendRepeat(dst []byte, c byte, n int) []byte {
	for range n {
		dst = append(dst, c)
	}
	return dst
}
