package kernel

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/oda"
)

// TestEncipheredPIN: the VERIFY P2 88 data deciphers (with the TEST ICC
// private key) to 7F || PIN block || the card's challenge || padding
// (EMV Book 2 7.2).
func TestEncipheredPIN(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	challenge := "0102030405060708"
	card := newScripted(
		rule{prefix: "80CA9F17", resp: ok(unhex("9F170103"))},
		rule{prefix: "00840000", resp: ok(unhex(challenge))},
		rule{prefix: "00200088", resp: sw(0x9000)},
	)
	s := session(t, func(c *Config) { c.PIN = pinPad("4321") }, purchase(100), card)
	s.iccKey = &oda.PublicKey{Algorithm: capk.RSA, Modulus: priv.N.Bytes(), Exponent: big.NewInt(int64(priv.E)).Bytes()}
	okPIN, err := s.offlinePIN(context.Background(), true)
	if err != nil || !okPIN {
		t.Fatalf("offline enciphered PIN: %v %v", okPIN, err)
	}
	var data []byte
	for _, h := range card.cmds {
		if len(h) > 10 && h[:8] == "00200088" {
			data, _ = hex.DecodeString(h[10:])
		}
	}
	if len(data) != 128 {
		t.Fatalf("enciphered PIN data %d bytes, want 128", len(data))
	}
	m := new(big.Int).Exp(new(big.Int).SetBytes(data), priv.D, priv.N).FillBytes(make([]byte, 128))
	want := append(append([]byte{0x7F}, unhex("244321FFFFFFFFFF")...), unhex(challenge)...)
	if !bytes.Equal(m[:17], want) {
		t.Errorf("deciphered %X, want prefix %X", m[:17], want)
	}
}
