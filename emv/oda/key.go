package oda

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"math/big"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/crypto/sm2"
)

// PublicKey is a recovered issuer or ICC public key with the certificate
// fields that came with it.
type PublicKey struct {
	Algorithm capk.Algorithm
	Modulus   []byte // RSA
	Exponent  []byte // RSA
	SM2       []byte // SM2: X || Y
	// ID is the issuer identifier (4 bytes) or the application PAN
	// (10 bytes), cn-coded with F padding as in the certificate. It is card
	// data: do not log it.
	ID     []byte
	Expiry [2]byte // MMYY, BCD
	Serial [3]byte
}

// RSAPublicKey returns the key for crypto/rsa style use (RSA keys only).
func (k *PublicKey) RSAPublicKey() (*rsa.PublicKey, error) {
	if k == nil || k.Algorithm != capk.RSA || len(k.Modulus) == 0 || len(k.Exponent) == 0 || len(k.Exponent) > 3 {
		return nil, ErrKey
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(k.Modulus), E: int(new(big.Int).SetBytes(k.Exponent).Int64())}, nil
}

// SM2PublicKey returns the key as an SM2 point (SM2 keys only).
func (k *PublicKey) SM2PublicKey() (*ecdsa.PublicKey, error) {
	if k == nil || k.Algorithm != capk.SM2 {
		return nil, ErrKey
	}
	return sm2.NewPublicKey(k.SM2)
}

// Signer is the private key of the signing side: exactly one of RSA and SM2
// is set. Rand supplies SM2 nonces (crypto/rand when nil).
type Signer struct {
	RSA  *rsa.PrivateKey   // N, E and D are used
	SM2  *ecdsa.PrivateKey // Curve is sm2.Curve()
	Rand io.Reader
}

// SignerFromCA returns the Signer of a test CA private key.
func SignerFromCA(k capk.PrivateKey) Signer { return Signer{RSA: k.RSA, SM2: k.SM2} }

func (s Signer) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// GenerateRSAKey makes an RSA key of exactly bits bits (a multiple of 8,
// 512..1984) with public exponent e (3 or 65537), drawing candidate primes
// from r: a deterministic r gives a deterministic key. The top two bits of
// each prime are set, so the modulus's leading byte exceeds 6A as EMV
// message recovery needs.
func GenerateRSAKey(r io.Reader, bits, e int) (*rsa.PrivateKey, error) {
	if bits%8 != 0 || bits < 512 || bits > 8*capk.MaxModulusLen || (e != 3 && e != 65537) {
		return nil, fail(StepSign, ErrKey, "unsupported size or exponent")
	}
	E := big.NewInt(int64(e))
	for {
		p, err := prime(r, bits/2, E)
		if err != nil {
			return nil, err
		}
		q, err := prime(r, bits-bits/2, E)
		if err != nil {
			return nil, err
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != bits {
			continue
		}
		one := big.NewInt(1)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(E, phi)
		if d == nil {
			continue
		}
		return &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: e}, D: d, Primes: []*big.Int{p, q}}, nil
	}
}

// prime draws a bits-bit prime p with gcd(e, p-1) = 1.
func prime(r io.Reader, bits int, e *big.Int) (*big.Int, error) {
	buf := make([]byte, (bits+7)/8)
	one := big.NewInt(1)
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		p := new(big.Int).SetBytes(buf)
		p.SetBit(p, bits-1, 1)
		p.SetBit(p, bits-2, 1)
		p.SetBit(p, 0, 1)
		for i := bits; i < len(buf)*8; i++ {
			p.SetBit(p, i, 0)
		}
		if new(big.Int).Mod(new(big.Int).Sub(p, one), e).Sign() == 0 {
			continue
		}
		if p.ProbablyPrime(32) {
			return p, nil
		}
	}
}
