package oda

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/hulian/hulian/emv/capk"
)

// TestEncipherPIN: the card side (RSA private key) recovers 7F || PIN block
// || challenge || pad, the layout of EMV Book 2 7.2, and the pad differs
// between two encipherments of the same PIN.
func TestEncipherPIN(t *testing.T) {
	priv, err := GenerateRSAKey(rand.NewChaCha8([32]byte{7}), 1024, 3)
	if err != nil {
		t.Fatal(err)
	}
	key := &PublicKey{Algorithm: capk.RSA, Modulus: priv.N.Bytes(), Exponent: big.NewInt(int64(priv.E)).Bytes()}
	block := []byte{0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	challenge := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	r := rand.NewChaCha8([32]byte{9})
	first, err := EncipherPIN(key, block, challenge, r)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := EncipherPIN(key, block, challenge, r)
	if len(first) != 128 || bytes.Equal(first, second) {
		t.Fatalf("length %d, two encipherments equal: %v", len(first), bytes.Equal(first, second))
	}
	m := new(big.Int).Exp(new(big.Int).SetBytes(first), priv.D, priv.N).FillBytes(make([]byte, 128))
	if m[0] != 0x7F || !bytes.Equal(m[1:9], block) || !bytes.Equal(m[9:17], challenge) {
		t.Fatal("deciphered data is not 7F || PIN block || challenge || pad")
	}
	sm := &PublicKey{Algorithm: capk.SM2, SM2: make([]byte, 64)}
	for _, tc := range []struct {
		name             string
		key              *PublicKey
		block, challenge []byte
		want             error
	}{
		{"sm2 key", sm, block, challenge, ErrKeyAlgorithm},
		{"nil key", nil, block, challenge, ErrKeyAlgorithm},
		{"short block", key, block[:7], challenge, ErrInput},
		{"long challenge", key, block, append(challenge, 9), ErrInput},
		{"tiny modulus", &PublicKey{Algorithm: capk.RSA, Modulus: make([]byte, 16), Exponent: []byte{3}}, block, challenge, ErrKey},
	} {
		if _, err := EncipherPIN(tc.key, tc.block, tc.challenge, r); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
