package pan

// Luhn reports whether pan is a non-empty string of ASCII digits whose last
// digit is a correct Luhn (ISO/IEC 7812-1 annex B, mod 10) check digit.
func Luhn(pan []byte) bool {
	if len(pan) == 0 {
		return false
	}
	sum := 0
	double := false
	for i := len(pan) - 1; i >= 0; i-- {
		c := pan[i]
		if c < '0' || c > '9' {
			return false
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
	return sum%10 == 0
}
