package simcard

import (
	"crypto/subtle"
	"math/big"

	"github.com/hulian/hulian/card/apdu"
)

// pinHeader is the data header of enciphered PIN data (EMV Book 2 7.2).
const pinHeader = 0x7F

// challengeLen is the length of the GET CHALLENGE answer (EMV Book 3 6.5.6).
const challengeLen = 8

// decipherPIN recovers the PIN block from enciphered PIN data (EMV Book 2
// 7.2): the terminal RSA-enciphered 7F || PIN block (8) || ICC unpredictable
// number (8) || random pad (N-17) with the card's public key, N being the
// modulus length. The card has no separate PIN encipherment key (9F2D): the
// ICC key is used, as Book 2 7.1 allows.
//
// The unpredictable number must be the one the card returned to the GET
// CHALLENGE immediately before this VERIFY: a challenge is good for the
// next command only (ISO/IEC 7816-4 7.5.3). Status words, a convention of
// this simulator because the public sources seen do not name them: no key
// or an SM2 card 6A86 (enciphered PIN not supported), no fresh challenge
// 6985, data not N bytes 6700, data not below the modulus, wrong header or
// wrong unpredictable number 6A80. None of these touches the PIN try
// counter: only a well-formed block with a wrong PIN does.
//
// SM profiles answer 6A86: JR/T 0025.17 describes an SM2 variant of PIN
// encipherment, but no public source seen gives its data layout.
func (c *Card) decipherPIN(a *app, data []byte) ([]byte, apdu.SW) {
	if a.signer == nil || a.signer.sm || a.signer.key.RSA == nil {
		return nil, apdu.SWIncorrectP1P2
	}
	challenge := c.sess.prevChallenge
	if len(challenge) != challengeLen {
		return nil, apdu.SWConditionsOfUse
	}
	priv := a.signer.key.RSA
	n := (priv.N.BitLen() + 7) / 8
	if len(data) != n || n < 1+8+challengeLen {
		return nil, apdu.SWWrongLength
	}
	x := new(big.Int).SetBytes(data)
	if x.Cmp(priv.N) >= 0 {
		return nil, apdu.SWWrongData
	}
	m := new(big.Int).Exp(x, priv.D, priv.N).FillBytes(make([]byte, n))
	ok := subtle.ConstantTimeByteEq(m[0], pinHeader) & subtle.ConstantTimeCompare(m[9:9+challengeLen], challenge)
	if ok != 1 {
		return nil, apdu.SWWrongData
	}
	return m[1:9], apdu.SWOK
}
