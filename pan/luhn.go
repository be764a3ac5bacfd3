package pan

// Luhn reports whether pan is a non-empty string of ASCII digits whose last
// digit is a correct Luhn (ISO/IEC 7812-1 annex B, mod 10) check digit.
func Luhn(pan []byte) bool {
	if len(pan) == 0 {
		return false
	}
	sum, ok := luhnSum(pan, false)
	return ok && sum%10 == 0
}

// CheckDigit returns the Luhn check digit that completes payload (the PAN
// without its last digit), and false when payload is empty or not digits.
// Simulators and tests use it to make valid test PANs from a BIN.
func CheckDigit(payload []byte) (byte, bool) {
	if len(payload) == 0 {
		return 0, false
	}
	sum, ok := luhnSum(payload, true)
	if !ok {
		return 0, false
	}
	return byte('0' + (10-sum%10)%10), true
}

// luhnSum adds the digits of b from the right, doubling every other one
// starting with the rightmost when doubleFirst is set.
func luhnSum(b []byte, doubleFirst bool) (int, bool) {
	sum := 0
	double := doubleFirst
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum, true
}
