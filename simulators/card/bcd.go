package card

// bcdAmount encodes v (0..999999999999) as n12, 6 bytes BCD.
func bcdAmount(v int64) []byte {
	out := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		lo := v % 10
		v /= 10
		hi := v % 10
		v /= 10
		out[i] = byte(hi<<4 | lo)
	}
	return out
}

// parseBCD decodes unsigned packed BCD; ok is false for a non-digit nibble
// or more than 18 digits.
func parseBCD(b []byte) (int64, bool) {
	if len(b) > 9 {
		return 0, false
	}
	var v int64
	for _, x := range b {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return 0, false
		}
		v = v*100 + int64(hi)*10 + int64(lo)
	}
	return v, true
}
