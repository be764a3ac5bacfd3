package simcard

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"math/big"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/crypto/sm2"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// iccRSABits is the ICC RSA key size Personalize makes.
const iccRSABits = 1024

// keyPair is an issuer or ICC key of either suite.
type keyPair struct {
	rsa *rsa.PrivateKey
	sm2 *ecdsa.PrivateKey
}

func (k keyPair) signer() oda.Signer { return oda.Signer{RSA: k.rsa, SM2: k.sm2} }

func generateKey(o *PersonalizeOptions, s suite, bits int) (keyPair, error) {
	if s.sm {
		k, err := sm2.GenerateKey(o.Rand)
		return keyPair{sm2: k}, err
	}
	k, err := oda.GenerateRSAKey(o.Rand, bits, 3)
	return keyPair{rsa: k}, err
}

// loadCA returns the test CA private key of the suite (the first one, or
// the one with index o.CAIndex).
func loadCA(path string, s suite, index int) (capk.PrivateKey, error) {
	keys, err := capk.LoadPrivateFile(path)
	if err != nil {
		return capk.PrivateKey{}, err
	}
	want := capk.RSA
	if s.sm {
		want = capk.SM2
	}
	for _, k := range keys {
		if k.Algorithm == want && (index == 0 || int(k.Index) == index) {
			return k, nil
		}
	}
	return capk.PrivateKey{}, fmt.Errorf("no %s CA key with index %02X in the CA key file", want, index)
}

// certify adds the offline data authentication objects to a: issuer and
// ICC certificates (tags 8F 90 92 9F32, 9F46 9F47 9F48), the DDOL and the
// signed static data 93, and the ICC private key.
func certify(o *PersonalizeOptions, s suite, a *Application) error {
	wrap := func(err error) error { return fmt.Errorf("%w: %v", ErrPersonalize, err) }
	ca, err := loadCA(o.CAKeyFile, s, o.CAIndex)
	if err != nil {
		return wrap(err)
	}
	caSigner := oda.SignerFromCA(ca)
	caSigner.Rand = o.Rand
	bits := 0
	if ca.RSA != nil {
		bits = ca.RSA.N.BitLen()
	}
	issuer, err := generateKey(o, s, bits)
	if err != nil {
		return wrap(err)
	}
	icc, err := generateKey(o, s, iccRSABits)
	if err != nil {
		return wrap(err)
	}
	if s.sm {
		a.AIP, a.QPBOC.AIP = mustHex("7C00"), mustHex("7C00") // no SM2 CDA
	}
	exp := [2]byte{mustHex(o.Expiry[2:])[0], mustHex(o.Expiry[:2])[0]}
	ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{
		IssuerID: issuerID(o.PAN), Expiry: exp, Serial: [3]byte{0, 0, 1},
		Key: pubRSA(issuer.rsa), SM2Key: pubSM2(issuer.sm2),
	})
	if err != nil {
		return wrap(err)
	}
	static, err := staticData(a)
	if err != nil {
		return wrap(err)
	}
	is := issuer.signer()
	is.Rand = o.Rand
	cc, err := oda.IssueICCCert(is, oda.ICCCertRequest{
		PAN: mustHex(panCN(o.PAN)), Expiry: exp, Serial: [3]byte{0, 0, 1},
		Key: pubRSA(icc.rsa), SM2Key: pubSM2(icc.sm2), StaticData: static,
	})
	if err != nil {
		return wrap(err)
	}
	ssad, err := oda.SignStaticData(is, []byte{0xDA, 0xC1}, static)
	if err != nil {
		return wrap(err)
	}
	a.Records = append(a.Records, certRecords(ca.Index, ic, cc, ssad)...)
	a.Keys.ICC = iccKey(icc)
	return nil
}

// staticData is the static data to be authenticated: the contents of the
// records the AFL flags for offline authentication (SFI 1..10: without the
// 70 template), then the AIP (9F4A = 82).
func staticData(a *Application) ([]byte, error) {
	var recs []byte
	for i := 0; i+4 <= len(a.AFL); i += 4 {
		sfi, first, n := int(a.AFL[i]>>3), int(a.AFL[i+1]), int(a.AFL[i+3])
		for r := first; r < first+n; r++ {
			for _, rec := range a.Records {
				if rec.SFI == sfi && rec.Number == r {
					tags, err := parseTags(rec.Tags)
					if err != nil {
						return nil, err
					}
					recs = append(recs, tlv.Encode(tags...)...)
				}
			}
		}
	}
	return oda.StaticData(recs, []byte{0x82}, a.AIP)
}

func certRecords(index byte, ic oda.IssuerCert, cc oda.ICCCert, ssad []byte) []Record {
	r1 := []string{fmt.Sprintf("8F %02X", index), "90 " + Hex(ic.Cert).String()}
	r2 := []string{"9F46 " + Hex(cc.Cert).String()}
	if len(ic.Exponent) > 0 {
		r1 = append(r1, "9F32 "+Hex(ic.Exponent).String())
		r2 = append(r2, "9F47 "+Hex(cc.Exponent).String())
	}
	if len(ic.Remainder) > 0 {
		r1 = append(r1, "92 "+Hex(ic.Remainder).String())
	}
	if len(cc.Remainder) > 0 {
		r2 = append(r2, "9F48 "+Hex(cc.Remainder).String())
	}
	r2 = append(r2, "9F49 9F3704")
	return []Record{{SFI: 3, Number: 1, Tags: r1}, {SFI: 3, Number: 2, Tags: r2}, {SFI: 3, Number: 3, Tags: []string{"93 " + Hex(ssad).String()}}}
}

// issuerID is the leftmost 8 PAN digits, cn (EMV Book 2 table 13).
func issuerID(p string) []byte { return mustHex(p[:8]) }

func pubRSA(k *rsa.PrivateKey) *rsa.PublicKey {
	if k == nil {
		return nil
	}
	return &k.PublicKey
}

func pubSM2(k *ecdsa.PrivateKey) *ecdsa.PublicKey {
	if k == nil {
		return nil
	}
	return &k.PublicKey
}

func iccKey(k keyPair) *ICCKey {
	if k.sm2 != nil {
		return &ICCKey{SM2: k.sm2.D.FillBytes(make([]byte, 32))}
	}
	return &ICCKey{Modulus: k.rsa.N.Bytes(), Exponent: big.NewInt(int64(k.rsa.E)).Bytes(), PrivateExponent: k.rsa.D.Bytes()}
}
