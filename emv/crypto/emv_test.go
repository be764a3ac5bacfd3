package crypto_test

import (
	"crypto/cipher"
	"crypto/des"
	"testing"

	"github.com/emmansun/gmsm/sm4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/symmetric"
)

// TestDeriveCardKeyOptionA: knovichikhin/pyemv kd.py docstring of
// derive_icc_mk_a, and the ICC master key check values of
// tests/test_cvn_hsm.py (Visa CVN 10, PAN 1234567890123456, PSN 00).
func TestDeriveCardKeyOptionA(t *testing.T) {
	imk := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	mk, err := crypto.DeriveCardKey(symmetric.TDES, imk, []byte("12345678901234567"), 0x01)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "73AD54688CEF2934B0979857E3C719F1"), mk)

	pan := []byte("1234567890123456")
	for imkHex, kcv := range map[string]string{
		"0123456789ABCDEFFEDCBA9876543210": "BAB0",
		"FEDCBA98765432100123456789ABCDEF": "F010",
		"89ABCDEF0123456776543210FEDCBA98": "B154",
	} {
		mk, err := crypto.DeriveCardKey(symmetric.TDES, unhex(t, imkHex), pan, 0x00)
		require.NoError(t, err)
		assert.Equal(t, kcv, kcv2(t, mk), imkHex)
		assert.True(t, symmetric.HasOddParity(mk))
	}
}

// TestDeriveCardKeySM4 computes the PBOC SM4 derivation independently with
// gmsm's SM4 in ECB: X = rightmost 16 digits of PAN||PSN, SM4(IMK)[X||NOT X].
func TestDeriveCardKeySM4(t *testing.T) {
	imk := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	got, err := crypto.DeriveCardKey(symmetric.SM4, imk, []byte("6228480402564890018"), 0x01)
	require.NoError(t, err)
	x := unhex(t, "8040256489001801")
	in := append(append([]byte(nil), x...), make([]byte, 8)...)
	for i := range 8 {
		in[8+i] = ^x[i]
	}
	b, err := sm4.NewCipher(imk)
	require.NoError(t, err)
	want := make([]byte, 16)
	b.Encrypt(want, in)
	assert.Equal(t, want, got)

	short, err := crypto.DeriveCardKey(symmetric.SM4, imk, []byte("123456789012"), 0x00)
	require.NoError(t, err)
	copy(in[:8], unhex(t, "0012345678901200"))
	for i := range 8 {
		in[8+i] = ^in[i]
	}
	b.Encrypt(want, in)
	assert.Equal(t, want, short, "short PAN is left-padded with zeros")
}

// TestSessionKeyPBOC computes the PBOC session key independently with
// crypto/des (K1K2K1 triple DES) and gmsm's SM4. The method (facts file,
// sources z-zroud/CardPlatform GenKey.cpp GenUdkSessionKey and
// billzbh/guolong hsmsimu.c): TDES(MK)[00*6||ATC] || TDES(MK)[00*6||ATC^FFFF].
// It differs from EMV's common session key, so pyemv's derive_common_sk
// vector cannot serve here.
func TestSessionKeyPBOC(t *testing.T) {
	mk := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	tdes, err := des.NewTripleDESCipher(append(append([]byte(nil), mk...), mk[:8]...))
	require.NoError(t, err)
	got, err := crypto.SessionKey(symmetric.TDES, mk, 0x001C)
	require.NoError(t, err)
	want := make([]byte, 16)
	tdes.Encrypt(want[:8], unhex(t, "000000000000001C"))
	tdes.Encrypt(want[8:], unhex(t, "000000000000FFE3"))
	symmetric.SetOddParity(want)
	assert.Equal(t, want, got)

	s, err := sm4.NewCipher(mk)
	require.NoError(t, err)
	got, err = crypto.SessionKey(symmetric.SM4, mk, 0x0102)
	require.NoError(t, err)
	s.Encrypt(want, unhex(t, "000000000000 0102 000000000000 FEFD"))
	assert.Equal(t, want, got)
}

// TestARQCEMV: knovichikhin/pyemv ac.py docstring of generate_ac (padding
// method 2) and of generate_arpc_1.
func TestARQCEMV(t *testing.T) {
	sk := unhex(t, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB")
	data := unhex(t, "000000002000 000000000000 0124 0000008000 0124 110309 00 3804823E 5800 0001")
	ac, err := crypto.ARQC(symmetric.TDES, sk, data)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "3B76CF10FECD8789"), ac)
	require.NoError(t, crypto.VerifyAC(symmetric.TDES, sk, data, ac))
	ac[0] ^= 1
	assert.ErrorIs(t, crypto.VerifyAC(symmetric.TDES, sk, data, ac), crypto.ErrMismatch)

	arpc, err := crypto.ARPC1(symmetric.TDES, sk, unhex(t, "1234567890ABCDEF"), unhex(t, "0000"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "F5E6F44147E2F1B0"), arpc)
	require.NoError(t, crypto.VerifyARPC1(symmetric.TDES, sk, unhex(t, "1234567890ABCDEF"), unhex(t, "0000"), arpc))
	assert.ErrorIs(t, crypto.VerifyARPC1(symmetric.TDES, sk, unhex(t, "1234567890ABCDEF"), unhex(t, "3030"), arpc), crypto.ErrMismatch)
}

