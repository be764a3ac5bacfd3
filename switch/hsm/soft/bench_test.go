package soft_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

func benchMAC(b *testing.B, alg symmetric.Algorithm) {
	m, _ := newModule(b)
	importKey(b, m, "zak", hsm.ZAK, alg, keyStd)
	ctx := context.Background()
	data := make([]byte, 300)
	for i := range data {
		data[i] = byte(i)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		mac, err := m.GenerateMAC(ctx, "zak", data)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.VerifyMAC(ctx, "zak", data, mac); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMAC is GenerateMAC + VerifyMAC over a 300-byte message.
func BenchmarkMAC(b *testing.B) {
	b.Run("TDES-X9.19", func(b *testing.B) { benchMAC(b, symmetric.TDES) })
	b.Run("SM4-CBC-MAC", func(b *testing.B) { benchMAC(b, symmetric.SM4) })
}

func benchTranslate(b *testing.B, from hsm.KeyID, fromF hsm.PINFormat, to hsm.KeyID, toF hsm.PINFormat) {
	m := pinModule(b)
	ctx := context.Background()
	r := hsm.TranslatePIN{From: from, FromFormat: fromF, To: to, ToFormat: toF, PAN: []byte(testPAN),
		Block: encipher(b, from, fromF, "1234", testPAN)}
	out, err := m.TranslatePIN(ctx, r)
	require.NoError(b, err)
	require.Len(b, out, toF.BlockSize())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.TranslatePIN(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTranslatePIN translates a PIN block between two keys.
func BenchmarkTranslatePIN(b *testing.B) {
	b.Run("TDES-ISO0-to-TDES-ISO0", func(b *testing.B) {
		benchTranslate(b, "acq/tdes2", hsm.ISO0, "iss/tdes3", hsm.ISO0)
	})
	b.Run("TDES-ISO0-to-SM4-ISO4", func(b *testing.B) {
		benchTranslate(b, "acq/tdes2", hsm.ISO0, "iss/sm4", hsm.ISO4)
	})
}
