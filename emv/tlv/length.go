package tlv

// MaxLength is the largest value length that can be encoded: three
// subsequent length bytes ('83').
const MaxLength = 1<<24 - 1

// parseLength reads a length field at the start of b and returns the length
// and the number of bytes of the field. Error offsets are relative to b.
func parseLength(b []byte) (int, int, error) {
	if len(b) == 0 {
		return 0, 0, errAt(ErrTruncated, 0)
	}
	first := b[0]
	if first < 0x80 {
		return int(first), 1, nil
	}
	n := int(first & 0x7F)
	switch {
	case n == 0:
		return 0, 0, errAt(ErrIndefiniteLength, 0)
	case n > 3:
		return 0, 0, errAt(ErrLengthTooLong, 0)
	case len(b) < 1+n:
		return 0, 0, errAt(ErrTruncated, 0)
	}
	l := 0
	for _, c := range b[1 : 1+n] {
		l = l<<8 | int(c)
	}
	return l, 1 + n, nil
}

// AppendLength appends the minimal BER encoding of length n to dst: one byte
// below 128, else '81', '82' or '83' and the length big-endian. n is clamped
// to 0..MaxLength (Encode never produces a longer value from valid input).
func AppendLength(dst []byte, n int) []byte {
	n = max(0, min(n, MaxLength))
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n <= 0xFF:
		return append(dst, 0x81, byte(n))
	case n <= 0xFFFF:
		return append(dst, 0x82, byte(n>>8), byte(n))
	default:
		return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
}
