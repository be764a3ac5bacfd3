package hsm_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

func TestNamesRoundTrip(t *testing.T) {
	for _, a := range []symmetric.Algorithm{symmetric.TDES, symmetric.SM4} {
		got, err := symmetric.ParseAlgorithm(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for _, k := range []hsm.KeyType{hsm.ZMK, hsm.ZPK, hsm.ZAK} {
		got, err := hsm.ParseKeyType(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
		assert.True(t, k.Valid())
	}
	_, err := symmetric.ParseAlgorithm("AES")
	assert.ErrorIs(t, err, symmetric.ErrUnsupported)
	_, err = hsm.ParseKeyType("TMK")
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
	assert.False(t, hsm.KeyType(0).Valid())
	assert.Equal(t, "Algorithm(7)", symmetric.Algorithm(7).String())
	assert.Equal(t, "ISO4", hsm.ISO4.String())
	assert.Equal(t, "PINFormat(2)", hsm.PINFormat(2).String())
}

func TestLengths(t *testing.T) {
	tests := []struct {
		alg   symmetric.Algorithm
		n     int
		valid bool
	}{
		{symmetric.TDES, 16, true}, {symmetric.TDES, 24, true}, {symmetric.TDES, 8, false}, {symmetric.TDES, 32, false},
		{symmetric.SM4, 16, true}, {symmetric.SM4, 24, false}, {symmetric.Algorithm(0), 16, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.valid, tt.alg.ValidLength(tt.n), "%s %d", tt.alg, tt.n)
	}
	assert.Equal(t, 8, symmetric.TDES.BlockSize())
	assert.Equal(t, 16, symmetric.SM4.BlockSize())
	assert.Equal(t, 8, hsm.ISO0.BlockSize())
	assert.Equal(t, 16, hsm.ISO4.BlockSize())
	assert.Equal(t, 0, hsm.PINFormat(2).BlockSize())
}

func TestKeyIDValidate(t *testing.T) {
	long := make([]byte, hsm.MaxKeyIDLen+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		id hsm.KeyID
		ok bool
	}{
		{"01020000/zpk", true},
		{"inst-1.zak:2026_01", true},
		{hsm.KeyID(long[:hsm.MaxKeyIDLen]), true},
		{"", false},
		{hsm.KeyID(long), false},
		{"has space", false},
		{"quote\"", false},
		{"nl\n", false},
	}
	for _, tt := range tests {
		err := tt.id.Validate()
		if tt.ok {
			assert.NoError(t, err, "%q", tt.id)
		} else {
			assert.ErrorIs(t, err, hsm.ErrInvalid, "%q", tt.id)
		}
	}
}

func TestErrorWraps(t *testing.T) {
	err := hsm.NewError("GenerateMAC", "b/zak", hsm.ErrKeyType, "operation needs a ZAK")
	assert.ErrorIs(t, err, hsm.ErrKeyType)
	var he *hsm.Error
	require.True(t, errors.As(err, &he))
	assert.Equal(t, hsm.KeyID("b/zak"), he.Key)
	assert.Equal(t, `hsm: GenerateMAC key "b/zak": operation needs a ZAK: hsm: wrong key type`, err.Error())
}

func TestParsePINFormat(t *testing.T) {
	for name, want := range map[string]hsm.PINFormat{"iso0": hsm.ISO0, "ISO1": hsm.ISO1, "iso3": hsm.ISO3, "Iso4": hsm.ISO4} {
		f, ok := hsm.ParsePINFormat(name)
		if !ok || f != want {
			t.Errorf("%s: %v %v", name, f, ok)
		}
	}
	if _, ok := hsm.ParsePINFormat("iso2"); ok {
		t.Error("iso2 accepted")
	}
}
