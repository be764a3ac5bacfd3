package hsm

// PAN lengths accepted by the PIN block helpers (ISO/IEC 7812-1: 8 to 19 digits).
const (
	MinPANLen = 8
	MaxPANLen = 19
)

// checkPAN validates an ASCII-digit PAN without ever quoting it.
func checkPAN(op string, pan []byte) error {
	if len(pan) < MinPANLen || len(pan) > MaxPANLen {
		return NewError(op, "", ErrInvalid, "PAN length outside 8..19 digits")
	}
	for _, c := range pan {
		if c < '0' || c > '9' {
			return NewError(op, "", ErrInvalid, "PAN holds a non-digit")
		}
	}
	return nil
}

// panField0 returns the ISO 9564-1 format 0/3 PAN field: four zero nibbles then
// the 12 rightmost PAN digits excluding the check digit, left-padded with zeros.
func panField0(op string, pan []byte) ([8]byte, error) {
	var f [8]byte
	if err := checkPAN(op, pan); err != nil {
		return f, err
	}
	body := pan[:len(pan)-1] // drop the check digit
	if len(body) > 12 {
		body = body[len(body)-12:]
	}
	// nibble index 4+12-len(body) .. 15 hold the digits
	start := 16 - len(body)
	for i, c := range body {
		putNibble(f[:], start+i, c-'0')
	}
	return f, nil
}

// PANField4 returns the 16-byte ISO 9564-1 format 4 PAN field for an
// ASCII-digit PAN: a nibble M = PAN length - 12 (0 when shorter), the PAN
// left-padded with zeros to 12 digits, then zero padding.
func PANField4(pan []byte) ([]byte, error) {
	if err := checkPAN("PANField4", pan); err != nil {
		return nil, err
	}
	f := make([]byte, 16)
	m := 0
	if len(pan) > 12 {
		m = len(pan) - 12
	}
	putNibble(f, 0, byte(m))
	start := 1
	if len(pan) < 12 {
		start += 12 - len(pan)
	}
	for i, c := range pan {
		putNibble(f, start+i, c-'0')
	}
	return f, nil
}

func putNibble(b []byte, i int, v byte) {
	if i%2 == 0 {
		b[i/2] = b[i/2]&0x0F | v<<4
	} else {
		b[i/2] = b[i/2]&0xF0 | v&0x0F
	}
}

func nibble(b []byte, i int) byte {
	if i%2 == 0 {
		return b[i/2] >> 4
	}
	return b[i/2] & 0x0F
}
