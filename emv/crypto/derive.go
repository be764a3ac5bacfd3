package crypto

import (
	"crypto/subtle"

	"github.com/hulian/hulian/symmetric"
)

// MaxPANDigits is the longest PAN DeriveCardKey accepts (ISO/IEC 7812).
const MaxPANDigits = 19

// DeriveCardKey derives a card (ICC) master key from an issuer master key.
//
// pan is the PAN as ASCII digits, psn the PAN sequence number as held in tag
// 5F34 (one BCD byte, 00 when the card has none). X is the rightmost 16
// digits of PAN || PSN (left-padded with zeros when shorter), packed into 8 bytes.
//
// TDES (EMV 4.3 Book 2 A1.4.1 option A): TDES(IMK)[X] || TDES(IMK)[X XOR FF..FF],
// odd parity set; imk is 16 or 24 bytes.
// SM4 (PBOC 3.0, one source only: z-zroud/CardPlatform GenKey.cpp; to confirm
// against JR/T 0025.17): SM4(IMK)[X || NOT X] as one 16-byte block.
func DeriveCardKey(alg symmetric.Algorithm, imk, pan []byte, psn byte) ([]byte, error) {
	const op = "DeriveCardKey"
	x, err := panBlock(pan, psn)
	if err != nil {
		return nil, opError(op, err, "")
	}
	b, err := symmetric.NewCipher(alg, imk)
	if err != nil {
		return nil, opError(op, err, "")
	}
	var in [16]byte
	copy(in[:8], x[:])
	for i := range 8 {
		in[8+i] = ^x[i]
	}
	out := make([]byte, 16)
	symmetric.ECBEncrypt(b, out, in[:])
	if alg == symmetric.TDES {
		symmetric.SetOddParity(out)
	}
	return out, nil
}

// panBlock packs the rightmost 16 digits of PAN || PSN into 8 bytes.
func panBlock(pan []byte, psn byte) ([8]byte, error) {
	var x [8]byte
	if len(pan) == 0 || len(pan) > MaxPANDigits {
		return x, symmetric.ErrDataLength
	}
	var digits [MaxPANDigits + 2]byte
	n := copy(digits[:], pan)
	digits[n], digits[n+1] = '0'+psn>>4, '0'+psn&0x0F
	n += 2
	for _, d := range digits[:n] {
		if d < '0' || d > '9' {
			return x, symmetric.ErrDataLength
		}
	}
	var d16 [16]byte
	for i := range d16 {
		d16[i] = '0'
	}
	if n >= 16 {
		copy(d16[:], digits[n-16:n])
	} else {
		copy(d16[16-n:], digits[:n])
	}
	for i := range x {
		x[i] = (d16[2*i]-'0')<<4 | (d16[2*i+1] - '0')
	}
	return x, nil
}

// SessionKey derives the PBOC 3.0 session key of a card master key for one
// application transaction counter (JR/T 0025; the same function derives the
// cryptogram, script MAC and script encryption session keys from their
// master keys).
//
// TDES: TDES(MK)[00*6 || ATC] || TDES(MK)[00*6 || (ATC XOR FFFF)], odd parity
// set (z-zroud/CardPlatform GenKey.cpp and billzbh/guolong hsmsimu.c agree).
// This is not the EMV common session key derivation (Book 2 A1.3.1).
// SM4 (one source only, CardPlatform): SM4(MK)[00*6 || ATC || 00*6 || NOT ATC].
func SessionKey(alg symmetric.Algorithm, mk []byte, atc uint16) ([]byte, error) {
	b, err := symmetric.NewCipher(alg, mk)
	if err != nil {
		return nil, opError("SessionKey", err, "")
	}
	var in [16]byte
	in[6], in[7] = byte(atc>>8), byte(atc)
	in[14], in[15] = ^in[6], ^in[7]
	out := make([]byte, 16)
	symmetric.ECBEncrypt(b, out, in[:])
	if alg == symmetric.TDES {
		symmetric.SetOddParity(out)
	}
	return out, nil
}

// equal compares two MACs in constant time.
func equal(a, b []byte) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1
}
