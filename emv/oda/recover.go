package oda

import (
	"crypto/sha1"
	"crypto/subtle"
	"time"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/tlv"
)

// Recovered-data framing (EMV Book 2 tables 6, 14, 19, 21).
const (
	header    = 0x6A
	trailer   = 0xBC
	hashSHA1  = 0x01
	pkAlgRSA  = 0x01
	hashLen   = sha1.Size
	issuerFix = 36 // NCA - 36 bytes of issuer key fit in the certificate
	iccFix    = 42 // NI - 42 bytes of ICC key fit in the certificate
)

// IssuerCert is the issuer public key certificate as the card holds it: tag
// 90, 92 (remainder, may be empty) and 9F32 (exponent). SM2 uses Cert only.
type IssuerCert struct {
	Cert      []byte
	Remainder []byte
	Exponent  []byte
}

// ICCCert is the ICC public key certificate: tags 9F46, 9F48 and 9F47.
// SM2 uses Cert only.
type ICCCert struct {
	Cert      []byte
	Remainder []byte
	Exponent  []byte
}

// RecoverIssuerKey recovers and checks the issuer public key certificate
// with CA key ca (EMV Book 2 6.3 for RSA; the SM2 form for SM2 keys). pan is
// the application PAN (tag 5A value); now is the transaction date.
func RecoverIssuerKey(ca capk.Key, c IssuerCert, pan []byte, now time.Time) (*PublicKey, error) {
	if ca.Algorithm == capk.SM2 {
		return recoverIssuerSM2(ca, c.Cert, pan, now)
	}
	const step = StepIssuerCert
	if ca.Algorithm != capk.RSA || len(ca.Modulus) < 64 {
		return nil, fail(step, ErrKey, "CA key")
	}
	nca := len(ca.Modulus)
	r, err := recoverFramed(step, ca.Modulus, ca.Exponent, c.Cert, 0x02)
	if err != nil {
		return nil, err
	}
	if r[11] != hashSHA1 {
		return nil, fail(step, ErrHashAlgorithm, "")
	}
	if r[12] != pkAlgRSA {
		return nil, fail(step, ErrKeyAlgorithm, "")
	}
	key, err := splitKey(step, r[15:nca-hashLen-1], int(r[13]), int(r[14]), c.Remainder, c.Exponent)
	if err != nil {
		return nil, err
	}
	if err := checkHash(step, r, c.Remainder, c.Exponent); err != nil {
		return nil, err
	}
	if err := checkIssuerID(step, r[2:6], pan); err != nil {
		return nil, err
	}
	if err := checkExpiry(step, r[6:8], now); err != nil {
		return nil, err
	}
	k := &PublicKey{Algorithm: capk.RSA, Modulus: key, Exponent: clone(c.Exponent), ID: clone(r[2:6])}
	copy(k.Expiry[:], r[6:8])
	copy(k.Serial[:], r[8:11])
	return k, nil
}

// RecoverICCKey recovers and checks the ICC public key certificate with the
// issuer key (EMV Book 2 6.4; SM2 form for SM2 keys). staticData is the
// static data to be authenticated (see StaticData); pan is tag 5A.
func RecoverICCKey(issuer *PublicKey, c ICCCert, staticData, pan []byte, now time.Time) (*PublicKey, error) {
	const step = StepICCCert
	if issuer == nil {
		return nil, fail(step, ErrKey, "no issuer key")
	}
	if issuer.Algorithm == capk.SM2 {
		return recoverICCSM2(issuer, c.Cert, staticData, pan, now)
	}
	ni := len(issuer.Modulus)
	if ni < 64 {
		return nil, fail(step, ErrKey, "issuer key")
	}
	r, err := recoverFramed(step, issuer.Modulus, issuer.Exponent, c.Cert, 0x04)
	if err != nil {
		return nil, err
	}
	if r[17] != hashSHA1 {
		return nil, fail(step, ErrHashAlgorithm, "")
	}
	if r[18] != pkAlgRSA {
		return nil, fail(step, ErrKeyAlgorithm, "")
	}
	key, err := splitKey(step, r[21:ni-hashLen-1], int(r[19]), int(r[20]), c.Remainder, c.Exponent)
	if err != nil {
		return nil, err
	}
	if err := checkHash(step, r, c.Remainder, c.Exponent, staticData); err != nil {
		return nil, err
	}
	if err := checkPAN(step, r[2:12], pan); err != nil {
		return nil, err
	}
	if err := checkExpiry(step, r[12:14], now); err != nil {
		return nil, err
	}
	k := &PublicKey{Algorithm: capk.RSA, Modulus: key, Exponent: clone(c.Exponent), ID: clone(r[2:12])}
	copy(k.Expiry[:], r[12:14])
	copy(k.Serial[:], r[14:17])
	return k, nil
}

