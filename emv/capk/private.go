package capk

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/hex"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/hulian/hulian/emv/crypto/sm2"
)

// TestOnlyMarker must appear as a comment line before the first key of a
// private key file.
const TestOnlyMarker = "# TEST ONLY"

// PrivateKey is a test CA private key for the card simulator's
// personalization. Exactly one of RSA and SM2 is set.
type PrivateKey struct {
	RID       [5]byte
	Index     byte
	Algorithm Algorithm
	RSA       *rsa.PrivateKey   // N, E, D (and Primes when the file has p and q)
	SM2       *ecdsa.PrivateKey // Curve is sm2.Curve()
}

// LoadPrivateFile reads a TEST ONLY private key file (see the package doc).
func LoadPrivateFile(path string) ([]PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePrivate(f, path)
}

// ParsePrivate reads private keys from r; name labels errors. A file whose
// first non-blank line is not TestOnlyMarker is refused with ErrNotTestOnly.
func ParsePrivate(r io.Reader, name string) ([]PrivateKey, error) {
	var keys []PrivateKey
	marked := false
	err := scanLines(r, name, func(line int, text string) error {
		if !marked {
			if text != TestOnlyMarker {
				return &ParseError{File: name, Line: line, Detail: "first line must be " + TestOnlyMarker, Err: ErrNotTestOnly}
			}
			marked = true
			return nil
		}
		if text[0] == '#' {
			return nil
		}
		if len(keys) == MaxKeys {
			return &ParseError{File: name, Line: line, Detail: "more than MaxKeys keys", Err: ErrLimit}
		}
		k, detail, err := parsePrivate(strings.Fields(text))
		if err != nil {
			return &ParseError{File: name, Line: line, Detail: detail, Err: err}
		}
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !marked {
		return nil, &ParseError{File: name, Detail: "no " + TestOnlyMarker + " line", Err: ErrNotTestOnly}
	}
	return keys, nil
}

// parsePrivate reads RID INDEX ALG name=hex...
func parsePrivate(f []string) (PrivateKey, string, error) {
	var k PrivateKey
	if len(f) < 4 {
		return k, "want RID INDEX ALG name=hex...", ErrSyntax
	}
	if detail := parseID(f[0], f[1], &k.RID, &k.Index); detail != "" {
		return k, detail, ErrSyntax
	}
	vals := make(map[string]*big.Int)
	for _, kv := range f[3:] {
		name, value, ok := strings.Cut(kv, "=")
		b, err := hex.DecodeString(value)
		if !ok || err != nil || len(b) == 0 {
			return k, "field is not name=hex", ErrSyntax
		}
		vals[name] = new(big.Int).SetBytes(b)
	}
	switch f[2] {
	case "RSA":
		return privateRSA(k, vals)
	case "SM2":
		k.Algorithm = SM2
		d, ok := vals["d"]
		if !ok {
			return k, "SM2 key needs d=", ErrSyntax
		}
		if d.BitLen() > 8*sm2.ScalarLen {
			return k, "SM2 scalar out of range", ErrKey
		}
		priv, err := sm2.NewPrivateKey(d.FillBytes(make([]byte, sm2.ScalarLen)))
		if err != nil {
			return k, "SM2 scalar out of range", ErrKey
		}
		k.SM2 = priv
		return k, "", nil
	}
	return k, "algorithm is not RSA or SM2", ErrSyntax
}

func privateRSA(k PrivateKey, v map[string]*big.Int) (PrivateKey, string, error) {
	k.Algorithm = RSA
	n, e, d := v["n"], v["e"], v["d"]
	if n == nil || e == nil || d == nil {
		return k, "RSA key needs n=, e= and d=", ErrSyntax
	}
	if l := (n.BitLen() + 7) / 8; l < MinModulusLen || l > MaxModulusLen || !e.IsInt64() || (e.Int64() != 3 && e.Int64() != 65537) {
		return k, "RSA modulus or exponent out of range", ErrKey
	}
	k.RSA = &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d}
	if p, q := v["p"], v["q"]; p != nil && q != nil {
		if new(big.Int).Mul(p, q).Cmp(n) != 0 {
			return k, "p*q is not n", ErrKey
		}
		k.RSA.Primes = []*big.Int{p, q}
	}
	// d must invert e: check on a fixed message.
	m := big.NewInt(0x1234567)
	c := new(big.Int).Exp(m, e, n)
	if new(big.Int).Exp(c, d, n).Cmp(m) != 0 {
		return k, "d does not match n and e", ErrKey
	}
	return k, "", nil
}

// Public returns the CA public key of k with its checksum, expiring on expiry
// (YYYYMMDD as in the public file).
func (k PrivateKey) Public(expiry string) (Key, error) {
	pub := Key{RID: k.RID, Index: k.Index, Algorithm: k.Algorithm}
	switch {
	case k.Algorithm == RSA && k.RSA != nil:
		pub.Modulus = k.RSA.N.Bytes()
		pub.Exponent = big.NewInt(int64(k.RSA.E)).Bytes()
	case k.Algorithm == SM2 && k.SM2 != nil:
		pub.SM2 = sm2.MarshalPublicKey(&k.SM2.PublicKey)
	default:
		return Key{}, ErrKey
	}
	exp, err := time.Parse("20060102", expiry)
	if err != nil {
		return Key{}, ErrSyntax
	}
	pub.Expiry = exp
	pub.Checksum = pub.ComputeChecksum()
	return pub, nil
}
