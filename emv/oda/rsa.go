package oda

import (
	"crypto/rsa"
	"math/big"
)

// rsaRecover applies the public key to sig (EMV's "recover" of a signature
// with message recovery). sig must be exactly as long as the modulus and
// below it.
func rsaRecover(step Step, modulus, exponent, sig []byte) ([]byte, error) {
	if len(modulus) == 0 || len(exponent) == 0 || len(exponent) > 3 {
		return nil, fail(step, ErrKey, "")
	}
	if len(sig) != len(modulus) {
		return nil, fail(step, ErrLength, "")
	}
	n := new(big.Int).SetBytes(modulus)
	c := new(big.Int).SetBytes(sig)
	if c.Cmp(n) >= 0 || n.Sign() == 0 {
		return nil, fail(step, ErrLength, "value not below the modulus")
	}
	m := new(big.Int).Exp(c, new(big.Int).SetBytes(exponent), n)
	return m.FillBytes(make([]byte, len(modulus))), nil
}

// rsaSign applies the private key to msg (as long as the modulus).
func rsaSign(priv *rsa.PrivateKey, msg []byte) ([]byte, error) {
	if priv == nil || priv.N == nil || priv.D == nil {
		return nil, fail(StepSign, ErrKey, "")
	}
	k := (priv.N.BitLen() + 7) / 8
	m := new(big.Int).SetBytes(msg)
	if len(msg) != k || m.Cmp(priv.N) >= 0 {
		return nil, fail(StepSign, ErrKey, "message not below the modulus")
	}
	s := new(big.Int).Exp(m, priv.D, priv.N)
	return s.FillBytes(make([]byte, k)), nil
}

// modulusLen returns the byte length of an RSA key's modulus.
func modulusLen(priv *rsa.PrivateKey) int { return (priv.N.BitLen() + 7) / 8 }
