package hsm

import (
	"crypto/rand"
	"io"
)

// PIN lengths accepted (ISO 9564-1).
const (
	MinPINLen = 4
	MaxPINLen = 12
)

// EncodePINBlock returns the clear PIN block of pin (ASCII digits, 4 to 12)
// in format f, per ISO 9564-1:
//   - ISO0: control 0, length, PIN, F fill, XOR the PAN field (12 rightmost
//     PAN digits excluding the check digit);
//   - ISO1: control 1, length, PIN, random fill (0-F); pan is not used;
//   - ISO3: control 3, length, PIN, random fill (A-F), XOR the PAN field;
//   - ISO4: the 16-byte clear PIN field only (control 4, length, PIN, A fill
//     to 8 bytes, 8 random bytes). Format 4 is enciphered in two steps with
//     the PAN field: see EncipherFormat4 and PANField4.
//
// rnd supplies the random fill (crypto/rand when nil). The caller owns the
// result and should clear it after use. Errors never quote the PIN or PAN.
func EncodePINBlock(f PINFormat, pin []byte, pan []byte, rnd io.Reader) ([]byte, error) {
	const op = "EncodePINBlock"
	if f.BlockSize() == 0 {
		return nil, NewError(op, "", ErrUnsupported, "unknown PIN block format")
	}
	if err := checkPIN(op, pin); err != nil {
		return nil, err
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	b := make([]byte, f.BlockSize())
	putNibble(b, 0, byte(f))
	putNibble(b, 1, byte(len(pin)))
	for i, c := range pin {
		putNibble(b, 2+i, c-'0')
	}
	if err := fillPIN(f, b, 2+len(pin), rnd); err != nil {
		clear(b)
		return nil, NewError(op, "", err, "random fill")
	}
	if f == ISO0 || f == ISO3 {
		pf, err := panField0(op, pan)
		if err != nil {
			clear(b)
			return nil, err
		}
		xor8(b, pf[:])
	}
	return b, nil
}

// fillPIN writes the fill nibbles of format f from nibble index from onwards.
func fillPIN(f PINFormat, b []byte, from int, rnd io.Reader) error {
	switch f {
	case ISO0:
		for i := from; i < 16; i++ {
			putNibble(b, i, 0xF)
		}
	case ISO1:
		return randNibbles(rnd, b, from, 16, false)
	case ISO3:
		return randNibbles(rnd, b, from, 16, true)
	case ISO4:
		for i := from; i < 16; i++ {
			putNibble(b, i, 0xA)
		}
		return randNibbles(rnd, b, 16, 32, false)
	}
	return nil
}

// randNibbles sets nibbles [from, to) to random values, 0-F or (af) A-F.
func randNibbles(rnd io.Reader, b []byte, from, to int, af bool) error {
	var buf [16]byte
	defer clear(buf[:])
	for i := from; i < to; {
		if _, err := io.ReadFull(rnd, buf[:]); err != nil {
			return err
		}
		for _, r := range buf {
			if i >= to {
				break
			}
			if !af {
				putNibble(b, i, r&0x0F)
				i++
				continue
			}
			if r >= 252 { // reject so that r%6 is uniform
				continue
			}
			putNibble(b, i, 0xA+r%6)
			i++
		}
	}
	return nil
}

// DecodePINBlock checks a clear PIN block of format f and returns the PIN as
// ASCII digits. For ISO0 and ISO3 the PAN field is removed first; for ISO4,
// block is the 16-byte clear PIN field (after DecipherFormat4) and pan is not
// used. A block that breaks its format (length, control nibble, PIN length
// outside 4..12, non-digit, fill not F for format 0, not A-F for format 3,
// not A for format 4) is ErrPINFormat. The caller should clear the result.
func DecodePINBlock(f PINFormat, block []byte, pan []byte) (pin []byte, err error) {
	const op = "DecodePINBlock"
	if f.BlockSize() == 0 {
		return nil, NewError(op, "", ErrUnsupported, "unknown PIN block format")
	}
	if len(block) != f.BlockSize() {
		return nil, NewError(op, "", ErrPINFormat, "PIN block length wrong for the format")
	}
	var tmp [16]byte
	defer clear(tmp[:])
	b := tmp[:len(block)]
	copy(b, block)
	if f == ISO0 || f == ISO3 {
		pf, err := panField0(op, pan)
		if err != nil {
			return nil, err
		}
		xor8(b, pf[:])
	}
	if nibble(b, 0) != byte(f) {
		return nil, NewError(op, "", ErrPINFormat, "control field does not match the format")
	}
	n := int(nibble(b, 1))
	if n < MinPINLen || n > MaxPINLen {
		return nil, NewError(op, "", ErrPINFormat, "PIN length outside 4..12")
	}
	for i := 2; i < 2+n; i++ {
		if nibble(b, i) > 9 {
			return nil, NewError(op, "", ErrPINFormat, "PIN digit not 0-9")
		}
	}
	if !fillOK(f, b, 2+n) {
		return nil, NewError(op, "", ErrPINFormat, "fill digits wrong for the format")
	}
	pin = make([]byte, n)
	for i := range pin {
		pin[i] = '0' + nibble(b, 2+i)
	}
	return pin, nil
}

// fillOK checks the fill nibbles of the first 8 bytes from nibble index from.
func fillOK(f PINFormat, b []byte, from int) bool {
	for i := from; i < 16; i++ {
		v := nibble(b, i)
		switch {
		case f == ISO0 && v != 0xF,
			f == ISO3 && v < 0xA,
			f == ISO4 && v != 0xA:
			return false
		}
	}
	return true
}

func checkPIN(op string, pin []byte) error {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return NewError(op, "", ErrPINFormat, "PIN length outside 4..12")
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return NewError(op, "", ErrPINFormat, "PIN holds a non-digit")
		}
	}
	return nil
}

func xor8(dst, src []byte) {
	for i := range 8 {
		dst[i] ^= src[i]
	}
}
