package pan

// FromTrack2 returns the PAN part of track 2 equivalent data (ISO 8583
// field 35, ISO/IEC 7813 layout "PAN = YYMM service-code discretionary"):
// the bytes before the first field separator, '=' or 'D' ('d' is accepted
// too: a BCD field 35 unpacked with hex encoding shows the separator nibble
// in lower case).
//
// The returned slice aliases t2 (it is a prefix of it). ok is false, and the
// slice nil, when there is no separator or the PAN part is not 1..19 ASCII
// digits; use Valid for the full PAN checks.
func FromTrack2(t2 []byte) (pan []byte, ok bool) {
	for i, c := range t2 {
		if c >= '0' && c <= '9' {
			if i >= MaxLen {
				return nil, false
			}
			continue
		}
		if (c == '=' || c == 'D' || c == 'd') && i > 0 {
			return t2[:i:i], true
		}
		return nil, false
	}
	return nil, false
}
