package oda

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"math/big"

	"github.com/hulian/hulian/emv/crypto/sm2"
)

// IssuerCertRequest describes an issuer public key certificate to issue.
type IssuerCertRequest struct {
	IssuerID []byte  // leftmost 3..8 PAN digits, cn (F padded) in 4 bytes
	Expiry   [2]byte // MMYY, BCD
	Serial   [3]byte
	Key      *rsa.PublicKey   // for an RSA CA
	SM2Key   *ecdsa.PublicKey // for an SM2 CA
}

// ICCCertRequest describes an ICC public key certificate to issue.
type ICCCertRequest struct {
	PAN        []byte // tag 5A value (up to 10 bytes; F padded to 10 in the certificate)
	Expiry     [2]byte
	Serial     [3]byte
	Key        *rsa.PublicKey
	SM2Key     *ecdsa.PublicKey
	StaticData []byte // static data to be authenticated (see StaticData)
}

// IssueIssuerCert signs an issuer public key certificate with a CA key:
// format 02 with message recovery for RSA (EMV Book 2 table 6), format 12
// for SM2.
func IssueIssuerCert(ca Signer, req IssuerCertRequest) (IssuerCert, error) {
	if len(req.IssuerID) != 4 {
		return IssuerCert{}, fail(StepSign, ErrInput, "issuer identifier is not 4 bytes")
	}
	fields := concat([]byte{0}, req.IssuerID)
	fields = append(append(fields, req.Expiry[:]...), req.Serial[:]...)
	if ca.SM2 != nil {
		cert, err := signSM2Cert(ca, 0x12, fields[1:], req.SM2Key, nil)
		return IssuerCert{Cert: cert}, err
	}
	fields[0] = 0x02
	cert, rem, exp, err := signRSACert(ca.RSA, fields, req.Key, issuerFix, nil)
	return IssuerCert{Cert: cert, Remainder: rem, Exponent: exp}, err
}

