package symmetric

import "math/bits"

// SetOddParity forces odd parity on every byte of a DES key (the low bit of
// each byte is its parity bit, FIPS 46-3).
func SetOddParity(k []byte) {
	for i, b := range k {
		if bits.OnesCount8(b)%2 == 0 {
			k[i] = b ^ 1
		}
	}
}

// HasOddParity reports whether every byte of k has odd parity.
func HasOddParity(k []byte) bool {
	for _, b := range k {
		if bits.OnesCount8(b)%2 == 0 {
			return false
		}
	}
	return true
}
