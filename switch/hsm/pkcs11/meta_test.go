package pkcs11

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/symmetric"
)

func TestMetaRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		v    string
		ok   bool
	}{
		{"zpk", "v1 ZPK TDES 16 2026-01-02T03:04:05Z", true},
		{"zak triple", "v1 ZAK TDES 24 2026-01-02T03:04:05Z", true},
		{"sm4", "v1 ZPK SM4 16 2026-01-02T03:04:05Z", false},
		{"length", "v1 ZPK TDES 8 2026-01-02T03:04:05Z", false},
		{"version", "v2 ZPK TDES 16 2026-01-02T03:04:05Z", false},
		{"fields", "v1 ZPK TDES 16", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, ok := parseMeta("id", []byte(tc.v))
			require.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, tc.v, string(encodeMeta(info)))
			}
		})
	}
}

func FuzzParseMeta(f *testing.F) {
	f.Add([]byte("v1 ZPK TDES 16 2026-01-02T03:04:05Z"))
	f.Add([]byte("v1 ZAK TDES 24 2030-12-31T23:59:59Z"))
	f.Add([]byte("v1 ZMK SM4 16 x"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, v []byte) {
		info, ok := parseMeta("id", v)
		if !ok {
			return
		}
		// anything accepted is a valid TDES description that round-trips.
		require.True(t, info.Type.Valid())
		require.Equal(t, symmetric.TDES, info.Alg)
		require.True(t, symmetric.TDES.ValidLength(info.Length))
		again, ok := parseMeta("id", encodeMeta(info))
		require.True(t, ok)
		require.True(t, info.Created.Equal(again.Created))
		require.Equal(t, info.Type, again.Type)
		require.Equal(t, info.Length, again.Length)
	})
}