// IssueICCCert signs an ICC public key certificate with the issuer key:
// format 04 (RSA, EMV Book 2 table 14) or 14 (SM2), covering the static data.
func IssueICCCert(issuer Signer, req ICCCertRequest) (ICCCert, error) {
	if len(req.PAN) == 0 || len(req.PAN) > 10 {
		return ICCCert{}, fail(StepSign, ErrInput, "PAN is not 1 to 10 bytes")
	}
	pan := []byte{0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	copy(pan[1:], req.PAN)
	fields := append(append(pan, req.Expiry[:]...), req.Serial[:]...)
	if issuer.SM2 != nil {
		cert, err := signSM2Cert(issuer, 0x14, fields[1:], req.SM2Key, req.StaticData)
		return ICCCert{Cert: cert}, err
	}
	fields[0] = 0x04
	cert, rem, exp, err := signRSACert(issuer.RSA, fields, req.Key, iccFix, req.StaticData)
	return ICCCert{Cert: cert, Remainder: rem, Exponent: exp}, err
}

// signRSACert builds format || fields || 01 01 || len || explen || key part
// (BB padded) || hash, signs it, and returns the certificate, the remainder
// and the exponent. fixed is 36 (issuer) or 42 (ICC).
func signRSACert(priv *rsa.PrivateKey, fields []byte, key *rsa.PublicKey, fixed int, extra []byte) ([]byte, []byte, []byte, error) {
	if priv == nil || key == nil {
		return nil, nil, nil, fail(StepSign, ErrKey, "RSA keys needed")
	}
	n := modulusLen(priv)
	mod := key.N.Bytes()
	exp := big.NewInt(int64(key.E)).Bytes()
	if len(mod) > 255 || n < fixed+1 {
		return nil, nil, nil, fail(StepSign, ErrKey, "key sizes")
	}
	room := n - fixed
	part, rem := mod, []byte(nil)
	if len(mod) > room {
		part, rem = mod[:room], clone(mod[room:])
	}
	body := append(clone(fields), hashSHA1, pkAlgRSA, byte(len(mod)), byte(len(exp)))
	body = append(body, part...)
	for range room - len(part) {
		body = append(body, 0xBB)
	}
	sig, err := signRecoverable(priv, body, rem, exp, extra)
	return sig, rem, exp, err
}

// signRecoverable signs 6A || body || SHA-1(body || extra...) || BC.
func signRecoverable(priv *rsa.PrivateKey, body []byte, extra ...[]byte) ([]byte, error) {
	h := sha1.New()
	h.Write(body)
	for _, e := range extra {
		h.Write(e)
	}
	msg := append([]byte{header}, body...)
	msg = append(h.Sum(msg), trailer)
	return rsaSign(priv, msg)
}

// signSM2Cert builds format || fields || 04 04 00 40 || key and signs it
// (with extra appended to the signed data only).
func signSM2Cert(s Signer, format byte, fields []byte, key *ecdsa.PublicKey, extra []byte) ([]byte, error) {
	if key == nil {
		return nil, fail(StepSign, ErrKey, "SM2 key needed")
	}
	body := append([]byte{format}, fields...)
	body = append(body, sm2SigAlg, sm2PKAlg, sm2Param, sm2.PublicKeyLen)
	body = append(body, sm2.MarshalPublicKey(key)...)
	sig, err := sm2.Sign(s.rand(), s.SM2, nil, concat(body, extra))
	if err != nil {
		return nil, fail(StepSign, ErrKey, "SM2 signing failed")
	}
	return append(body, sig...), nil
}

// SignStaticData returns the signed static application data (tag 93) for
// the data authentication code dac (2 bytes, tag 9F45) over staticData:
// format 03 (RSA) or 13 (SM2).
func SignStaticData(issuer Signer, dac, staticData []byte) ([]byte, error) {
	if len(dac) != 2 {
		return nil, fail(StepSign, ErrInput, "DAC is not 2 bytes")
	}
	if issuer.SM2 != nil {
		head := []byte{0x13, dac[0], dac[1]}
		sig, err := sm2.Sign(issuer.rand(), issuer.SM2, nil, concat(head, staticData))
		if err != nil {
			return nil, fail(StepSign, ErrKey, "SM2 signing failed")
		}
		return append(head, sig...), nil
	}
	if issuer.RSA == nil {
		return nil, fail(StepSign, ErrKey, "no key")
	}
	n := modulusLen(issuer.RSA)
	body := []byte{0x03, hashSHA1, dac[0], dac[1]}
	for range n - 26 {
		body = append(body, 0xBB)
	}
	return signRecoverable(issuer.RSA, body, staticData)
}

// SignDDA returns the signed dynamic application data (9F4B) an INTERNAL
// AUTHENTICATE answers: ICC dynamic data = len(idn) || idn, over ddolData.
// Format 05 (RSA) or 15 (SM2).
func SignDDA(icc Signer, idn, ddolData []byte) ([]byte, error) {
	if len(idn) < 2 || len(idn) > 8 {
		return nil, fail(StepSign, ErrInput, "ICC dynamic number is not 2 to 8 bytes")
	}
	return signDynamic(icc, concat([]byte{byte(len(idn))}, idn), ddolData)
}

// CDARequest is what a CDA card signs in a GENERATE AC response.
type CDARequest struct {
	ICCDynamicNumber    []byte // 2..8 bytes
	CID                 byte
	AC                  []byte // 8 bytes
	TransactionDataHash []byte // see TransactionDataHash
	UnpredictableNumber []byte // 9F37 from the terminal
}

// SignCDA returns the signed dynamic application data of a CDA GENERATE AC
// response (EMV Book 2 6.6.1, RSA only).
func SignCDA(icc Signer, req CDARequest) ([]byte, error) {
	if icc.RSA == nil {
		return nil, fail(StepSign, ErrKeyAlgorithm, "CDA needs an RSA key")
	}
	n := len(req.ICCDynamicNumber)
	if n < 2 || n > 8 || len(req.AC) != 8 || len(req.TransactionDataHash) != hashLen {
		return nil, fail(StepSign, ErrInput, "CDA field lengths")
	}
	dd := append([]byte{byte(n)}, req.ICCDynamicNumber...)
	dd = append(append(append(dd, req.CID), req.AC...), req.TransactionDataHash...)
	return signDynamic(icc, dd, req.UnpredictableNumber)
}

// signDynamic signs ICC dynamic data dd, the hash (RSA) or the signature
// (SM2) also covering tail.
func signDynamic(icc Signer, dd, tail []byte) ([]byte, error) {
	if icc.SM2 != nil {
		head := append([]byte{0x15, byte(len(dd))}, dd...)
		sig, err := sm2.Sign(icc.rand(), icc.SM2, nil, concat(head, tail))
		if err != nil {
			return nil, fail(StepSign, ErrKey, "SM2 signing failed")
		}
		return append(head, sig...), nil
	}
	if icc.RSA == nil {
		return nil, fail(StepSign, ErrKey, "no key")
	}
	n := modulusLen(icc.RSA)
	if len(dd) > n-25 {
		return nil, fail(StepSign, ErrInput, "dynamic data too long for the key")
	}
	body := append([]byte{0x05, hashSHA1, byte(len(dd))}, dd...)
	for range n - 25 - len(dd) {
		body = append(body, 0xBB)
	}
	return signRecoverable(icc.RSA, body, tail)
}
