package oda

import (
	"crypto/sha1"
	"crypto/subtle"

	"github.com/hulian/hulian/emv/capk"
)

// DynamicData is what a verified signed dynamic application data yields.
type DynamicData struct {
	ICCDynamicNumber []byte // tag 9F4C
	Data             []byte // the whole ICC dynamic data
}

// CDA is the input of VerifyCDA (EMV Book 2 6.6.2).
type CDA struct {
	UnpredictableNumber []byte // 9F37 the terminal sent
	CID                 byte   // 9F27 of the GENERATE AC response
	PDOLData            []byte // the values sent in GET PROCESSING OPTIONS
	CDOLData            []byte // CDOL1 data, or CDOL1 || CDOL2 data for the second GENERATE AC
	// ResponseTLVs is every data object of the GENERATE AC response except
	// 9F4B, TLV-coded, in the order the card returned them.
	ResponseTLVs []byte
}

// CDAResult is the content of verified CDA signed data.
type CDAResult struct {
	ICCDynamicNumber    []byte // 9F4C
	CID                 byte
	AC                  []byte // 9F26, 8 bytes
	TransactionDataHash []byte
}

// VerifyDDA checks the signed dynamic application data (9F4B) of INTERNAL
// AUTHENTICATE with the ICC key over ddolData (the DDOL values the terminal
// sent, 9F37 among them). RSA: EMV Book 2 6.5.2 (format 05); SM2: format 15.
func VerifyDDA(icc *PublicKey, sdad, ddolData []byte) (*DynamicData, error) {
	const step = StepDDA
	if icc == nil {
		return nil, fail(step, ErrKey, "no ICC key")
	}
	if icc.Algorithm == capk.SM2 {
		return verifyDDASM2(icc, sdad, ddolData)
	}
	r, dd, err := recoverDynamic(step, icc, sdad)
	if err != nil {
		return nil, err
	}
	if err := checkHash(step, r, ddolData); err != nil {
		return nil, err
	}
	return dynamicData(step, dd)
}

// VerifyCDA checks the signed dynamic application data of a GENERATE AC
// response with CDA (EMV Book 2 6.6.2): framing, the CID inside against the
// response's CID, the hash over the dynamic data and the unpredictable
// number, and the transaction data hash over PDOL data, CDOL data and the
// response objects. It returns the cryptogram the signature carries.
func VerifyCDA(icc *PublicKey, sdad []byte, in CDA) (*CDAResult, error) {
	const step = StepCDA
	if icc == nil || icc.Algorithm != capk.RSA {
		return nil, fail(step, ErrKeyAlgorithm, "CDA needs an RSA ICC key")
	}
	r, dd, err := recoverDynamic(step, icc, sdad)
	if err != nil {
		return nil, err
	}
	if err := checkHash(step, r, in.UnpredictableNumber); err != nil {
		return nil, err
	}
	d, err := dynamicData(step, dd)
	if err != nil {
		return nil, err
	}
	rest := dd[1+len(d.ICCDynamicNumber):]
	if len(rest) < 1+8+hashLen {
		return nil, fail(step, ErrFormat, "ICC dynamic data too short for CDA")
	}
	res := &CDAResult{ICCDynamicNumber: d.ICCDynamicNumber, CID: rest[0], AC: clone(rest[1:9]), TransactionDataHash: clone(rest[9 : 9+hashLen])}
	if res.CID != in.CID {
		return nil, fail(step, ErrCID, "")
	}
	want := TransactionDataHash(in.PDOLData, in.CDOLData, in.ResponseTLVs)
	if subtle.ConstantTimeCompare(want, res.TransactionDataHash) != 1 {
		return nil, fail(step, ErrTransactionHash, "")
	}
	return res, nil
}

// TransactionDataHash is SHA-1(PDOL data || CDOL data || response objects
// without 9F4B) (EMV Book 2 6.6.1), which a CDA card signs.
func TransactionDataHash(pdolData, cdolData, responseTLVs []byte) []byte {
	h := sha1.New()
	h.Write(pdolData)
	h.Write(cdolData)
	h.Write(responseTLVs)
	return h.Sum(nil)
}

// recoverDynamic recovers a format 05 object and returns it with its ICC
// dynamic data.
func recoverDynamic(step Step, icc *PublicKey, sdad []byte) ([]byte, []byte, error) {
	r, err := recoverFramed(step, icc.Modulus, icc.Exponent, sdad, 0x05)
	if err != nil {
		return nil, nil, err
	}
	if r[2] != hashSHA1 {
		return nil, nil, fail(step, ErrHashAlgorithm, "")
	}
	ldd := int(r[3])
	if ldd > len(r)-25 {
		return nil, nil, fail(step, ErrFormat, "ICC dynamic data length")
	}
	if !allBB(r[4+ldd : len(r)-hashLen-1]) {
		return nil, nil, fail(step, ErrFormat, "pad pattern is not BB")
	}
	return r, r[4 : 4+ldd], nil
}

// dynamicData reads the ICC dynamic number (length 2..8) at the start of
// the ICC dynamic data.
func dynamicData(step Step, dd []byte) (*DynamicData, error) {
	if len(dd) < 1 || dd[0] < 2 || dd[0] > 8 || int(dd[0]) >= len(dd) {
		return nil, fail(step, ErrFormat, "ICC dynamic number length")
	}
	return &DynamicData{ICCDynamicNumber: clone(dd[1 : 1+dd[0]]), Data: clone(dd)}, nil
}
