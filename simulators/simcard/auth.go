package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
)

// internalAuthenticate is INTERNAL AUTHENTICATE for DDA (EMV Book 3 6.5.9,
// Book 2 6.5): the data are the DDOL values; the answer is format 1
// 80 { signed dynamic application data }.
func (c *Card) internalAuthenticate(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	a := c.selected()
	if a == nil || c.sess.phase < phaseInitiated {
		return status(apdu.SWConditionsOfUse)
	}
	if !a.has(aipDDA) || a.signer == nil {
		return status(apdu.SWConditionsOfUse)
	}
	if len(cmd.Data) == 0 || (a.ddol != nil && len(cmd.Data) != a.ddol.Len()) {
		return status(apdu.SWWrongLength)
	}
	sig, err := c.signDDA(a, c.random(8), cmd.Data)
	if err != nil {
		return status(apdu.SWNoDiagnosis)
	}
	return respond(tlv.Encode(tlv.New(0x80, sig)), apdu.SWOK)
}

// signDDA signs ICC dynamic number idn with the terminal's data.
func (c *Card) signDDA(a *app, idn, terminal []byte) ([]byte, error) {
	sig, err := a.signer.dda(idn, terminal, c.rand)
	return c.spoil(sig), err
}

// spoil applies the bad-dda-signature defect to a dynamic signature.
func (c *Card) spoil(sig []byte) []byte {
	if c.defects.on(DefectBadDDASignature) && len(sig) > 0 {
		sig[len(sig)-1] ^= 0x01
	}
	return sig
}

// externalAuthenticate is EXTERNAL AUTHENTICATE (EMV Book 3 6.5.4): data
// ARPC (8) || ARC (2), checked with ARPC method 1 under the AC session key.
func (c *Card) externalAuthenticate(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	if len(cmd.Data) != 10 {
		return status(apdu.SWWrongLength)
	}
	a := c.selected()
	if a == nil || c.sess.phase != phaseOnline || c.sess.extAuth != 0 {
		return status(apdu.SWConditionsOfUse)
	}
	sk, err := c.suite.sessionKey(a.keys.ac, c.sess.atc)
	if err != nil {
		return status(apdu.SWNoDiagnosis)
	}
	err = crypto.VerifyARPC1(c.suite.sym, sk, c.sess.arqc, cmd.Data[8:10], cmd.Data[:8])
	if err != nil && !c.defects.on(DefectARPCIgnored) {
		c.sess.extAuth = -1
		c.sess.cvr[1] |= cvr2IssuerAuFail
		return status(apdu.SWVerifyFailed)
	}
	c.sess.extAuth = 1
	return status(apdu.SWOK)
}

// getChallenge is GET CHALLENGE (EMV Book 3 6.5.6): 8 random bytes, kept
// for an enciphered PIN VERIFY that immediately follows.
func (c *Card) getChallenge(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	if len(cmd.Data) > 0 {
		return status(apdu.SWWrongLength)
	}
	c.sess.challenge = c.random(challengeLen)
	return respond(c.sess.challenge, apdu.SWOK)
}
