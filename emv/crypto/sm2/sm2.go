// Package sm2 implements SM2 digital signatures (GB/T 32918.2-2016, also
// GM/T 0003.2) with the SM3 hash (GB/T 32905) over the recommended SM2 curve,
// in the raw 64-byte r || s form PBOC 3.0 certificates and signed data carry.
//
// Signing, verification and the Z digest are gmsm's sm2 package; this package
// only converts between its DER signatures and the raw r || s form, and
// draws keys deterministically from a reader for reproducible test keys
// (gmsm's GenerateKey may read an extra random byte). Keys are crypto/ecdsa values whose
// Curve is Curve(). The user id in Z defaults to UserID ("1234567812345678",
// the GM/T 0009 default): no public PBOC source fixes another one.
package sm2

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"

	gmsm "github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm2/sm2ec"
)

// UserID is the default signer identity hashed into Z (GM/T 0009).
const UserID = "1234567812345678"

// Sizes of the raw encodings.
const (
	SignatureLen = 64 // r || s
	PublicKeyLen = 64 // X || Y
	ScalarLen    = 32
)

// Errors.
var (
	ErrKey       = errors.New("sm2: invalid key")
	ErrSignature = errors.New("sm2: signature generation failed")
)

// Curve returns the SM2 recommended curve (GB/T 32918.5).
func Curve() elliptic.Curve { return sm2ec.P256() }

// NewPrivateKey returns the key pair of the 32-byte scalar d, which must lie
// in [1, n-2] (GB/T 32918.1 6.1).
func NewPrivateKey(d []byte) (*ecdsa.PrivateKey, error) {
	if len(d) != ScalarLen {
		return nil, ErrKey
	}
	c := Curve()
	k := new(big.Int).SetBytes(d)
	nMinus1 := new(big.Int).Sub(c.Params().N, big.NewInt(1))
	if k.Sign() <= 0 || k.Cmp(nMinus1) >= 0 {
		return nil, ErrKey
	}
	priv := &ecdsa.PrivateKey{D: k}
	priv.Curve = c
	priv.X, priv.Y = c.ScalarBaseMult(d)
	return priv, nil
}

// GenerateKey draws a key pair from r (deterministic for a deterministic r).
func GenerateKey(r io.Reader) (*ecdsa.PrivateKey, error) {
	k, err := randScalar(r, 2)
	if err != nil {
		return nil, err
	}
	return NewPrivateKey(k.FillBytes(make([]byte, ScalarLen)))
}

// randScalar returns a value in [1, n-1-less] read from r.
func randScalar(r io.Reader, less int64) (*big.Int, error) {
	var buf [ScalarLen + 8]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return nil, err
	}
	m := new(big.Int).Sub(Curve().Params().N, big.NewInt(less))
	k := new(big.Int).SetBytes(buf[:])
	k.Mod(k, m)
	return k.Add(k, big.NewInt(1)), nil
}

// NewPublicKey reads a 64-byte X || Y point and checks it is on the curve.
func NewPublicKey(xy []byte) (*ecdsa.PublicKey, error) {
	if len(xy) != PublicKeyLen {
		return nil, ErrKey
	}
	c := Curve()
	x, y := new(big.Int).SetBytes(xy[:32]), new(big.Int).SetBytes(xy[32:])
	p := c.Params().P
	if x.Cmp(p) >= 0 || y.Cmp(p) >= 0 || !c.IsOnCurve(x, y) {
		return nil, ErrKey
	}
	return &ecdsa.PublicKey{Curve: c, X: x, Y: y}, nil
}

// MarshalPublicKey returns X || Y, 64 bytes.
func MarshalPublicKey(pub *ecdsa.PublicKey) []byte {
	out := make([]byte, PublicKeyLen)
	pub.X.FillBytes(out[:32])
	pub.Y.FillBytes(out[32:])
	return out
}

// Digest returns e = SM3(Z || msg) with Z = SM3(ENTL || ID || a || b || xG ||
// yG || xA || yA) (GB/T 32918.2 5.5 and 6.1). A nil uid means UserID.
func Digest(pub *ecdsa.PublicKey, uid, msg []byte) []byte {
	if uid == nil {
		uid = []byte(UserID)
	}
	e, err := gmsm.CalculateSM2Hash(pub, msg, uid)
	if err != nil {
		return nil
	}
	return e
}

// rawSig is the DER form gmsm reads and writes.
type rawSig struct{ R, S *big.Int }

// Sign returns the 64-byte r || s signature of msg (GB/T 32918.2 6.1) with
// the nonce drawn from r.
func Sign(r io.Reader, priv *ecdsa.PrivateKey, uid, msg []byte) ([]byte, error) {
	if priv == nil || priv.D == nil || priv.X == nil {
		return nil, ErrKey
	}
	if uid == nil {
		uid = []byte(UserID)
	}
	k, err := new(gmsm.PrivateKey).FromECPrivateKey(priv)
	if err != nil {
		return nil, ErrKey
	}
	der, err := k.SignWithSM2(r, uid, msg)
	if err != nil {
		return nil, errors.Join(ErrSignature, err)
	}
	var rs rawSig
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, ErrSignature
	}
	sig := make([]byte, SignatureLen)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return sig, nil
}

// Verify reports whether sig (r || s, 64 bytes) is a valid signature of msg
// under pub (GB/T 32918.2 7.1). It never panics on malformed input.
func Verify(pub *ecdsa.PublicKey, uid, msg, sig []byte) bool {
	if pub == nil || pub.X == nil || pub.Y == nil || len(sig) != SignatureLen || !Curve().IsOnCurve(pub.X, pub.Y) {
		return false
	}
	if uid == nil {
		uid = []byte(UserID)
	}
	der, err := asn1.Marshal(rawSig{R: new(big.Int).SetBytes(sig[:32]), S: new(big.Int).SetBytes(sig[32:])})
	if err != nil {
		return false
	}
	return gmsm.VerifyASN1WithSM2(pub, uid, msg, der)
}
