package tlv

// New returns a primitive data object. value is not copied.
func New(tag Tag, value []byte) TLV { return TLV{Tag: tag, Value: value} }

// NewConstructed returns a constructed data object whose Value is the
// encoding of children and whose Children are children. The caller is
// responsible for tag having b6 set (Constructed); the encoding does not
// depend on it.
func NewConstructed(tag Tag, children ...TLV) TLV {
	kids := append([]TLV{}, children...)
	return TLV{Tag: tag, Value: Encode(kids...), Children: kids}
}

// AppendTLV appends the encoding of t (tag, minimal length, value) to dst
// and returns the extended slice. The value written is t.Value; Children
// are not re-encoded (NewConstructed keeps Value in step with them). A value
// longer than MaxLength is cut to MaxLength so the output stays parseable.
func AppendTLV(dst []byte, t TLV) []byte {
	v := t.Value
	if len(v) > MaxLength {
		v = v[:MaxLength]
	}
	dst = AppendTag(dst, t.Tag)
	dst = AppendLength(dst, len(v))
	return append(dst, v...)
}

// Encode returns the concatenated encodings of list.
func Encode(list ...TLV) []byte {
	n := 0
	for _, t := range list {
		n += EncodedLen(t)
	}
	dst := make([]byte, 0, n)
	for _, t := range list {
		dst = AppendTLV(dst, t)
	}
	return dst
}

// EncodedLen is the number of bytes AppendTLV writes for t.
func EncodedLen(t TLV) int {
	l := min(len(t.Value), MaxLength)
	switch {
	case l < 0x80:
		return t.Tag.Len() + 1 + l
	case l <= 0xFF:
		return t.Tag.Len() + 2 + l
	case l <= 0xFFFF:
		return t.Tag.Len() + 3 + l
	default:
		return t.Tag.Len() + 4 + l
	}
}
