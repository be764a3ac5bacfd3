package crypto

import "github.com/hulian/hulian/symmetric"

// ScriptMACLen is the length of the MAC a PBOC issuer script command carries.
const ScriptMACLen = 4

// MaxScriptData is the most command data (before the MAC) a short APDU can
// carry together with a 4-byte MAC.
const MaxScriptData = 255 - ScriptMACLen

// ScriptMACData builds the data an issuer script command MAC covers (EMV
// Book 2 9.2.3 format 2 with transaction data, PBOC layout):
// CLA INS P1 P2 Lc || ATC || ARQC || data, where Lc = len(data) + 4 counts
// the MAC the command will carry. Example: the EC load
// 04 DA 9F 79 0A || ATC || ARQC || new balance.
func ScriptMACData(cla, ins, p1, p2 byte, atc uint16, arqc, data []byte) ([]byte, error) {
	if len(arqc) != ACLen {
		return nil, opError("ScriptMACData", symmetric.ErrDataLength, "ARQC is not 8 bytes")
	}
	if len(data) > MaxScriptData {
		return nil, opError("ScriptMACData", symmetric.ErrDataLength, "command data too long for a short APDU")
	}
	out := make([]byte, 0, 5+2+ACLen+len(data))
	out = append(out, cla, ins, p1, p2, byte(len(data)+ScriptMACLen), byte(atc>>8), byte(atc))
	out = append(out, arqc...)
	return append(out, data...), nil
}

// ScriptMAC returns the 4-byte issuer script MAC over macData (see
// ScriptMACData) under the script MAC session key: the leftmost 4 bytes of
// ACMAC (retail MAC or SM4 CBC-MAC, padding method 2).
func ScriptMAC(alg symmetric.Algorithm, sk, macData []byte) ([]byte, error) {
	m, err := ACMAC(alg, sk, macData)
	if err != nil {
		return nil, err
	}
	return m[:ScriptMACLen], nil
}

// VerifyScriptMAC checks a script command MAC of 4 to 8 bytes against the
// leftmost bytes of the MAC over macData, in constant time (the card side).
func VerifyScriptMAC(alg symmetric.Algorithm, sk, macData, mac []byte) error {
	if len(mac) < ScriptMACLen || len(mac) > ACLen {
		return opError("VerifyScriptMAC", ErrMismatch, "MAC is not 4 to 8 bytes")
	}
	m, err := ACMAC(alg, sk, macData)
	if err != nil {
		return err
	}
	if !equal(m[:len(mac)], mac) {
		return opError("VerifyScriptMAC", ErrMismatch, "")
	}
	return nil
}

// ScriptEncrypt enciphers the confidential data of an issuer script command
// (the PIN block of PIN CHANGE/UNBLOCK, a PUT DATA value) under the script
// encryption session key, in the VIS form PBOC follows: the length of
// plaintext as one byte, plaintext, padding method 2 to whole blocks, ECB.
func ScriptEncrypt(alg symmetric.Algorithm, sk, plaintext []byte) ([]byte, error) {
	const op = "ScriptEncrypt"
	if len(plaintext) > MaxScriptData-16 {
		return nil, opError(op, symmetric.ErrDataLength, "plaintext too long")
	}
	b, err := symmetric.NewCipher(alg, sk)
	if err != nil {
		return nil, opError(op, err, "")
	}
	in := symmetric.Pad(append([]byte{byte(len(plaintext))}, plaintext...), b.BlockSize(), symmetric.Pad80)
	symmetric.ECBEncrypt(b, in, in)
	return in, nil
}

// ScriptDecrypt reverses ScriptEncrypt (the card side): it checks the length
// byte and the padding and returns the plaintext. Malformed input is
// ErrDataLength or ErrPadding; it never panics.
func ScriptDecrypt(alg symmetric.Algorithm, sk, ciphertext []byte) ([]byte, error) {
	const op = "ScriptDecrypt"
	b, err := symmetric.NewCipher(alg, sk)
	if err != nil {
		return nil, opError(op, err, "")
	}
	n := b.BlockSize()
	if len(ciphertext) == 0 || len(ciphertext)%n != 0 || len(ciphertext) > 256 {
		return nil, opError(op, symmetric.ErrDataLength, "not a whole number of blocks")
	}
	out := make([]byte, len(ciphertext))
	symmetric.ECBDecrypt(b, out, ciphertext)
	body, err := symmetric.Unpad(out)
	if err != nil {
		return nil, opError(op, symmetric.ErrPadding, "")
	}
	if len(body) == 0 || int(body[0]) != len(body)-1 {
		return nil, opError(op, symmetric.ErrPadding, "length byte does not match")
	}
	return body[1:], nil
}
