package pan

// MaskRuns returns s with every PAN-like run of digits masked as Mask does
// (first six and last four shown): a window of 13 to 19 ASCII digits that
// starts with a non-zero digit (ISO/IEC 7812 major industry identifier) and
// passes the Luhn check. It is the second line of defence for text that may
// hold a PAN where no data object says so: hex dumps of card answers (a BCD
// PAN reads as its own digits), decoded text of proprietary data objects.
// The longest window wins at each position, and masking repeats until no
// such window is left (the visible head or tail of a masked run may start
// another one); text without such a run is returned unchanged.
func MaskRuns(s string) string {
	for {
		out := maskRunsOnce(s)
		if out == s {
			return out
		}
		s = out
	}
}

// maskRunsOnce masks the PAN-like windows of one left-to-right scan.
func maskRunsOnce(s string) string {
	var out []byte // allocated at the first run masked
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		end := i
		for end < len(s) && isDigit(s[end]) {
			end++
		}
		for start := i; start+MinMaskedVisible <= end; {
			n := panWindow(s[start:end])
			if n == 0 {
				start++
				continue
			}
			if out == nil {
				out = []byte(s)
			}
			copy(out[start:], Mask([]byte(s[start:start+n])))
			start += n
		}
		i = end
	}
	if out == nil {
		return s
	}
	return string(out)
}

// panWindow returns the length of the longest PAN-like prefix of digits,
// or 0.
func panWindow(digits string) int {
	if digits[0] == '0' {
		return 0
	}
	for n := min(MaxLen, len(digits)); n >= MinMaskedVisible; n-- {
		if Luhn([]byte(digits[:n])) {
			return n
		}
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
