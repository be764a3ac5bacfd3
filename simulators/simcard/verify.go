package simcard

import (
	"crypto/subtle"

	"github.com/hulian/hulian/card/apdu"
)

// VERIFY P2 values (EMV Book 3 6.5.12.2, table 23).
const (
	verifyPlain      byte = 0x80 // plaintext PIN, format 2 PIN block
	verifyEnciphered byte = 0x88 // enciphered PIN (EMV Book 2 7.2)
)

// verify is VERIFY (EMV Book 3 6.5.12): P2 80 plaintext PIN, ISO 9564
// format 2 PIN block (2N PPPP..FF); P2 88 the same block enciphered with the
// ICC private key (pinenc.go). A wrong PIN decrements the try counter (63Cx,
// x = tries left); a blocked PIN answers 6983; a right PIN resets the
// counter.
func (c *Card) verify(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || (cmd.P2 != verifyPlain && cmd.P2 != verifyEnciphered) {
		return status(apdu.SWIncorrectP1P2)
	}
	a := c.selected()
	if a == nil || c.sess.phase < phaseInitiated {
		return status(apdu.SWConditionsOfUse)
	}
	st := c.appState(a)
	if a.pin == "" && st.PINBlock == nil {
		return status(apdu.SWReferenceDataUnusable)
	}
	block, sw := cmd.Data, apdu.SWOK
	if cmd.P2 == verifyEnciphered {
		block, sw = c.decipherPIN(a, cmd.Data)
	} else if len(block) != 8 {
		sw = apdu.SWWrongLength
	}
	if sw != apdu.SWOK {
		return status(sw)
	}
	if st.PINTries <= 0 {
		return status(apdu.SWAuthMethodBlocked)
	}
	if !validPINBlock(block) {
		return status(apdu.SWWrongData)
	}
	return status(c.checkPIN(a, st, block))
}

// checkPIN compares a valid format 2 PIN block with the card's PIN and
// updates the try counter.
func (c *Card) checkPIN(a *app, st *AppState, block []byte) apdu.SW {
	want := st.PINBlock
	if want == nil {
		want = pinBlock(a.pin)
	}
	if subtle.ConstantTimeCompare(want, block) != 1 {
		if !c.defects.on(DefectPINTryNotDecr) {
			st.PINTries--
		}
		c.sess.pinOK = false
		return apdu.SWPINTries | apdu.SW(st.PINTries&0x0F)
	}
	if !c.defects.on(DefectPINTryNotReset) {
		st.PINTries = a.pinLimit
	}
	c.sess.pinOK = true
	return apdu.SWOK
}

// pinBlock encodes an ISO 9564 format 2 plaintext PIN block.
func pinBlock(pin string) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = 0xFF
	}
	b[0] = 0x20 | byte(len(pin))
	for i := 0; i < len(pin); i++ {
		setNibble(b, 2+i, pin[i]-'0')
	}
	return b
}

// validPINBlock checks format 2: 8 bytes, control 2, length 4..12, digits,
// F filler.
func validPINBlock(b []byte) bool {
	if len(b) != 8 {
		return false
	}
	n := int(b[0] & 0x0F)
	if b[0]>>4 != 2 || n < 4 || n > 12 {
		return false
	}
	for i := 2; i < 16; i++ {
		d := nibble(b, i)
		if (i < 2+n && d > 9) || (i >= 2+n && d != 0xF) {
			return false
		}
	}
	return true
}
