package card

import (
	"crypto/subtle"

	"github.com/hulian/hulian/card/apdu"
)

// verify is VERIFY (EMV Book 3 6.5.12): P2 80 plaintext PIN, ISO 9564
// format 2 PIN block (2N PPPP..FF). A wrong PIN decrements the try counter
// (63Cx, x = tries left); a blocked PIN answers 6983; a right PIN resets
// the counter. Enciphered PIN (P2 88) is not implemented: 6A86.
func (c *Card) verify(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0x80 {
		return status(swWrongP1P2)
	}
	a := c.selected()
	if a == nil || c.sess.phase < phaseInitiated {
		return status(swConditions)
	}
	st := c.appState(a)
	if a.pin == "" && st.PINBlock == nil {
		return status(swRefDataInvalid)
	}
	if len(cmd.Data) != 8 {
		return status(swWrongLength)
	}
	if st.PINTries <= 0 {
		return status(swPINBlocked)
	}
	if !validPINBlock(cmd.Data) {
		return status(swWrongData)
	}
	want := st.PINBlock
	if want == nil {
		want = pinBlock(a.pin)
	}
	if subtle.ConstantTimeCompare(want, cmd.Data) != 1 {
		if !c.defects.on(DefectPINTryNotDecr) {
			st.PINTries--
		}
		c.sess.pinOK = false
		return status(swPINTries | uint16(st.PINTries&0x0F))
	}
	if !c.defects.on(DefectPINTryNotReset) {
		st.PINTries = a.pinLimit
	}
	c.sess.pinOK = true
	return status(swOK)
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

// validPINBlock checks format 2: control 2, length 4..12, digits, F filler.
func validPINBlock(b []byte) bool {
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
