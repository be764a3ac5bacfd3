package oda

import (
	"bytes"
	"time"
)

// checkExpiry fails if the MMYY (BCD) date's month lies before now's month.
// Years 50..99 are 19YY, 00..49 are 20YY (EMV Book 3 Annex A5).
func checkExpiry(step Step, mmyy []byte, now time.Time) error {
	m, ok1 := bcd(mmyy[0])
	y, ok2 := bcd(mmyy[1])
	if !ok1 || !ok2 || m < 1 || m > 12 {
		return fail(step, ErrFormat, "expiry date is not MMYY")
	}
	year := 2000 + y
	if y >= 50 {
		year = 1900 + y
	}
	if year*12+m < now.Year()*12+int(now.Month()) {
		return fail(step, ErrExpired, "")
	}
	return nil
}

func bcd(b byte) (int, bool) {
	hi, lo := b>>4, b&0x0F
	return int(hi)*10 + int(lo), hi <= 9 && lo <= 9
}

// panDigits returns the digits of a cn-coded value (tag 5A: BCD, F padded
// on the right); ok is false for other nibbles or digits after an F.
func panDigits(cn []byte) ([]byte, bool) {
	out := make([]byte, 0, 2*len(cn))
	padding := false
	for _, b := range cn {
		for _, n := range [2]byte{b >> 4, b & 0x0F} {
			switch {
			case n == 0x0F:
				padding = true
			case n > 9 || padding:
				return nil, false
			default:
				out = append(out, n)
			}
		}
	}
	return out, len(out) > 0
}

// checkIssuerID compares the certificate's issuer identifier (3 to 8 digits,
// F padded, 4 bytes) with the leftmost PAN digits (EMV Book 2 5.3 step 8).
func checkIssuerID(step Step, id, pan []byte) error {
	idd, ok := panDigits(id)
	if !ok || len(idd) < 3 {
		return fail(step, ErrFormat, "issuer identifier is not 3 to 8 digits")
	}
	pd, ok := panDigits(pan)
	if !ok {
		return fail(step, ErrInput, "application PAN is not cn")
	}
	if len(pd) < len(idd) || !bytes.Equal(pd[:len(idd)], idd) {
		return fail(step, ErrIssuerID, "")
	}
	return nil
}

// checkPAN compares the certificate's 10-byte PAN with the application PAN
// (EMV Book 2 6.4 step 8): equal once both are F padded to 10 bytes.
func checkPAN(step Step, certPAN, pan []byte) error {
	if len(pan) == 0 || len(pan) > 10 {
		return fail(step, ErrInput, "application PAN length")
	}
	var want [10]byte
	for i := range want {
		want[i] = 0xFF
	}
	copy(want[:], pan)
	if _, ok := panDigits(want[:]); !ok {
		return fail(step, ErrInput, "application PAN is not cn")
	}
	if !bytes.Equal(certPAN, want[:]) {
		return fail(step, ErrPAN, "")
	}
	return nil
}

// allBB reports whether b is all BB pad bytes.
func allBB(b []byte) bool {
	for _, c := range b {
		if c != 0xBB {
			return false
		}
	}
	return true
}
