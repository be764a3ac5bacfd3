package simcard

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// certTags are the offline data authentication objects an issuer signs
// again when it changes a card's personalisation data.
func certTags() []tlv.Tag { return []tlv.Tag{0x90, 0x92, 0x9F32, 0x9F46, 0x9F47, 0x9F48, 0x93} }

// resign makes a's offline data authentication consistent with its
// (changed) records again, as an issuer re-personalising a card would: a
// new issuer key certified by the test CA key (ca_private_key, the index
// in 8F), a new ICC certificate over the new static data and PAN for the
// card's ICC key, and new signed static data. seed makes it deterministic
// (test keys only).
func resign(p *Profile, s suite, a *Application, seed string) error {
	if p.CAPrivateKey == "" {
		return fmt.Errorf("re-signing needs ca_private_key")
	}
	if a.Keys.ICC == nil {
		return fmt.Errorf("re-signing needs the ICC private key")
	}
	path := p.CAPrivateKey
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.dir, path)
	}
	idx, _ := appTag(a, 0x8F)
	if len(idx) != 1 {
		return fmt.Errorf("re-signing: no CA index 8F")
	}
	ca, err := loadCA(path, s, int(idx[0]))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte("resign " + seed))
	o := &PersonalizeOptions{Rand: rand.NewChaCha8(sum)}
	if s.sm {
		o.Rand = newNonceReader(o.Rand) // gmsm's stray one-byte reads (nonce.go)
	}
	bits := 0
	if ca.RSA != nil {
		bits = ca.RSA.N.BitLen()
	}
	issuer, err := generateKey(o, s, bits)
	if err != nil {
		return err
	}
	icc, err := a.Keys.ICC.signer(s)
	if err != nil {
		return err
	}
	pan, _ := appTag(a, 0x5A)
	if len(pan) < 4 || len(pan) > 10 {
		return fmt.Errorf("re-signing: no PAN (5A) of 4..10 bytes")
	}
	caSigner := oda.SignerFromCA(ca)
	caSigner.Rand = o.Rand
	exp := certExpiry(a)
	ic, err := oda.IssueIssuerCert(caSigner, oda.IssuerCertRequest{
		IssuerID: issuerIDOf(pan), Expiry: [2]byte{0x12, 0x49}, Serial: [3]byte{0, 0, 2},
		Key: pubRSA(issuer.rsa), SM2Key: pubSM2(issuer.sm2),
	})
	if err != nil {
		return err
	}
	static, err := staticData(a)
	if err != nil {
		return err
	}
	is := issuer.signer()
	is.Rand = o.Rand
	var iccRSA *rsa.PublicKey
	var iccSM2 *ecdsa.PublicKey
	if icc.RSA != nil {
		iccRSA = &icc.RSA.PublicKey
	}
	if icc.SM2 != nil {
		iccSM2 = &icc.SM2.PublicKey
	}
	cc, err := oda.IssueICCCert(is, oda.ICCCertRequest{PAN: pan, Expiry: exp, Serial: [3]byte{0, 0, 2},
		Key: iccRSA, SM2Key: iccSM2, StaticData: static})
	if err != nil {
		return err
	}
	ssad, err := oda.SignStaticData(is, []byte{0xDA, 0xC1}, static)
	if err != nil {
		return err
	}
	return replaceCertTags(a, map[tlv.Tag][]byte{
		0x90: ic.Cert, 0x92: ic.Remainder, 0x9F32: ic.Exponent,
		0x9F46: cc.Cert, 0x9F47: cc.Exponent, 0x9F48: cc.Remainder, 0x93: ssad,
	})
}

// replaceCertTags puts the new values of certTags where the old ones were
// (an empty value removes the object); a new object goes into the record
// of its certificate.
func replaceCertTags(a *Application, values map[tlv.Tag][]byte) error {
	placed := map[tlv.Tag]bool{}
	home := map[tlv.Tag]int{} // record index holding 90, 9F46, 93
	for i := range a.Records {
		r := &a.Records[i]
		out := r.Tags[:0:0]
		for _, s := range r.Tags {
			t, _, err := parseTagValue(s)
			if err != nil {
				return err
			}
			v, isCert := values[t.Tag]
			switch {
			case !isCert:
				out = append(out, s)
			case len(v) > 0:
				out = append(out, tagValue(t.Tag, v))
				placed[t.Tag] = true
			}
			if t.Tag == 0x90 || t.Tag == 0x9F46 || t.Tag == 0x93 {
				home[t.Tag] = i
			}
		}
		r.Tags = out
	}
	for _, t := range certTags() {
		v := values[t]
		if placed[t] || len(v) == 0 {
			continue
		}
		owner := tlv.Tag(0x9F46)
		switch t {
		case 0x92, 0x9F32:
			owner = 0x90
		case 0x93:
			owner = 0x93
		}
		i, ok := home[owner]
		if !ok {
			return fmt.Errorf("re-signing: no record holds %X", uint32(owner))
		}
		a.Records[i].Tags = append(a.Records[i].Tags, tagValue(t, v))
	}
	return nil
}

// tagValue is a profile record entry "TAG VALUE".
func tagValue(t tlv.Tag, v []byte) string {
	return Hex(tlv.AppendTag(nil, t)).String() + " " + Hex(v).String()
}

// appTag is the first value of t in a's records.
func appTag(a *Application, t tlv.Tag) ([]byte, bool) {
	for _, r := range a.Records {
		for _, s := range r.Tags {
			if x, _, err := parseTagValue(s); err == nil && x.Tag == t {
				return x.Value, true
			}
		}
	}
	return nil, false
}

// issuerIDOf is the leftmost 8 PAN digits, cn in 4 bytes.
func issuerIDOf(pan []byte) []byte { return append([]byte(nil), pan[:4]...) }

// certExpiry is the ICC certificate's expiry (MMYY) from the application
// expiry date 5F24 (YYMMDD), or December 2049 when 5F24 is not a date.
func certExpiry(a *Application) [2]byte {
	v, ok := appTag(a, 0x5F24)
	if !ok || len(v) != 3 || v[1] < 0x01 || v[1] > 0x12 {
		return [2]byte{0x12, 0x49}
	}
	return [2]byte{v[1], v[0]}
}
