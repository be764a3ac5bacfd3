package soft_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

type testKey struct {
	alg symmetric.Algorithm
	key string
}

// pinKeys lists known ZPKs so the test can build and open PIN blocks itself.
func pinKeys() map[hsm.KeyID]testKey {
	return map[hsm.KeyID]testKey{
		"acq/tdes2": {symmetric.TDES, keyStd},
		"iss/tdes3": {symmetric.TDES, keyTriple},
		"iss/tdes2": {symmetric.TDES, keyTDES2},
		"acq/sm4":   {symmetric.SM4, keyStd},
		"iss/sm4":   {symmetric.SM4, keySM4b},
	}
}

func pinModule(t testing.TB) *soft.Module {
	m, _ := newModule(t)
	for id, k := range pinKeys() {
		importKey(t, m, id, hsm.ZPK, k.alg, k.key)
	}
	importKey(t, m, "mac/zak", hsm.ZAK, symmetric.TDES, keyStd)
	return m
}

// encipher builds a PIN block outside the module (test side, with the clear key).
func encipher(t testing.TB, id hsm.KeyID, f hsm.PINFormat, pin, pan string) []byte {
	k := pinKeys()[id]
	b, err := hsm.NewCipher(k.alg, unhex(t, k.key))
	require.NoError(t, err)
	if f == hsm.ISO4 {
		field, err := hsm.EncodePINBlock(f, []byte(pin), nil, rand.Reader)
		require.NoError(t, err)
		pf, err := hsm.PANField4([]byte(pan))
		require.NoError(t, err)
		out, err := hsm.EncipherFormat4(b, field, pf)
		require.NoError(t, err)
		return out
	}
	clr, err := hsm.EncodePINBlock(f, []byte(pin), []byte(pan), rand.Reader)
	require.NoError(t, err)
	out := make([]byte, 8)
	b.Encrypt(out, clr)
	return out
}

// decipher opens a PIN block outside the module and returns the PIN.
func decipher(t testing.TB, id hsm.KeyID, f hsm.PINFormat, block []byte, pan string) string {
	k := pinKeys()[id]
	b, err := hsm.NewCipher(k.alg, unhex(t, k.key))
	require.NoError(t, err)
	if f == hsm.ISO4 {
		pf, err := hsm.PANField4([]byte(pan))
		require.NoError(t, err)
		field, err := hsm.DecipherFormat4(b, block, pf)
		require.NoError(t, err)
		pin, err := hsm.DecodePINBlock(f, field, nil)
		require.NoError(t, err)
		return string(pin)
	}
	require.Len(t, block, 8)
	clr := make([]byte, 8)
	b.Decrypt(clr, block)
	pin, err := hsm.DecodePINBlock(f, clr, []byte(pan))
	require.NoError(t, err)
	return string(pin)
}

func TestTranslatePINRoundTrip(t *testing.T) {
	m := pinModule(t)
	ctx := context.Background()
	tests := []struct {
		from     hsm.KeyID
		fromF    hsm.PINFormat
		to       hsm.KeyID
		toF      hsm.PINFormat
		pin, pan string
	}{
		{"acq/tdes2", hsm.ISO0, "iss/tdes2", hsm.ISO0, "1234", testPAN},
		{"acq/tdes2", hsm.ISO0, "iss/tdes3", hsm.ISO0, "123456", testPAN},
		{"iss/tdes3", hsm.ISO3, "acq/tdes2", hsm.ISO0, "987654321012", "6222020200112233445"},
		{"acq/tdes2", hsm.ISO1, "iss/tdes2", hsm.ISO3, "0000", "62220202001122334"},
		{"acq/tdes2", hsm.ISO0, "iss/tdes2", hsm.ISO1, "4321", testPAN},
		{"acq/tdes2", hsm.ISO0, "iss/sm4", hsm.ISO4, "1234", testPAN},
		{"acq/sm4", hsm.ISO4, "iss/tdes3", hsm.ISO0, "55555", testPAN},
		{"acq/sm4", hsm.ISO4, "iss/sm4", hsm.ISO4, "12345678", "12345678901"},
	}
	for _, tt := range tests {
		name := string(tt.from) + "." + tt.fromF.String() + "->" + string(tt.to) + "." + tt.toF.String()
		t.Run(name, func(t *testing.T) {
			in := encipher(t, tt.from, tt.fromF, tt.pin, tt.pan)
			out, err := m.TranslatePIN(ctx, hsm.TranslatePIN{From: tt.from, FromFormat: tt.fromF, To: tt.to, ToFormat: tt.toF, PAN: []byte(tt.pan), Block: in})
			require.NoError(t, err)
			assert.Len(t, out, tt.toF.BlockSize())
			assert.Equal(t, tt.pin, decipher(t, tt.to, tt.toF, out, tt.pan))
		})
	}
}

func TestTranslatePINErrors(t *testing.T) {
	m := pinModule(t)
	ctx := context.Background()
	good := encipher(t, "acq/tdes2", hsm.ISO0, "1234", testPAN)
	// a block whose clear value is not a format 0 block (control nibble 1)
	bad := encipher(t, "acq/tdes2", hsm.ISO1, "1234", testPAN)
	req := func(mod func(*hsm.TranslatePIN)) hsm.TranslatePIN {
		r := hsm.TranslatePIN{From: "acq/tdes2", FromFormat: hsm.ISO0, To: "iss/tdes2", ToFormat: hsm.ISO0, PAN: []byte(testPAN), Block: good}
		mod(&r)
		return r
	}
	tests := []struct {
		name string
		r    hsm.TranslatePIN
		err  error
	}{
		{"mac key as source", req(func(r *hsm.TranslatePIN) { r.From = "mac/zak" }), hsm.ErrKeyType},
		{"mac key as target", req(func(r *hsm.TranslatePIN) { r.To = "mac/zak" }), hsm.ErrKeyType},
		{"unknown key", req(func(r *hsm.TranslatePIN) { r.To = "none" }), hsm.ErrNoKey},
		{"format 4 with tdes", req(func(r *hsm.TranslatePIN) { r.ToFormat = hsm.ISO4 }), hsm.ErrUnsupported},
		{"format 0 with sm4", req(func(r *hsm.TranslatePIN) { r.To = "iss/sm4" }), hsm.ErrUnsupported},
		{"format 2", req(func(r *hsm.TranslatePIN) { r.ToFormat = hsm.PINFormat(2) }), hsm.ErrUnsupported},
		{"malformed clear block", req(func(r *hsm.TranslatePIN) { r.Block = bad }), hsm.ErrPINFormat},
		{"short block", req(func(r *hsm.TranslatePIN) { r.Block = good[:7] }), hsm.ErrPINFormat},
		{"bad PAN", req(func(r *hsm.TranslatePIN) { r.PAN = []byte("41111x") }), hsm.ErrInvalid},
		{"no PAN for format 0", req(func(r *hsm.TranslatePIN) { r.PAN = nil }), hsm.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := m.TranslatePIN(ctx, tt.r)
			assert.ErrorIs(t, err, tt.err)
			assert.Nil(t, out)
			msg := err.Error()
			assert.NotContains(t, msg, "1234", "no PIN in errors")
			assert.NotContains(t, msg, "411111", "no PAN in errors")
			assert.NotContains(t, strings.ToUpper(msg), "0123456789ABCDEF", "no key in errors")
		})
	}
}
