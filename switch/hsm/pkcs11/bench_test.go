package pkcs11_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

func BenchmarkMACGenerateVerify(b *testing.B) {
	p := newToken(b).open(b)
	importBoth(b, "zak", hsm.ZAK, keyStd, p)
	ctx := context.Background()
	data := make([]byte, 200) // a typical 0200 up to field 128
	b.ReportAllocs()
	for b.Loop() {
		mac, err := p.GenerateMAC(ctx, "zak", data)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.VerifyMAC(ctx, "zak", data, mac); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTranslatePIN(b *testing.B) {
	p := newToken(b).open(b)
	importBoth(b, "a", hsm.ZPK, keyStd, p)
	importBoth(b, "b", hsm.ZPK, keyB, p)
	clr, err := hsm.EncodePINBlock(hsm.ISO0, []byte("1234"), []byte(testPAN), nil)
	require.NoError(b, err)
	c, err := hsm.NewCipher(symmetric.TDES, unhex(b, keyStd))
	require.NoError(b, err)
	block := make([]byte, 8)
	c.Encrypt(block, clr)
	r := hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO0, PAN: []byte(testPAN), Block: block}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.TranslatePIN(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
