// Package bcd converts between integers and packed binary-coded decimal,
// the EMV format n (EMV 4.4 Book 3 section 4.3: two digits per byte,
// right-justified, leading zeros), used for amounts (9F02, n12), EC
// balances (9F79) and counters throughout the card, terminal and issuer code.
package bcd

// MaxDigits is the most digits Int decodes (an int64 holds 18 safely).
const MaxDigits = 18

// Put writes v (>= 0) into b as BCD, right-justified with leading zeros;
// digits that do not fit are dropped from the left.
func Put(b []byte, v int64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v%10) | byte(v/10%10)<<4
		v /= 100
	}
}

// Bytes returns v (>= 0) as n bytes of BCD.
func Bytes(v int64, n int) []byte {
	b := make([]byte, n)
	Put(b, v)
	return b
}

// Int decodes BCD; ok is false for a non-digit nibble or more than
// MaxDigits digits.
func Int(b []byte) (v int64, ok bool) {
	if len(b)*2 > MaxDigits {
		return 0, false
	}
	for _, x := range b {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return 0, false
		}
		v = v*100 + int64(hi)*10 + int64(lo)
	}
	return v, true
}