// cvn10 holds knovichikhin/pyemv tests/test_cvn_hsm.py test_visa_cvn10.
type cvn10 struct{ mkAC, mkSMI, mkSMC, arqc []byte }

func newCVN10(t *testing.T) cvn10 {
	pan := []byte("1234567890123456")
	var c cvn10
	var err error
	c.mkAC, err = crypto.DeriveCardKey(symmetric.TDES, unhex(t, "0123456789ABCDEFFEDCBA9876543210"), pan, 0)
	require.NoError(t, err)
	c.mkSMI, err = crypto.DeriveCardKey(symmetric.TDES, unhex(t, "FEDCBA98765432100123456789ABCDEF"), pan, 0)
	require.NoError(t, err)
	c.mkSMC, err = crypto.DeriveCardKey(symmetric.TDES, unhex(t, "89ABCDEF0123456776543210FEDCBA98"), pan, 0)
	require.NoError(t, err)
	c.arqc = unhex(t, "29CCA15AE665FA2E")
	return c
}

// visaSMKey is Visa's secure messaging session key (pyemv kd.py
// derive_visa_sm_sk): MK XOR (00*6||ATC) and (00*6||ATC^FFFF), odd parity.
// Only the CVN 10 vectors use it; PBOC uses SessionKey.
func visaSMKey(mk []byte, atc uint16) []byte {
	sk := append([]byte(nil), mk...)
	sk[6] ^= byte(atc >> 8)
	sk[7] ^= byte(atc)
	sk[14] ^= ^byte(atc >> 8)
	sk[15] ^= ^byte(atc)
	symmetric.SetOddParity(sk)
	return sk
}

// visPINBlock is the VIS PIN block of pyemv sm.py format_vis_pin_block.
func visPINBlock(mkAC []byte, pinBCD []byte, n byte) []byte {
	blk := []byte{n, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	copy(blk[1:], pinBCD)
	for i := range 4 {
		blk[4+i] ^= mkAC[4+i]
	}
	return blk
}

func TestVisaHelpers(t *testing.T) {
	// pyemv kd.py docstring of derive_visa_sm_sk and sm.py of format_vis_pin_block.
	mk := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	assert.Equal(t, unhex(t, "0123456789ABCDF2FEDCBA987654CDF2"), visaSMKey(mk, 0x001C))
	assert.Equal(t, unhex(t, "041234FF76543210"), visPINBlock(mk, []byte{0x12, 0x34}, 4))
}

// TestCVN10 replays pyemv's Visa CVN 10 test: ARQC with padding method 1
// (RetailMAC PadZero, session key = card key), ARPC method 1, and the PIN
// change script (VIS encryption, MAC over header||ATC||ARQC||data).
func TestCVN10(t *testing.T) {
	c := newCVN10(t)
	data := unhex(t, "000000004000 000000000000 0124 8000048000 0124 191105 01 52BF4585 1800 001C 03A06010")
	ac, err := symmetric.RetailMAC(c.mkAC, data, symmetric.PadZero)
	require.NoError(t, err)
	assert.Equal(t, c.arqc, ac)

	arpc, err := crypto.ARPC1(symmetric.TDES, c.mkAC, c.arqc, unhex(t, "3030"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "28993816AFAE4AEB"), arpc)

	// MAC of the application unblock command 8418000008.
	smi := visaSMKey(c.mkSMI, 0x001C)
	mac, err := crypto.ScriptMAC(symmetric.TDES, smi, append(unhex(t, "8418000008001C"), c.arqc...))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "DB56BA60"), mac)

	// PIN change without the current PIN: 84 24 00 02 18 || enc || MAC.
	smc := visaSMKey(c.mkSMC, 0x001C)
	enc, err := crypto.ScriptEncrypt(symmetric.TDES, smc, visPINBlock(c.mkAC, []byte{0x99, 0x99}, 4))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "BB221AF527377A2811D2B6EBC396A939"), enc)
	macData := append(append(unhex(t, "8424000218001C"), c.arqc...), enc...)
	mac, err = crypto.ScriptMAC(symmetric.TDES, smi, macData)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "1A965A5C"), mac)
	require.NoError(t, crypto.VerifyScriptMAC(symmetric.TDES, smi, macData, unhex(t, "1A965A5CB2CE62DA")))

	pt, err := crypto.ScriptDecrypt(symmetric.TDES, smc, enc)
	require.NoError(t, err)
	assert.Equal(t, visPINBlock(c.mkAC, []byte{0x99, 0x99}, 4), pt)
}

