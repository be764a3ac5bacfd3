package oda_test

import (
	"bufio"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/oda"
)

// lumag reads testdata/emv/oda-vectors-lumag.txt: NAME HEX per line, the
// data of lumag/emv-tools test/sda-test.c, dda-test.c and cda-test.c.
func lumag(t testing.TB) map[string][]byte {
	t.Helper()
	f, err := os.Open("../../testdata/emv/oda-vectors-lumag.txt")
	require.NoError(t, err)
	defer f.Close()
	out := make(map[string][]byte)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' {
			continue
		}
		name, value, ok := strings.Cut(l, " ")
		require.True(t, ok)
		out[name], err = hex.DecodeString(value)
		require.NoError(t, err)
	}
	require.NoError(t, sc.Err())
	return out
}

// vectorCA returns a CA key of testdata/emv/capk-vectors.txt.
func vectorCA(t testing.TB, ridLast, index byte) capk.Key {
	t.Helper()
	s, err := capk.LoadFile("../../testdata/emv/capk-vectors.txt")
	require.NoError(t, err)
	k, ok := s.Lookup([]byte{0xA0, 0, 0, 0, ridLast}, index)
	require.True(t, ok)
	return k
}

func day(y int, m time.Month) time.Time { return time.Date(y, m, 15, 12, 0, 0, 0, time.UTC) }

// TestLumagVectors replays the recovery chains of lumag/emv-tools: the
// issuer certificate of sda-test.c under CA A000000003/01 and its signed
// static data (static data = ssd1 || ssd2, the test's hash input), and the
// issuer and ICC certificates, DDA and CDA of dda-test.c and cda-test.c under
// CA A000000004/05. Every hash the certificates carry must match.
func TestLumagVectors(t *testing.T) {
	v := lumag(t)
	exp3 := []byte{3}

	visaPAN := []byte{0x42, 0x76, 0x55, 0x00, 0x13, 0x23, 0x45, 0x99} // tag 5A in sda-test.c ssd1
	ik, err := oda.RecoverIssuerKey(vectorCA(t, 3, 1), oda.IssuerCert{Cert: v["sda_issuer_cert"], Remainder: v["sda_issuer_rem"], Exponent: exp3}, visaPAN, day(2009, 12))
	require.NoError(t, err)
	assert.Len(t, ik.Modulus, len(v["sda_ssad"])) // NCA-36 bytes in the certificate, 36 in the remainder
	assert.Equal(t, [2]byte{0x12, 0x09}, ik.Expiry)
	static := append(append([]byte(nil), v["sda_ssd1"]...), v["sda_ssd2"]...)
	dac, err := oda.VerifySDA(ik, v["sda_ssad"], static)
	require.NoError(t, err)
	assert.Len(t, dac, 2)
	_, err = oda.VerifySDA(ik, v["sda_ssad"], v["sda_ssd1"])
	assert.ErrorIs(t, err, oda.ErrHash)

	// The issuer certificate expired in December 2009.
	_, err = oda.RecoverIssuerKey(vectorCA(t, 3, 1), oda.IssuerCert{Cert: v["sda_issuer_cert"], Remainder: v["sda_issuer_rem"], Exponent: exp3}, visaPAN, day(2010, 1))
	assert.ErrorIs(t, err, oda.ErrExpired)

	pan := v["mc_pan"]
	mk, err := oda.RecoverIssuerKey(vectorCA(t, 4, 5), oda.IssuerCert{Cert: v["mc_issuer_cert"], Remainder: v["mc_issuer_rem"], Exponent: exp3}, pan, day(2015, 6))
	require.NoError(t, err)
	ick, err := oda.RecoverICCKey(mk, oda.ICCCert{Cert: v["mc_icc_cert"], Exponent: exp3}, v["mc_ssd1"], pan, day(2015, 6))
	require.NoError(t, err)
	assert.Len(t, ick.Modulus, len(v["dda_sdad"]))

	dd, err := oda.VerifyDDA(ick, v["dda_sdad"], v["dda_dd1"])
	require.NoError(t, err)
	assert.Len(t, dd.ICCDynamicNumber, 8)
	_, err = oda.VerifyDDA(ick, v["dda_sdad"], v["cda_dd1"])
	assert.ErrorIs(t, err, oda.ErrHash)

	in := oda.CDA{UnpredictableNumber: v["cda_dd1"], CID: 0x40, CDOLData: v["cda_crm1"], ResponseTLVs: v["cda_dd2"]}
	res, err := oda.VerifyCDA(ick, v["cda_sdad"], in)
	require.NoError(t, err)
	assert.Equal(t, byte(0x40), res.CID)
	assert.Len(t, res.AC, 8)
	assert.Equal(t, oda.TransactionDataHash(nil, v["cda_crm1"], v["cda_dd2"]), res.TransactionDataHash)

	bad := in
	bad.CID = 0x80
	_, err = oda.VerifyCDA(ick, v["cda_sdad"], bad)
	assert.ErrorIs(t, err, oda.ErrCID)
	bad = in
	bad.CDOLData = append([]byte{1}, in.CDOLData[1:]...)
	_, err = oda.VerifyCDA(ick, v["cda_sdad"], bad)
	assert.ErrorIs(t, err, oda.ErrTransactionHash)
	bad = in
	bad.UnpredictableNumber = []byte{0, 0, 0, 0}
	_, err = oda.VerifyCDA(ick, v["cda_sdad"], bad)
	assert.ErrorIs(t, err, oda.ErrHash)

	// Wrong PAN for the ICC certificate, and an issuer id mismatch.
	other := append([]byte(nil), pan...)
	other[7] ^= 0x01
	_, err = oda.RecoverICCKey(mk, oda.ICCCert{Cert: v["mc_icc_cert"], Exponent: exp3}, v["mc_ssd1"], other, day(2015, 6))
	assert.ErrorIs(t, err, oda.ErrPAN)
	assert.NotContains(t, err.Error(), "5285")
	_, err = oda.RecoverIssuerKey(vectorCA(t, 4, 5), oda.IssuerCert{Cert: v["mc_issuer_cert"], Remainder: v["mc_issuer_rem"], Exponent: exp3}, visaPAN, day(2015, 6))
	assert.ErrorIs(t, err, oda.ErrIssuerID)
	var oe *oda.Error
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, oda.StepIssuerCert, oe.Step)
	assert.Equal(t, "oda: issuer certificate: issuer identifier does not match the PAN", err.Error())
}
