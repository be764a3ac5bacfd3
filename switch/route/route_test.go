package route

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllowsMTI(t *testing.T) {
	tab, err := New([]Spec{
		{Name: "default", Issuer: "1", BINs: []string{"1"}, Timeout: time.Second},
		{Name: "financial", Issuer: "1", BINs: []string{"2"}, MTIs: []string{"0200", "0200"}, Timeout: time.Second},
	})
	require.NoError(t, err)
	def, fin := tab.Routes()[0], tab.Routes()[1]
	tests := []struct {
		mti      string
		def, fin bool
	}{
		{"0100", true, false},
		{"0200", true, true},
		{"0120", true, false},
		{"0220", true, false},
		{"0400", true, false},
		{"0420", true, false},
		{"0221", true, false}, // repeat of an allowed advice
		{"0421", true, false},
		{"0201", true, true}, // repeat of 0200 follows 0200
		{"0800", false, false},
		{"0210", false, false},
		{"020", false, false},
		{"02000", false, false},
		{"02a0", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.mti, func(t *testing.T) {
			assert.Equal(t, tt.def, def.AllowsMTI([]byte(tt.mti)), "default route")
			assert.Equal(t, tt.fin, fin.AllowsMTI([]byte(tt.mti)), "0200-only route")
		})
	}
}

func TestAllowsProcessing(t *testing.T) {
	tab, err := New([]Spec{
		{Name: "any", Issuer: "1", BINs: []string{"1"}, Timeout: time.Second},
		{Name: "wallet", Issuer: "1", Receiving: []string{"2"}, ProcessingCodes: []string{"00", "40", "99", "63", "64"}, Timeout: time.Second},
	})
	require.NoError(t, err)
	anyRoute, wallet := tab.Routes()[0], tab.Routes()[1]
	tests := []struct {
		code        string
		any, wallet bool
	}{
		{"000000", true, true},
		{"400000", true, true},
		{"401020", true, true},
		{"990000", true, true},
		{"630000", true, true},
		{"640000", true, true},
		{"650000", true, false},
		{"310000", true, false},
		{"200000", true, false},
		{"00", true, true},
		{"0", true, false},
		{"", true, false},
		{"4x0000", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			assert.Equal(t, tt.any, anyRoute.AllowsProcessing([]byte(tt.code)))
			assert.Equal(t, tt.wallet, wallet.AllowsProcessing([]byte(tt.code)))
		})
	}
}

func BenchmarkAllowsMTI(b *testing.B) {
	tab, err := New([]Spec{{Name: "r", Issuer: "1", BINs: []string{"1"}, Timeout: time.Second}})
	require.NoError(b, err)
	r := tab.Routes()[0]
	mti := []byte("0421")
	b.ReportAllocs()
	for b.Loop() {
		_ = r.AllowsMTI(mti)
	}
}
