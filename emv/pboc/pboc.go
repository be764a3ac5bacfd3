// Package pboc holds the PBOC 3.0 data layouts that the card, the terminal
// and the issuer must agree on byte for byte, so that each is written once:
// the input of the application cryptogram (ARQC, TC, AAC) for cryptogram
// version 01, and the issuer application data (9F10) that carries the card
// verification results (CVR) and the algorithm id.
//
// The cryptogram input is the EMV Book 2 8.1.1 minimum data set (amount
// 9F02, other amount 9F03, terminal country 9F1A, TVR 95, currency 5F2A,
// date 9A, type 9C, unpredictable number 9F37, each at its EMV length),
// then AIP 82, ATC 9F36 and bytes 4..7 of 9F10 (the CVR with its length
// byte), as PBOC CVN 01 shares it with VIS CVN 10 (z-zroud/CardPlatform and
// knovichikhin/pyemv's cvn module describe the same layout; JR/T 0025.5
// annex D is the normative text). 9F10 in the PBOC layout is: length 07,
// derivation key index, CVN, CVR (03 + 3 bytes), algorithm id (01 3DES,
// 04 SM4), then for electronic cash an issuer discretionary part.
package pboc

import "github.com/hulian/hulian/emv/tlv"

// Object is a data object of a fixed-layout input and its length.
type Object struct {
	Tag tlv.Tag
	Len int
}

// Terminal data objects of the cryptogram input, in order.
const (
	TagAmount      tlv.Tag = 0x9F02
	TagOtherAmount tlv.Tag = 0x9F03
	TagCountry     tlv.Tag = 0x9F1A
	TagTVR         tlv.Tag = 0x95
	TagCurrency    tlv.Tag = 0x5F2A
	TagDate        tlv.Tag = 0x9A
	TagType        tlv.Tag = 0x9C
	TagUN          tlv.Tag = 0x9F37
	TagAIP         tlv.Tag = 0x82
	TagATC         tlv.Tag = 0x9F36
	TagIAD         tlv.Tag = 0x9F10
	TagAC          tlv.Tag = 0x9F26
	TagCID         tlv.Tag = 0x9F27
)

// Algorithm ids of 9F10 byte 8.
const (
	AlgorithmTDES byte = 0x01
	AlgorithmSM4  byte = 0x04
)

// ACTerminalData returns the terminal data objects of the cryptogram input
// in order, with their lengths.
func ACTerminalData() [8]Object {
	return [8]Object{{TagAmount, 6}, {TagOtherAmount, 6}, {TagCountry, 2}, {TagTVR, 5},
		{TagCurrency, 2}, {TagDate, 3}, {TagType, 1}, {TagUN, 4}}
}

// ACInputLen is the length of the input with a CVR.
const ACInputLen = 29 + 2 + 2 + 4

// AppendACInput appends the cryptogram input to dst: terminal[i] is the
// value of ACTerminalData()[i] (left-aligned at its length, cut or
// zero-filled; nil for absent), then aip (2 bytes), atc and the CVR part
// of iad (bytes 4..7; left out when iad is shorter than 7 bytes).
func AppendACInput(dst []byte, terminal *[8][]byte, aip []byte, atc uint16, iad []byte) []byte {
	for i, o := range ACTerminalData() {
		dst = appendFixed(dst, terminal[i], o.Len)
	}
	dst = appendFixed(dst, aip, 2)
	dst = append(dst, byte(atc>>8), byte(atc))
	if len(iad) >= 7 {
		dst = append(dst, iad[3:7]...)
	}
	return dst
}

// ACInputFromTLV returns the cryptogram input of an online authorisation
// data set (ISO 8583 field 55) as the issuer recomputes it: the terminal
// data, AIP, ATC and 9F10 found in list, whatever their order.
func ACInputFromTLV(list []tlv.TLV) []byte {
	var terminal [8][]byte
	for i, o := range ACTerminalData() {
		terminal[i] = value(list, o.Tag)
	}
	var atc uint16
	if v := value(list, TagATC); len(v) == 2 {
		atc = uint16(v[0])<<8 | uint16(v[1])
	}
	return AppendACInput(make([]byte, 0, ACInputLen), &terminal, value(list, TagAIP), atc, value(list, TagIAD))
}

// IAD returns 9F10 in the PBOC layout without an issuer discretionary part:
// 07, derivation key index, CVN, 03, the CVR's three bytes, algorithm id.
func IAD(dki, cvn byte, cvr [3]byte, algorithm byte) [8]byte {
	return [8]byte{0x07, dki, cvn, 0x03, cvr[0], cvr[1], cvr[2], algorithm}
}

// IADAlgorithm returns the algorithm id of a PBOC 9F10 and false when it is
// too short to hold one.
func IADAlgorithm(iad []byte) (byte, bool) {
	if len(iad) < 8 {
		return 0, false
	}
	return iad[7], true
}

func value(list []tlv.TLV, tag tlv.Tag) []byte {
	if t, ok := tlv.Find(list, tag); ok {
		return t.Value
	}
	return nil
}

// appendFixed appends v left-aligned in n bytes.
func appendFixed(dst, v []byte, n int) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, n)...)
	copy(dst[start:], v)
	return dst
}
