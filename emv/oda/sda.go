package oda

import "github.com/hulian/hulian/emv/capk"

// MaxStaticData bounds the static data to be authenticated (all the records
// of the AFL flagged for offline authentication, plus the AIP).
const MaxStaticData = 16 << 10

// StaticData returns the static data to be authenticated (EMV Book 3 10.3):
// records (the concatenated record data the AFL marks for offline data
// authentication, as the terminal built them) followed by the AIP when the
// static data authentication tag list (9F4A) is present. EMV allows only 82 in
// that list; any other content is ErrInput.
func StaticData(records, tagList, aip []byte) ([]byte, error) {
	if len(records)+len(aip) > MaxStaticData {
		return nil, fail(StepSDA, ErrInput, "static data too long")
	}
	out := clone(records)
	switch {
	case len(tagList) == 0:
		return out, nil
	case len(tagList) == 1 && tagList[0] == 0x82 && len(aip) == 2:
		return append(out, aip...), nil
	}
	return nil, fail(StepSDA, ErrInput, "9F4A must list only 82 with a 2-byte AIP")
}

// VerifySDA checks the signed static application data (tag 93) with the
// issuer key over staticData and returns the data authentication code (the
// value for tag 9F45). RSA: EMV Book 2 5.4 (format 03); SM2: format 13.
func VerifySDA(issuer *PublicKey, ssad, staticData []byte) ([]byte, error) {
	const step = StepSDA
	if issuer == nil {
		return nil, fail(step, ErrKey, "no issuer key")
	}
	if issuer.Algorithm == capk.SM2 {
		return verifySDASM2(issuer, ssad, staticData)
	}
	r, err := recoverFramed(step, issuer.Modulus, issuer.Exponent, ssad, 0x03)
	if err != nil {
		return nil, err
	}
	if r[2] != hashSHA1 {
		return nil, fail(step, ErrHashAlgorithm, "")
	}
	if !allBB(r[5 : len(r)-hashLen-1]) {
		return nil, fail(step, ErrFormat, "pad pattern is not BB")
	}
	if err := checkHash(step, r, staticData); err != nil {
		return nil, err
	}
	return clone(r[3:5]), nil
}
