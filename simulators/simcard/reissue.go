package simcard

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/hulian/hulian/emv/oda"
)

// reissueExpired re-issues the issuer public key certificate with expiry
// 12/19 (defect issuer-cert-expired): it recovers the issuer key with the
// test CA key named by ca_private_key and signs it again.
func reissueExpired(p *Profile, s suite, recs []*record) error {
	if p.CAPrivateKey == "" {
		return fmt.Errorf("defect %s needs ca_private_key", DefectIssuerCertExpired)
	}
	path := p.CAPrivateKey
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.dir, path)
	}
	find := func(t uint32) []byte {
		for _, r := range recs {
			for _, x := range r.tags {
				if uint32(x.Tag) == t {
					return x.Value
				}
			}
		}
		return nil
	}
	idx := find(0x8F)
	if len(idx) != 1 {
		return fmt.Errorf("defect %s: no CA index 8F", DefectIssuerCertExpired)
	}
	ca, err := loadCA(path, s, int(idx[0]))
	if err != nil {
		return err
	}
	pub, err := ca.Public("20991231")
	if err != nil {
		return err
	}
	old := oda.IssuerCert{Cert: find(0x90), Remainder: find(0x92), Exponent: find(0x9F32)}
	ik, err := oda.RecoverIssuerKey(pub, old, find(0x5A), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	req := oda.IssuerCertRequest{IssuerID: ik.ID, Expiry: [2]byte{0x12, 0x19}, Serial: ik.Serial}
	if s.sm {
		if req.SM2Key, err = ik.SM2PublicKey(); err != nil {
			return err
		}
	} else if req.Key, err = ik.RSAPublicKey(); err != nil {
		return err
	}
	signer := oda.SignerFromCA(ca)
	signer.Rand = rand.NewChaCha8([32]byte{}) // deterministic defect (test key)
	nc, err := oda.IssueIssuerCert(signer, req)
	if err != nil {
		return err
	}
	for _, r := range recs {
		for i := range r.tags {
			if r.tags[i].Tag == 0x90 {
				r.tags[i].Value = nc.Cert
			}
			if r.tags[i].Tag == 0x92 {
				r.tags[i].Value = nc.Remainder
			}
		}
	}
	return nil
}
