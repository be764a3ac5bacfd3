package oda_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/crypto/sm2"
	"github.com/hulian/hulian/emv/oda"
)

// testCA loads the project's test CA key pair of index from testdata/emv.
func testCA(t testing.TB, index byte) (capk.Key, oda.Signer) {
	t.Helper()
	store, err := capk.LoadFile("../../testdata/emv/capk-test.txt")
	require.NoError(t, err)
	privs, err := capk.LoadPrivateFile("../../testdata/emv/capk-test-private.txt")
	require.NoError(t, err)
	pub, ok := store.Lookup([]byte{0xA0, 0, 0, 0x03, 0x33}, index)
	require.True(t, ok)
	for _, p := range privs {
		if p.Index == index {
			return pub, oda.SignerFromCA(p)
		}
	}
	t.Fatalf("no private key %02X", index)
	return capk.Key{}, oda.Signer{}
}

var (
	testPAN    = []byte{0x62, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x7F} // 19 digits, F padded
	issuerID   = []byte{0x62, 0x12, 0x34, 0xFF}
	staticData = []byte{0x5A, 0x0A, 0x62, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x7F, 0x5F, 0x24, 0x03, 0x30, 0x12, 0x31, 0x7C, 0x00}
	ddol       = []byte{0x11, 0x22, 0x33, 0x44}
)

// TestRSARoundTrip issues a full chain under each RSA test CA, with issuer
// keys that fit the certificate and keys that need a remainder, then
// recovers and verifies everything.
func TestRSARoundTrip(t *testing.T) {
	r := rand.NewChaCha8([32]byte{9})
	issuerKey, err := oda.GenerateRSAKey(r, 1152, 3)
	require.NoError(t, err)
	iccKey, err := oda.GenerateRSAKey(r, 768, 65537)
	require.NoError(t, err)
	for _, index := range []byte{0xF1, 0xF2, 0xF3} {
		ca, caSigner := testCA(t, index)
		ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{IssuerID: issuerID, Expiry: [2]byte{0x12, 0x30}, Serial: [3]byte{1, 2, 3}, Key: &issuerKey.PublicKey})
		require.NoError(t, err)
		assert.Equal(t, len(ca.Modulus), len(ic.Cert))
		assert.Equal(t, len(issuerKey.N.Bytes()) > len(ca.Modulus)-36, len(ic.Remainder) > 0)
		ik, err := oda.RecoverIssuerKey(ca, ic, testPAN, day(2030, 12))
		require.NoError(t, err)
		assert.Equal(t, issuerKey.N.Bytes(), ik.Modulus)
		assert.Equal(t, [3]byte{1, 2, 3}, ik.Serial)

		issuer := oda.Signer{RSA: issuerKey}
		cc, err := oda.IssueICCCert(issuer, oda.ICCCertRequest{PAN: testPAN, Expiry: [2]byte{0x12, 0x30}, Key: &iccKey.PublicKey, StaticData: staticData})
		require.NoError(t, err)
		ick, err := oda.RecoverICCKey(ik, cc, staticData, testPAN, day(2030, 1))
		require.NoError(t, err)
		assert.Equal(t, []byte{1, 0, 1}, ick.Exponent)

		ssad, err := oda.SignStaticData(issuer, []byte{0xDA, 0xC1}, staticData)
		require.NoError(t, err)
		dac, err := oda.VerifySDA(ik, ssad, staticData)
		require.NoError(t, err)
		assert.Equal(t, []byte{0xDA, 0xC1}, dac)

		icc := oda.Signer{RSA: iccKey}
		sdad, err := oda.SignDDA(icc, []byte{1, 2, 3, 4}, ddol)
		require.NoError(t, err)
		dd, err := oda.VerifyDDA(ick, sdad, ddol)
		require.NoError(t, err)
		assert.Equal(t, []byte{1, 2, 3, 4}, dd.ICCDynamicNumber)

		pdol, cdol, resp := []byte{0x01}, []byte{0x02, 0x03}, []byte{0x9F, 0x27, 0x01, 0x80}
		un := []byte{9, 8, 7, 6}
		ac := []byte{1, 2, 3, 4, 5, 6, 7, 8}
		sig, err := oda.SignCDA(icc, oda.CDARequest{ICCDynamicNumber: []byte{5, 6}, CID: 0x80, AC: ac, TransactionDataHash: oda.TransactionDataHash(pdol, cdol, resp), UnpredictableNumber: un})
		require.NoError(t, err)
		res, err := oda.VerifyCDA(ick, sig, oda.CDA{UnpredictableNumber: un, CID: 0x80, PDOLData: pdol, CDOLData: cdol, ResponseTLVs: resp})
		require.NoError(t, err)
		assert.Equal(t, ac, res.AC)
	}
}

