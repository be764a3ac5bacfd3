package oda_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hulian/hulian/emv/oda"
)

// FuzzRecoverRSA feeds garbage certificates, remainders, exponents,
// signed data and PANs through every RSA recovery step: none may panic.
// Seeds are the lumag/emv-tools certificates.
func FuzzRecoverRSA(f *testing.F) {
	v := lumag(f)
	f.Add(v["mc_issuer_cert"], v["mc_issuer_rem"], []byte{3}, v["mc_icc_cert"], v["dda_sdad"], v["mc_pan"])
	f.Add(v["mc_issuer_cert"], []byte{}, []byte{1, 0, 1}, v["cda_sdad"], v["mc_icc_cert"], []byte{0x52})
	ca := vectorCA(f, 4, 5)
	now := time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC)
	icc := &oda.PublicKey{Algorithm: ca.Algorithm, Modulus: ca.Modulus[:112], Exponent: []byte{3}}
	f.Fuzz(func(t *testing.T, cert, rem, exp, cert2, sdad, pan []byte) {
		ik, err := oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: cert, Remainder: rem, Exponent: exp}, pan, now)
		if err == nil {
			_, _ = oda.RecoverICCKey(ik, oda.ICCCert{Cert: cert2, Exponent: exp}, sdad, pan, now)
			_, _ = oda.VerifySDA(ik, cert2, sdad)
		}
		_, _ = oda.VerifyDDA(icc, sdad, pan)
		_, _ = oda.VerifyCDA(icc, sdad, oda.CDA{UnpredictableNumber: pan, ResponseTLVs: cert2})
		_, _ = oda.RecoverICCKey(icc, oda.ICCCert{Cert: sdad, Remainder: rem, Exponent: exp}, cert, pan, now)
	})
}

// FuzzRecoverSM2 does the same for the SM2 forms, seeded with a real chain.
func FuzzRecoverSM2(f *testing.F) {
	ca, caSigner := testCA(f, 0xF4)
	caSigner.Rand = rand.NewChaCha8([32]byte{5})
	ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{IssuerID: issuerID, Expiry: [2]byte{0x12, 0x30}, SM2Key: &caSigner.SM2.PublicKey})
	if err != nil {
		f.Fatal(err)
	}
	sdad, err := oda.SignDDA(caSigner, []byte{1, 2}, ddol)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ic.Cert, sdad, testPAN)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, cert, sdad, pan []byte) {
		ik, err := oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: cert}, pan, now)
		if err != nil {
			ik = &oda.PublicKey{Algorithm: ca.Algorithm, SM2: ca.SM2}
		}
		_, _ = oda.RecoverICCKey(ik, oda.ICCCert{Cert: sdad}, cert, pan, now)
		_, _ = oda.VerifySDA(ik, sdad, cert)
		_, _ = oda.VerifyDDA(ik, sdad, pan)
	})
}
