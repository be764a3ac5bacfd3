package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/bcd"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
)

// checkScript verifies the secure messaging of an issuer script command
// (EMV Book 2 9.2, JR/T 0025.5 annex: MAC over CLA INS P1 P2 Lc || ATC ||
// ARQC || data under the MAC session key, 4 bytes at the end of the data).
// It returns the command data without the MAC, or a status word.
func (c *Card) checkScript(cmd apdu.Command) ([]byte, apdu.SW) {
	a := c.selected()
	if a == nil || c.sess.phase < phaseOnline || c.sess.arqc == nil {
		return nil, apdu.SWConditionsOfUse
	}
	if len(cmd.Data) < crypto.ScriptMACLen {
		return nil, apdu.SWWrongLength
	}
	body := cmd.Data[:len(cmd.Data)-crypto.ScriptMACLen]
	mac := cmd.Data[len(body):]
	macData, err := crypto.ScriptMACData(cmd.CLA, cmd.INS, cmd.P1, cmd.P2, c.sess.atc, c.sess.arqc, body)
	if err != nil {
		return nil, apdu.SWWrongLength
	}
	sk, err := c.suite.sessionKey(a.keys.mac, c.sess.atc)
	if err != nil {
		return nil, apdu.SWNoDiagnosis
	}
	if crypto.VerifyScriptMAC(c.suite.sym, sk, macData, mac) != nil && !c.defects.on(DefectScriptMACIgnored) {
		return nil, apdu.SWSMDataIncorrect
	}
	c.sess.cvr[2] |= cvr3Script
	return body, apdu.SWOK
}

// appBlock is APPLICATION BLOCK (84 1E 00 00).
func (c *Card) appBlock(cmd apdu.Command) []byte {
	return c.simpleScript(cmd, func(a *app) { c.appState(a).Blocked = true })
}

// appUnblock is APPLICATION UNBLOCK (84 18 00 00).
func (c *Card) appUnblock(cmd apdu.Command) []byte {
	return c.simpleScript(cmd, func(a *app) { c.appState(a).Blocked = false })
}

// cardBlock is CARD BLOCK (84 16 00 00): every later command answers 6A81.
func (c *Card) cardBlock(cmd apdu.Command) []byte {
	return c.simpleScript(cmd, func(*app) { c.state.CardBlocked = true })
}

func (c *Card) simpleScript(cmd apdu.Command, do func(*app)) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	body, sw := c.checkScript(cmd)
	if sw != apdu.SWOK {
		return status(sw)
	}
	if len(body) != 0 {
		return status(apdu.SWWrongLength)
	}
	do(c.selected())
	return status(apdu.SWOK)
}

// pinChangeUnblock is PIN CHANGE/UNBLOCK (84 24 00 P2): P2 00 resets the
// try counter; P2 01 or 02 also sets a new PIN, sent as a format 2 PIN
// block enciphered under the ENC session key (crypto.ScriptEncrypt).
func (c *Card) pinChangeUnblock(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 > 2 {
		return status(apdu.SWIncorrectP1P2)
	}
	body, sw := c.checkScript(cmd)
	if sw != apdu.SWOK {
		return status(sw)
	}
	a := c.selected()
	st := c.appState(a)
	if cmd.P2 == 0 {
		if len(body) != 0 {
			return status(apdu.SWWrongLength)
		}
		st.PINTries = a.pinLimit
		return status(apdu.SWOK)
	}
	sk, err := c.suite.sessionKey(a.keys.enc, c.sess.atc)
	if err != nil {
		return status(apdu.SWNoDiagnosis)
	}
	block, err := crypto.ScriptDecrypt(c.suite.sym, sk, body)
	if err != nil || len(block) != 8 || !validPINBlock(block) {
		return status(apdu.SWWrongData)
	}
	st.PINBlock = append(Hex(nil), block...)
	st.PINTries = a.pinLimit
	return status(apdu.SWOK)
}

// putData is PUT DATA (04/84 DA P1 P2, JR/T 0025.13): sets an EC value;
// the EC load is 04 DA 9F 79 0A new-balance || MAC.
func (c *Card) putData(cmd apdu.Command) []byte {
	body, sw := c.checkScript(cmd)
	if sw != apdu.SWOK {
		return status(sw)
	}
	a := c.selected()
	st := c.appState(a)
	t := tlv.Tag(cmd.P1)<<8 | tlv.Tag(cmd.P2)
	var dst *int64
	switch t {
	case 0x9F79:
		dst = &st.ECBalance
	case 0x9F77:
		dst = &st.ECLimit
	case 0x9F78:
		dst = &st.ECSingleLimit
	case 0x9F6D:
		dst = &st.ECResetThreshold
	}
	if dst == nil || a.ec == nil {
		return status(apdu.SWReferenceNotFound)
	}
	if len(body) != 6 {
		return status(apdu.SWWrongLength)
	}
	v, ok := bcd.Int(body)
	if !ok {
		return status(apdu.SWWrongData)
	}
	if t == 0x9F79 && v > st.ECLimit && !c.defects.on(DefectECBalanceAboveLimit) {
		return status(apdu.SWWrongData)
	}
	*dst = v
	return status(apdu.SWOK)
}
