package tags

import (
	"bytes"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// Sensitive reports whether Dump masks the value of tag t, in whole or in
// part, by default: PAN-bearing data ('5A', '57', '56', '9F6B', '9F1F',
// '9F20'), cardholder identity ('5F20', '9F0B', '9F61'), PIN data ('99')
// and the public key certificates ('90', '9F46', '9F2D'), which in their
// SM2 form carry the PAN or its leading digits in clear (maskcert.go).
func Sensitive(t tlv.Tag) bool {
	switch t {
	case 0x5A, 0x57, 0x56, 0x9F6B, 0x9F1F, 0x9F20, 0x5F20, 0x9F0B, 0x9F61, 0x99:
		return true
	}
	_, cert := certIDLen(t)
	return cert
}

// maskedValue returns the masked rendering of a sensitive value, and false
// when the value is not masked (not sensitive, showPAN for a non-PIN, or a
// certificate without a readable identifier). A certificate renders as hex
// with the masked identifier in braces; other values as masked text only.
func maskedValue(t tlv.TLV, showPAN bool) (string, bool) {
	if !Sensitive(t.Tag) || (showPAN && t.Tag != 0x99) {
		return "", false
	}
	if _, cert := certIDLen(t.Tag); cert {
		return maskedCert(t)
	}
	switch t.Tag {
	case 0x5A:
		return pan.Mask([]byte(cnDigits(t.Value))), true
	case 0x57, 0x9F6B:
		return maskTrack2(cnDigits(t.Value)), true
	case 0x56:
		return maskTrack1(t.Value), true
	}
	return stars(len(t.Value)) + " (masked)", true
}

// maskTrack2 masks track 2 digits "PAN D YYMM service discretionary": the
// PAN as pan.Mask does, everything after the separator with '*'.
func maskTrack2(digits string) string {
	p, ok := pan.FromTrack2([]byte(digits))
	if !ok {
		return stars(len(digits)) + " (masked)"
	}
	return pan.Mask(p) + "D" + stars(len(digits)-len(p)-1)
}

// maskTrack1 masks track 1 "B PAN ^ NAME ^ YYMM ...": format code and
// masked PAN shown, the rest replaced by '*'.
func maskTrack1(v []byte) string {
	i := bytes.IndexByte(v, '^')
	if len(v) < 2 || v[0] != 'B' || i < 2 {
		return stars(len(v)) + " (masked)"
	}
	return "B" + pan.Mask(v[1:i]) + "^" + stars(len(v)-i-1)
}

// stars is n '*' characters, at most pan.MaxLen so that the mask does not
// reveal the length of long values exactly.
func stars(n int) string { return strings.Repeat("*", max(0, min(n, pan.MaxLen))) }
