package pan

// Lengths used by the masking rule.
const (
	// MinMaskedVisible is the shortest input of which Mask shows any digit.
	MinMaskedVisible = 13
	// MaxLen is the longest PAN allowed by ISO/IEC 7812.
	MaxLen = 19
	// MinLen is the shortest PAN accepted by Valid.
	MinLen = 12

	visibleHead = 6
	visibleTail = 4
	maskByte    = '*'
)

// Mask returns pan with everything but the first six and the last four digits
// replaced by '*'. Inputs that cannot safely show digits are masked entirely:
// fewer than 13 bytes, more than 19 bytes, or any byte that is not an ASCII
// digit (for example a whole track 2 passed by mistake). A full mask has the
// length of the input, capped at 19, so it never grows with bad input.
// Mask(nil) is "".
func Mask(pan []byte) string {
	n := len(pan)
	if n < MinMaskedVisible || n > MaxLen || !allDigits(pan) {
		return fullMask(n)
	}
	var buf [MaxLen]byte
	out := buf[:n]
	copy(out, pan[:visibleHead])
	for i := visibleHead; i < n-visibleTail; i++ {
		out[i] = maskByte
	}
	copy(out[n-visibleTail:], pan[n-visibleTail:])
	return string(out)
}

// fullMask returns min(n, MaxLen) mask characters.
func fullMask(n int) string {
	if n > MaxLen {
		n = MaxLen
	}
	var buf [MaxLen]byte
	out := buf[:n]
	for i := range out {
		out[i] = maskByte
	}
	return string(out)
}

// allDigits reports whether b is non-empty and holds only ASCII digits.
func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