// TestScriptMACDocstring: pyemv sm.py docstring of generate_command_mac.
func TestScriptMACDocstring(t *testing.T) {
	mac, err := crypto.ScriptMAC(symmetric.TDES, unhex(t, "0123456789ABCDEFFEDCBA9876543210"),
		unhex(t, "8424000008 FFFF 1234567890123456"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "E07B8DF1"), mac)
}

// TestScriptMACDataECLoad checks the EC load layout of the facts file
// (z-zroud/CardPlatform BusinessUICS.cs): 04DA9F790A || ATC || ARQC || balance.
func TestScriptMACDataECLoad(t *testing.T) {
	arqc := unhex(t, "1122334455667788")
	got, err := crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, 0x0012, arqc, unhex(t, "000000010000"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "04DA9F790A 0012 1122334455667788 000000010000"), got)
	_, err = crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, 0, arqc[:7], nil)
	assert.ErrorIs(t, err, symmetric.ErrDataLength)
}

// TestSM4Cryptograms computes the SM4 forms independently: CBC mode over
// the 80-padded data (ARQC, script MAC) and the ARPC block of CardPlatform.
func TestSM4Cryptograms(t *testing.T) {
	sk := unhex(t, "00112233445566778899AABBCCDDEEFF")
	b, err := sm4.NewCipher(sk)
	require.NoError(t, err)
	data := unhex(t, "000000001000 000000000000 0156 0000000000 0156 240101 00 11223344 7C00 0001 07010103A00000010A0100000000000000")
	padded := symmetric.Pad(data, 16, symmetric.Pad80)
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(b, make([]byte, 16)).CryptBlocks(ct, padded)
	ac, err := crypto.ARQC(symmetric.SM4, sk, data)
	require.NoError(t, err)
	assert.Equal(t, ct[len(ct)-16:len(ct)-8], ac)

	blk := make([]byte, 16)
	copy(blk, ac)
	blk[0] ^= 0x30
	blk[1] ^= 0x30
	b.Encrypt(blk, blk)
	arpc, err := crypto.ARPC1(symmetric.SM4, sk, ac, []byte("00"))
	require.NoError(t, err)
	assert.Equal(t, blk[:8], arpc)
	require.NoError(t, crypto.VerifyARPC1(symmetric.SM4, sk, ac, []byte("00"), arpc))

	mac, err := crypto.ScriptMAC(symmetric.SM4, sk, data)
	require.NoError(t, err)
	assert.Equal(t, ac[:4], mac)
}

func TestScriptEncryptRoundTrip(t *testing.T) {
	for _, alg := range []symmetric.Algorithm{symmetric.TDES, symmetric.SM4} {
		sk := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
		for n := 0; n <= 40; n++ {
			pt := make([]byte, n)
			for i := range pt {
				pt[i] = byte(0x80 + i) // also ends in bytes that look like padding
			}
			ct, err := crypto.ScriptEncrypt(alg, sk, pt)
			require.NoError(t, err)
			assert.Zero(t, len(ct)%alg.BlockSize())
			got, err := crypto.ScriptDecrypt(alg, sk, ct)
			require.NoError(t, err, "%s n=%d", alg, n)
			assert.Equal(t, pt, got)
		}
		_, err := crypto.ScriptDecrypt(alg, sk, make([]byte, alg.BlockSize()+1))
		assert.ErrorIs(t, err, symmetric.ErrDataLength)
		_, err = crypto.ScriptDecrypt(alg, unhex(t, "FEDCBA98765432100123456789ABCDEF"), mustEncrypt(t, alg, sk))
		assert.Error(t, err)
	}
}

func mustEncrypt(t *testing.T, alg symmetric.Algorithm, sk []byte) []byte {
	ct, err := crypto.ScriptEncrypt(alg, sk, []byte{1, 2, 3})
	require.NoError(t, err)
	return ct
}

func FuzzScriptDecrypt(f *testing.F) {
	key := []byte("0123456789ABCDEF")
	for _, alg := range []symmetric.Algorithm{symmetric.TDES, symmetric.SM4} {
		ct, err := crypto.ScriptEncrypt(alg, key, []byte{0x04, 0x12, 0x34, 0xFF})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(alg), ct)
	}
	f.Add(uint8(1), []byte{})
	f.Fuzz(func(t *testing.T, alg uint8, ct []byte) {
		pt, err := crypto.ScriptDecrypt(symmetric.Algorithm(alg), key, ct)
		if err == nil && len(pt) >= len(ct) {
			t.Fatalf("plaintext %d bytes from %d", len(pt), len(ct))
		}
		_, _ = symmetric.Unpad(ct)
	})
}
