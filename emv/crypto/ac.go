package crypto

import (
	"crypto/subtle"

	"github.com/hulian/hulian/symmetric"
)

// ACLen is the length of an application cryptogram and of an ARPC (method 1).
const ACLen = 8

// MaxMACData bounds the data any cryptogram or script MAC covers.
const MaxMACData = 4096

// ACMAC returns the 8-byte MAC that makes an application cryptogram (ARQC,
// TC or AAC) over data, the values the CDOL asked for (EMV Book 2 8.1, A1.2):
// TDES: retail MAC (ISO/IEC 9797-1 algorithm 3), padding method 2; SM4:
// CBC-MAC with padding method 2, leftmost 8 bytes. sk is the session key.
func ACMAC(alg symmetric.Algorithm, sk, data []byte) ([]byte, error) {
	const op = "ACMAC"
	if len(data) > MaxMACData {
		return nil, opError(op, symmetric.ErrDataLength, "data longer than 4096 bytes")
	}
	switch alg {
	case symmetric.TDES:
		if len(sk) != 16 {
			return nil, opError(op, symmetric.ErrKeyLength, "TDES session key is not 16 bytes")
		}
		return symmetric.RetailMAC(sk, data, symmetric.Pad80)
	case symmetric.SM4:
		b, err := symmetric.NewCipher(symmetric.SM4, sk)
		if err != nil {
			return nil, opError(op, err, "")
		}
		return symmetric.CBCMAC(b, data, symmetric.Pad80)[:ACLen], nil
	}
	return nil, opError(op, symmetric.ErrUnsupported, alg.String())
}

// ARQC returns the application cryptogram over the CDOL data: ACMAC under
// the AC session key. The same computation yields TC and AAC.
func ARQC(alg symmetric.Algorithm, sk, data []byte) ([]byte, error) {
	return ACMAC(alg, sk, data)
}

// VerifyAC recomputes the cryptogram over data and compares it with ac in
// constant time: a different or wrongly sized ac is ErrMismatch.
func VerifyAC(alg symmetric.Algorithm, sk, data, ac []byte) error {
	want, err := ACMAC(alg, sk, data)
	if err != nil {
		return err
	}
	if !equal(want, ac) {
		return opError("VerifyAC", ErrMismatch, "")
	}
	return nil
}

// ARPC1 returns the 8-byte ARPC of EMV Book 2 8.2.1 (method 1) for an
// 8-byte ARQC and a 2-byte authorisation response code:
// TDES: TDES(SK)[ARQC XOR (ARC || 00*6)]; SM4 (CardPlatform): the leftmost
// 8 bytes of SM4(SK)[(ARQC XOR (ARC || 00*6)) || 00*8].
func ARPC1(alg symmetric.Algorithm, sk, arqc, arc []byte) ([]byte, error) {
	const op = "ARPC1"
	if len(arqc) != ACLen || len(arc) != 2 {
		return nil, opError(op, symmetric.ErrDataLength, "ARQC must be 8 bytes, ARC 2")
	}
	b, err := symmetric.NewCipher(alg, sk)
	if err != nil {
		return nil, opError(op, err, "")
	}
	var blk [16]byte
	copy(blk[:8], arqc)
	subtle.XORBytes(blk[:2], blk[:2], arc)
	n := b.BlockSize()
	b.Encrypt(blk[:n], blk[:n])
	return append([]byte(nil), blk[:ACLen]...), nil
}

// VerifyARPC1 recomputes the method 1 ARPC and compares it with arpc in
// constant time (the card side of issuer authentication).
func VerifyARPC1(alg symmetric.Algorithm, sk, arqc, arc, arpc []byte) error {
	want, err := ARPC1(alg, sk, arqc, arc)
	if err != nil {
		return err
	}
	if !equal(want, arpc) {
		return opError("VerifyARPC1", ErrMismatch, "")
	}
	return nil
}
