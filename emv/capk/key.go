package capk

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/emv/crypto/sm2"
)

// Algorithm is a CA key's public key algorithm.
type Algorithm int

// Algorithms.
const (
	RSA Algorithm = iota + 1 // EMV RSA with message recovery
	SM2                      // PBOC 3.0 SM2 signatures (GB/T 32918)
)

// String returns "RSA", "SM2" or "Algorithm(n)".
func (a Algorithm) String() string {
	switch a {
	case RSA:
		return "RSA"
	case SM2:
		return "SM2"
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

// Limits of RSA keys (EMV Book 2 11.2: moduli up to 1984 bits).
const (
	MinModulusLen = 64
	MaxModulusLen = 248
	SM2KeyLen     = 64 // X || Y
)

// Key is one CA public key.
type Key struct {
	RID       [5]byte
	Index     byte
	Algorithm Algorithm
	Modulus   []byte    // RSA only
	Exponent  []byte    // RSA only
	SM2       []byte    // SM2 only: X || Y, 64 bytes
	Expiry    time.Time // last valid day, UTC midnight
	Checksum  [20]byte
}

// ComputeChecksum returns the SHA-1 checksum of the key as the file carries
// it (see the package doc).
func (k Key) ComputeChecksum() [20]byte {
	h := sha1.New()
	h.Write(k.RID[:])
	h.Write([]byte{k.Index})
	if k.Algorithm == SM2 {
		h.Write(k.SM2)
	} else {
		h.Write(k.Modulus)
		h.Write(k.Exponent)
	}
	var sum [20]byte
	h.Sum(sum[:0])
	return sum
}

// Expired reports whether now is after the key's last valid day.
func (k Key) Expired(now time.Time) bool {
	return !now.Before(k.Expiry.AddDate(0, 0, 1))
}

// RSAPublicKey returns the key as a crypto/rsa public key (RSA keys only).
func (k Key) RSAPublicKey() (*rsa.PublicKey, error) {
	if k.Algorithm != RSA || len(k.Exponent) == 0 || len(k.Exponent) > 3 {
		return nil, ErrKey
	}
	e := int(new(big.Int).SetBytes(k.Exponent).Int64())
	return &rsa.PublicKey{N: new(big.Int).SetBytes(k.Modulus), E: e}, nil
}

// SM2PublicKey returns the key as an SM2 public key (SM2 keys only); the
// point is checked to be on the curve.
func (k Key) SM2PublicKey() (*ecdsa.PublicKey, error) {
	if k.Algorithm != SM2 || len(k.SM2) != SM2KeyLen {
		return nil, ErrKey
	}
	pub, err := sm2.NewPublicKey(k.SM2)
	if err != nil {
		return nil, ErrKey
	}
	return pub, nil
}

// Line returns the key as one line of the public key file format.
func (k Key) Line() string {
	exp, material := "-", k.SM2
	if k.Algorithm == RSA {
		exp, material = hexUpper(k.Exponent), k.Modulus
	}
	return strings.Join([]string{
		hexUpper(k.RID[:]), hexUpper([]byte{k.Index}), k.Algorithm.String(),
		k.Expiry.Format("20060102"), exp, hexUpper(material), hexUpper(k.Checksum[:]),
	}, " ")
}

// check validates the key material (not the checksum).
func (k Key) check() string {
	switch k.Algorithm {
	case RSA:
		if len(k.Modulus) < MinModulusLen || len(k.Modulus) > MaxModulusLen || k.Modulus[0] == 0 {
			return "RSA modulus length outside 512..1984 bits"
		}
		if !bytes.Equal(k.Exponent, []byte{3}) && !bytes.Equal(k.Exponent, []byte{1, 0, 1}) {
			return "RSA exponent is not 03 or 010001"
		}
	case SM2:
		if _, err := k.SM2PublicKey(); err != nil {
			return "SM2 public key is not a point on the curve"
		}
	default:
		return "unknown algorithm"
	}
	return ""
}

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