// recoverFramed recovers sig and checks length, trailer, header and format
// (Book 2 6.3 steps 1-4). The result is at least 42 bytes long.
func recoverFramed(step Step, modulus, exponent, sig []byte, format byte) ([]byte, error) {
	r, err := rsaRecover(step, modulus, exponent, sig)
	if err != nil {
		return nil, err
	}
	if len(r) < 64 {
		return nil, fail(step, ErrLength, "")
	}
	if r[len(r)-1] != trailer {
		return nil, fail(step, ErrTrailer, "")
	}
	if r[0] != header {
		return nil, fail(step, ErrHeader, "")
	}
	if r[1] != format {
		return nil, fail(step, ErrFormat, "")
	}
	return r, nil
}

// splitKey rebuilds a modulus from the part in the certificate and the
// remainder, checking the lengths and the BB padding, and the exponent length.
func splitKey(step Step, inCert []byte, keyLen, expLen int, remainder, exponent []byte) ([]byte, error) {
	if expLen != len(exponent) || (expLen != 1 && expLen != 3) {
		return nil, fail(step, ErrInput, "exponent length")
	}
	if keyLen <= len(inCert) {
		if len(remainder) != 0 || !allBB(inCert[keyLen:]) {
			return nil, fail(step, ErrFormat, "key padding or unexpected remainder")
		}
		return clone(inCert[:keyLen]), nil
	}
	if len(inCert)+len(remainder) != keyLen {
		return nil, fail(step, ErrInput, "remainder length")
	}
	return append(clone(inCert), remainder...), nil
}

// checkHash compares the recovered hash with SHA-1 over the recovered data
// from the format byte up to the hash, followed by extra.
func checkHash(step Step, r []byte, extra ...[]byte) error {
	h := sha1.New()
	h.Write(r[1 : len(r)-hashLen-1])
	for _, e := range extra {
		h.Write(e)
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), r[len(r)-hashLen-1:len(r)-1]) != 1 {
		return fail(step, ErrHash, "")
	}
	return nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// DataLookup returns the value of a data object the card gave, and whether
// it gave it.
type DataLookup func(tlv.Tag) ([]byte, bool)

// IssuerCertOf reads the issuer public key certificate objects (90, 92,
// 9F32) the card gave; false when it gave no 90.
func IssuerCertOf(get DataLookup) (IssuerCert, bool) {
	cert, ok := get(0x90)
	rem, _ := get(0x92)
	exp, _ := get(0x9F32)
	return IssuerCert{Cert: cert, Remainder: rem, Exponent: exp}, ok
}

// ICCCertOf reads the ICC public key certificate objects (9F46, 9F48,
// 9F47) the card gave; false when it gave no 9F46.
func ICCCertOf(get DataLookup) (ICCCert, bool) {
	cert, ok := get(0x9F46)
	rem, _ := get(0x9F48)
	exp, _ := get(0x9F47)
	return ICCCert{Cert: cert, Remainder: rem, Exponent: exp}, ok
}
