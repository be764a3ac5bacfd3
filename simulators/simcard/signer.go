package simcard

import (
	"crypto/rsa"
	"errors"
	"io"
	"math/big"

	"github.com/hulian/hulian/emv/crypto/sm2"
	"github.com/hulian/hulian/emv/oda"
)

// signer produces the card's dynamic signatures with the ICC private key.
type signer struct {
	key oda.Signer
	sm  bool
}

// dda returns signed dynamic application data (DDA and fDDA; format 05,
// SM2 format 15) for ICC dynamic number idn over the terminal's data.
func (s *signer) dda(idn, terminal []byte, r io.Reader) ([]byte, error) {
	k := s.key
	k.Rand = r
	if s.sm {
		k.Rand = newNonceReader(r) // repeatable with a seeded r: see nonce.go
	}
	return oda.SignDDA(k, idn, terminal)
}

// cda returns the CDA signature of a GENERATE AC response (RSA only).
func (s *signer) cda(req oda.CDARequest) ([]byte, error) { return oda.SignCDA(s.key, req) }

// loadSigner builds the ICC signer from the profile key.
func (a *app) loadSigner(s suite, k *ICCKey, ds defectSet) error {
	if k == nil || ds.on(DefectAIPDDAWithoutKeys) {
		return nil
	}
	key, err := k.signer(s)
	if err != nil {
		return err
	}
	a.signer = &signer{key: key, sm: s.sm}
	return nil
}

// signer converts the profile key to an oda.Signer.
func (k *ICCKey) signer(s suite) (oda.Signer, error) {
	if s.sm {
		priv, err := sm2.NewPrivateKey(k.SM2)
		if err != nil {
			return oda.Signer{}, errors.New("icc_private_key.sm2_d: invalid")
		}
		return oda.Signer{SM2: priv}, nil
	}
	if len(k.Modulus) == 0 || len(k.Exponent) == 0 || len(k.PrivateExponent) == 0 || len(k.Exponent) > 3 {
		return oda.Signer{}, errors.New("icc_private_key: RSA modulus and exponents required")
	}
	priv := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).SetBytes(k.Modulus), E: int(new(big.Int).SetBytes(k.Exponent).Int64())},
		D:         new(big.Int).SetBytes(k.PrivateExponent),
	}
	return oda.Signer{RSA: priv}, nil
}
