package oda

import (
	"crypto/ecdsa"
	"time"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/crypto/sm2"
)

// SM2 object layout constants (see the package doc).
const (
	sm2SigAlg     = 0x04
	sm2PKAlg      = 0x04
	sm2Param      = 0x00
	sm2IssuerHead = 14 // 12 | id 4 | expiry 2 | serial 3 | 04 04 00 | len
	sm2ICCHead    = 20 // 14 | PAN 10 | expiry 2 | serial 3 | 04 04 00 | len
)

func recoverIssuerSM2(ca capk.Key, cert, pan []byte, now time.Time) (*PublicKey, error) {
	const step = StepIssuerCert
	pub, err := ca.SM2PublicKey()
	if err != nil {
		return nil, fail(step, ErrKey, "CA key")
	}
	key, err := checkSM2Cert(step, pub, cert, nil, 0x12, sm2IssuerHead)
	if err != nil {
		return nil, err
	}
	if err := checkIssuerID(step, cert[1:5], pan); err != nil {
		return nil, err
	}
	if err := checkExpiry(step, cert[5:7], now); err != nil {
		return nil, err
	}
	k := &PublicKey{Algorithm: capk.SM2, SM2: key, ID: clone(cert[1:5])}
	copy(k.Expiry[:], cert[5:7])
	copy(k.Serial[:], cert[7:10])
	return k, nil
}

func recoverICCSM2(issuer *PublicKey, cert, staticData, pan []byte, now time.Time) (*PublicKey, error) {
	const step = StepICCCert
	pub, err := issuer.SM2PublicKey()
	if err != nil {
		return nil, fail(step, ErrKey, "issuer key")
	}
	key, err := checkSM2Cert(step, pub, cert, staticData, 0x14, sm2ICCHead)
	if err != nil {
		return nil, err
	}
	if err := checkPAN(step, cert[1:11], pan); err != nil {
		return nil, err
	}
	if err := checkExpiry(step, cert[11:13], now); err != nil {
		return nil, err
	}
	k := &PublicKey{Algorithm: capk.SM2, SM2: key, ID: clone(cert[1:11])}
	copy(k.Expiry[:], cert[11:13])
	copy(k.Serial[:], cert[13:16])
	return k, nil
}

// checkSM2Cert checks an SM2 certificate's layout and signature (over the
// certificate without its signature, then extra) and returns the key.
func checkSM2Cert(step Step, pub *ecdsa.PublicKey, cert, extra []byte, format byte, head int) ([]byte, error) {
	if len(cert) != head+sm2.PublicKeyLen+sm2.SignatureLen {
		return nil, fail(step, ErrLength, "")
	}
	if cert[0] != format {
		return nil, fail(step, ErrFormat, "")
	}
	if cert[head-4] != sm2SigAlg {
		return nil, fail(step, ErrHashAlgorithm, "signature algorithm is not SM2")
	}
	if cert[head-3] != sm2PKAlg || cert[head-1] != sm2.PublicKeyLen {
		return nil, fail(step, ErrKeyAlgorithm, "")
	}
	body := cert[:head+sm2.PublicKeyLen]
	if !sm2.Verify(pub, nil, concat(body, extra), cert[len(body):]) {
		return nil, fail(step, ErrSignature, "")
	}
	key := clone(cert[head : head+sm2.PublicKeyLen])
	if _, err := sm2.NewPublicKey(key); err != nil {
		return nil, fail(step, ErrKey, "certified key is not on the curve")
	}
	return key, nil
}

func verifySDASM2(issuer *PublicKey, ssad, staticData []byte) ([]byte, error) {
	const step = StepSDA
	pub, err := issuer.SM2PublicKey()
	if err != nil {
		return nil, fail(step, ErrKey, "issuer key")
	}
	if len(ssad) != 3+sm2.SignatureLen {
		return nil, fail(step, ErrLength, "")
	}
	if ssad[0] != 0x13 {
		return nil, fail(step, ErrFormat, "")
	}
	if !sm2.Verify(pub, nil, concat(ssad[:3], staticData), ssad[3:]) {
		return nil, fail(step, ErrSignature, "")
	}
	return clone(ssad[1:3]), nil
}

func verifyDDASM2(icc *PublicKey, sdad, ddolData []byte) (*DynamicData, error) {
	const step = StepDDA
	pub, err := icc.SM2PublicKey()
	if err != nil {
		return nil, fail(step, ErrKey, "ICC key")
	}
	if len(sdad) < 2 || len(sdad) != 2+int(sdad[1])+sm2.SignatureLen {
		return nil, fail(step, ErrLength, "")
	}
	if sdad[0] != 0x15 {
		return nil, fail(step, ErrFormat, "")
	}
	body := sdad[:2+int(sdad[1])]
	if !sm2.Verify(pub, nil, concat(body, ddolData), sdad[len(body):]) {
		return nil, fail(step, ErrSignature, "")
	}
	return dynamicData(step, body[2:])
}

func concat(a, b []byte) []byte {
	return append(clone(a), b...)
}
