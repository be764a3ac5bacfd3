package tags

import (
	"encoding/hex"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// Public key certificates and the PAN.
//
// An RSA certificate is enciphered with the signer's private key (EMV Book
// 2 5.3 and 6.4, message recovery): the PAN or issuer identifier inside it
// is not readable from the bytes. An SM2 certificate (JR/T 0025.17, format
// 12 issuer, 14 ICC) is signed, not recovered: its fields are in clear, so
// the ICC certificate '9F46' (and the PIN encipherment certificate '9F2D',
// same layout) shows the whole PAN in bytes 2-11, and the issuer
// certificate '90' the issuer identifier, the PAN's leftmost 3 to 8
// digits, in bytes 2-5.
//
// The masking looks at the field, not at the format byte: whenever the
// bytes where the layout puts the identifier read as a cn value (digits,
// then 'F' padding) they are masked as a PAN (first six and last four
// digits shown) or, for the issuer identifier, as a BIN (first six
// shown). A card whose certificate has a wrong format byte (a defect under
// test) is masked all the same. RSA ciphertext is practically never a cn
// value there, so RSA certificates stay exact; were it one by chance, the
// masking hides ten bytes of ciphertext and nothing else.
//
// Masking by position needs no knowledge of the card's PAN, which the
// renderings (one card answer at a time) do not have: the READ RECORD
// holding '9F46' may come before the one holding '5A'.

// Identifier field lengths after the format byte.
const (
	certPANLen      = 10 // ICC certificate: PAN, cn 10
	certIssuerIDLen = 4  // issuer certificate: issuer identifier, cn 4
	binLen          = 6  // digits of an issuer identifier left visible
)

// certIDLen returns the length of the identifier field of certificate tag
// t, and false when t is not a public key certificate.
func certIDLen(t tlv.Tag) (int, bool) {
	switch t {
	case 0x9F46, 0x9F2D:
		return certPANLen, true
	case 0x90:
		return certIssuerIDLen, true
	}
	return 0, false
}

// maskedCert renders certificate t in upper-case hex with its identifier
// field replaced by "{masked digits}", and false when the field does not
// hold readable digits (an RSA certificate) or t is not a certificate.
// A value shorter than the layout has its field cut short, not skipped.
func maskedCert(t tlv.TLV) (string, bool) {
	n, ok := certIDLen(t.Tag)
	if !ok || len(t.Value) < 2 {
		return "", false
	}
	end := min(len(t.Value), 1+n)
	field := t.Value[1:end]
	digits := cnDigits(field)
	if digits == "" || checkCN(field) >= 0 {
		return "", false
	}
	var m string
	if t.Tag == 0x90 {
		m = digits[:min(len(digits), binLen)] + stars(len(digits)-binLen)
	} else {
		m = pan.Mask([]byte(digits))
	}
	return hexUpper(t.Value[:1]) + "{" + m + "}" + hexUpper(t.Value[end:]), true
}

func hexUpper(v []byte) string { return strings.ToUpper(hex.EncodeToString(v)) }
