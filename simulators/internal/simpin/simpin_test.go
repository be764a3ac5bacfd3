package simpin

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

func TestPadRoundTrip(t *testing.T) {
	ctx := context.Background()
	lmk := make([]byte, soft.LMKSize)
	_, _ = rand.Read(lmk)
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	defer m.Close()
	pan := []byte("6222021000000013")
	for _, tc := range []struct {
		alg symmetric.Algorithm
		f   hsm.PINFormat
	}{{symmetric.TDES, hsm.ISO0}, {symmetric.TDES, hsm.ISO1}, {symmetric.TDES, hsm.ISO3}, {symmetric.SM4, hsm.ISO4}} {
		zpk := hsm.KeyID("01020000/zpk-" + tc.f.String())
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		if tc.alg == symmetric.TDES {
			hsm.SetOddParity(key)
		}
		kcv := hsm.KCV(tc.alg, key)
		_, err := m.ImportComponents(ctx, zpk, hsm.ZPK, tc.alg, [][]byte{key}, []string{kcv, kcv})
		require.NoError(t, err)

		terminal, err := New(ctx, m, zpk, tc.f, "terminal")
		require.NoError(t, err)
		issuer, err := New(ctx, m, zpk, tc.f, "issuer")
		require.NoError(t, err)
		block, err := terminal.PINBlock(ctx, pan, []byte("482915"))
		require.NoError(t, err)
		assert.Len(t, block, tc.f.BlockSize())

		pin, err := issuer.PIN(ctx, pan, block)
		require.NoError(t, err, tc.f.String())
		assert.Equal(t, "482915", string(pin), "another pad on the same ZPK reads it")

		// The block really is under the ZPK: decipher it with the clear key.
		b, err := hsm.NewCipher(tc.alg, key)
		require.NoError(t, err)
		if tc.f == hsm.ISO4 {
			pf, _ := hsm.PANField4(pan)
			field, err := hsm.DecipherFormat4(b, block, pf)
			require.NoError(t, err)
			pin, err = hsm.DecodePINBlock(hsm.ISO4, field, nil)
			require.NoError(t, err)
		} else {
			clr := make([]byte, 8)
			b.Decrypt(clr, block)
			pin, err = hsm.DecodePINBlock(tc.f, clr, pan)
			require.NoError(t, err)
		}
		assert.Equal(t, "482915", string(pin))

		if tc.f != hsm.ISO1 { // format 1's random fill makes some garbage decode
			_, err = issuer.PIN(ctx, pan, make([]byte, tc.f.BlockSize()))
			assert.ErrorIs(t, err, hsm.ErrPINFormat, "garbage is a format error")
		}
		require.NoError(t, terminal.Close(ctx))
		require.NoError(t, issuer.Close(ctx))
		keys, err := m.Keys(ctx)
		require.NoError(t, err)
		for _, k := range keys {
			assert.NotContains(t, string(k.ID), "terminal-", "Close deletes the local key")
		}
	}
	_, err = New(ctx, m, "nope/zpk", hsm.ISO0, "x")
	assert.ErrorIs(t, err, ErrSetup)
}