// TestSM2RoundTrip issues and verifies the SM2 chain under the SM2 test CA.
func TestSM2RoundTrip(t *testing.T) {
	r := rand.NewChaCha8([32]byte{10})
	ca, caSigner := testCA(t, 0xF4)
	caSigner.Rand = r
	issuerKey, err := sm2.GenerateKey(r)
	require.NoError(t, err)
	iccKey, err := sm2.GenerateKey(r)
	require.NoError(t, err)

	ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{IssuerID: issuerID, Expiry: [2]byte{0x12, 0x30}, SM2Key: &issuerKey.PublicKey})
	require.NoError(t, err)
	assert.Equal(t, byte(0x12), ic.Cert[0])
	ik, err := oda.RecoverIssuerKey(ca, ic, testPAN, day(2030, 12))
	require.NoError(t, err)
	assert.Equal(t, sm2.MarshalPublicKey(&issuerKey.PublicKey), ik.SM2)

	issuer := oda.Signer{SM2: issuerKey, Rand: r}
	cc, err := oda.IssueICCCert(issuer, oda.ICCCertRequest{PAN: testPAN, Expiry: [2]byte{0x12, 0x30}, SM2Key: &iccKey.PublicKey, StaticData: staticData})
	require.NoError(t, err)
	ick, err := oda.RecoverICCKey(ik, cc, staticData, testPAN, day(2030, 12))
	require.NoError(t, err)

	ssad, err := oda.SignStaticData(issuer, []byte{0x12, 0x34}, staticData)
	require.NoError(t, err)
	dac, err := oda.VerifySDA(ik, ssad, staticData)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x12, 0x34}, dac)

	sdad, err := oda.SignDDA(oda.Signer{SM2: iccKey, Rand: r}, []byte{7, 7, 7}, ddol)
	require.NoError(t, err)
	dd, err := oda.VerifyDDA(ick, sdad, ddol)
	require.NoError(t, err)
	assert.Equal(t, []byte{7, 7, 7}, dd.ICCDynamicNumber)

	// Failures: tampered static data, wrong PAN, expired, changed DDOL data.
	_, err = oda.RecoverICCKey(ik, cc, staticData[1:], testPAN, day(2030, 12))
	assert.ErrorIs(t, err, oda.ErrSignature)
	_, err = oda.RecoverIssuerKey(ca, ic, []byte{0x40, 0x12, 0x34, 0x56}, day(2030, 12))
	assert.ErrorIs(t, err, oda.ErrIssuerID)
	_, err = oda.RecoverIssuerKey(ca, ic, testPAN, day(2031, 1))
	assert.ErrorIs(t, err, oda.ErrExpired)
	_, err = oda.VerifyDDA(ick, sdad, []byte{0, 0, 0, 0})
	assert.ErrorIs(t, err, oda.ErrSignature)
	_, err = oda.VerifySDA(ik, sdad, staticData)
	assert.ErrorIs(t, err, oda.ErrLength)
	_, err = oda.VerifyCDA(ick, sdad, oda.CDA{})
	assert.ErrorIs(t, err, oda.ErrKeyAlgorithm)
}

// TestRSAFailures covers the framing checks with certificates signed wrong
// on purpose: a static data signature offered as an issuer certificate
// (format), the wrong CA (header/trailer), wrong static data (hash).
func TestRSAFailures(t *testing.T) {
	ca, caSigner := testCA(t, 0xF1)
	other, _ := testCA(t, 0xF2)
	r := rand.NewChaCha8([32]byte{11})
	issuerKey, err := oda.GenerateRSAKey(r, 1024, 3)
	require.NoError(t, err)
	ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{IssuerID: issuerID, Expiry: [2]byte{0x12, 0x49}, Key: &issuerKey.PublicKey})
	require.NoError(t, err)

	sda, err := oda.SignStaticData(caSigner, []byte{0, 0}, nil)
	require.NoError(t, err)
	_, err = oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: sda, Exponent: []byte{3}}, testPAN, day(2030, 1))
	assert.ErrorIs(t, err, oda.ErrFormat)

	_, err = oda.RecoverIssuerKey(other, ic, testPAN, day(2030, 1))
	assert.ErrorIs(t, err, oda.ErrLength) // 1152-bit certificate under a 1408-bit key

	garbage := append([]byte(nil), ic.Cert...)
	garbage[20] ^= 0xFF
	_, err = oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: garbage, Exponent: ic.Exponent}, testPAN, day(2030, 1))
	assert.Error(t, err)
	var oe *oda.Error
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, oda.StepIssuerCert, oe.Step)

	_, err = oda.RecoverIssuerKey(ca, oda.IssuerCert{Cert: ic.Cert, Exponent: []byte{1, 0, 1}}, testPAN, day(2030, 1))
	assert.ErrorIs(t, err, oda.ErrInput)

	ik, err := oda.RecoverIssuerKey(ca, ic, testPAN, day(2049, 12))
	require.NoError(t, err)
	ssad, err := oda.SignStaticData(oda.Signer{RSA: issuerKey}, []byte{1, 2}, staticData)
	require.NoError(t, err)
	_, err = oda.VerifySDA(ik, ssad, staticData[:5])
	assert.ErrorIs(t, err, oda.ErrHash)

	got, err := oda.StaticData([]byte{1}, []byte{0x82}, []byte{0x7C, 0x00})
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 0x7C, 0x00}, got)
	_, err = oda.StaticData([]byte{1}, []byte{0x9F, 0x02}, []byte{0x7C, 0x00})
	assert.ErrorIs(t, err, oda.ErrInput)
}

func TestGenerateRSAKey(t *testing.T) {
	k1, err := oda.GenerateRSAKey(rand.NewChaCha8([32]byte{1}), 1024, 3)
	require.NoError(t, err)
	k2, err := oda.GenerateRSAKey(rand.NewChaCha8([32]byte{1}), 1024, 3)
	require.NoError(t, err)
	assert.Equal(t, k1.N, k2.N, "deterministic for a deterministic source")
	assert.Equal(t, 1024, k1.N.BitLen())
	_, err = oda.GenerateRSAKey(rand.NewChaCha8([32]byte{1}), 1004, 3)
	assert.ErrorIs(t, err, oda.ErrKey)
}
