package simcard

import (
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/pboc"
	"github.com/hulian/hulian/emv/tlv"
)

// Cryptogram types as CID 9F27 codes them (EMV Book 3 Table 14).
const (
	cidAAC  byte = 0x00
	cidTC   byte = 0x40
	cidARQC byte = 0x80
)

// CryptogramInput returns the data an application cryptogram covers, the
// PBOC CVN 01 layout of emv/pboc: the terminal data objects of the EMV
// minimum set from terminal (zeros when the terminal did not send one),
// then AIP, ATC and the 4-byte CVR of 9F10. Issuer hosts and tests use it
// to recompute 9F26.
func CryptogramInput(terminal map[tlv.Tag][]byte, aip []byte, atc uint16, iad []byte) []byte {
	var values [8][]byte
	for i, o := range pboc.ACTerminalData() {
		values[i] = terminal[o.Tag]
	}
	return pboc.AppendACInput(make([]byte, 0, pboc.ACInputLen), &values, aip, atc, iad)
}

// iad builds 9F10 in the PBOC layout: 07 DKI CVN 03 CVR(3) algorithm-id,
// then for an EC application IDD length 0A, IDD type 01 and the EC balance
// (n12) padded with 3 zero bytes.
func (c *Card) iad(a *app) []byte {
	alg := c.suite.algID
	if c.defects.on(Defect9F10WrongAlgorithm) {
		alg ^= 0x05 // 01 <-> 04
	}
	head := pboc.IAD(a.dki, a.cvn, c.sess.cvr, alg)
	out := head[:]
	if a.ec == nil {
		return out
	}
	idd := byte(0x0A)
	if c.defects.on(DefectIADLengthWrong) {
		idd++
	}
	out = append(out, idd, 0x01)
	out = append(out, bcdAmount(c.appState(a).ECBalance)...)
	return append(out, 0, 0, 0)
}

// cryptogram computes the AC over terminal data for the session's ATC.
func (c *Card) cryptogram(a *app, terminal map[tlv.Tag][]byte, iad []byte) ([]byte, error) {
	mk := a.keys.ac
	if c.defects.on(DefectWrongARQCKey) {
		mk = a.keys.mac
	}
	sk, err := c.suite.sessionKey(mk, c.sess.atc)
	if err != nil {
		return nil, err
	}
	return crypto.ARQC(c.suite.sym, sk, CryptogramInput(terminal, a.aip, c.sess.atc, iad))
}

// nextATC increments the ATC for a new transaction (JR/T 0025.5: once per
// transaction) and records it in the session.
func (c *Card) nextATC(a *app) bool {
	st := c.appState(a)
	if st.ATC == 0xFFFF {
		return false
	}
	if !c.defects.on(DefectATCNotIncremented) {
		st.ATC++
	}
	c.sess.atc = st.ATC
	return true
}

// cvrFirst sets CVR byte 1 for the first cryptogram (bits 6-5, the second
// GENERATE AC "not requested" 10 in bits 8-7).
func (c *Card) cvrFirst(cid byte) {
	t := byte(0)
	switch cid {
	case cidTC:
		t = 0x10
	case cidARQC:
		t = 0x20
	}
	c.sess.cvr[0] = 0x80 | t
}

// cvrSecond sets CVR byte 1 bits 8-7 for the second cryptogram.
func (c *Card) cvrSecond(cid byte) {
	t := byte(0)
	if cid == cidTC {
		t = 0x40
	}
	c.sess.cvr[0] = c.sess.cvr[0]&0x3F | t
}
