package pan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"nil", "", ""},
		{"16 digits", "6222021234567894", "622202******7894"},
		{"13 digits", "6222021234566", "622202***4566"},
		{"19 digits", "6222021234567890128", "622202*********0128"},
		{"12 digits fully masked", "622202123452", "************"},
		{"short fully masked", "1234", "****"},
		{"20 digits fully masked, capped", "62220212345678901234", "*******************"},
		{"track 2 fully masked", "6222021234567894=2512201", "*******************"},
		{"letters fully masked", "6222021234567A94", "****************"},
		{"space fully masked", "622202 234567894", "****************"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Mask([]byte(tt.in)))
		})
	}
}

func TestMaskDoesNotAlterInput(t *testing.T) {
	in := []byte("6222021234567894")
	_ = Mask(in)
	assert.Equal(t, "6222021234567894", string(in))
}

func BenchmarkMask(b *testing.B) {
	p := []byte("6222021234567894")
	b.ReportAllocs()
	for b.Loop() {
		_ = Mask(p)
	}
}
