package bcd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBCD(t *testing.T) {
	assert.Equal(t, []byte{0x00, 0x00, 0x00, 0x01, 0x23, 0x45}, Bytes(12345, 6))
	assert.Equal(t, []byte{0x23, 0x45}, Bytes(12345, 2), "leading digits dropped")
	var b [6]byte
	Put(b[:], 999999999999)
	assert.Equal(t, [6]byte{0x99, 0x99, 0x99, 0x99, 0x99, 0x99}, b)
	v, ok := Int([]byte{0x00, 0x01, 0x23, 0x45})
	assert.True(t, ok)
	assert.Equal(t, int64(12345), v)
	_, ok = Int([]byte{0x1A})
	assert.False(t, ok, "non-digit nibble")
	_, ok = Int(make([]byte, 10))
	assert.False(t, ok, "more than 18 digits")
	for _, x := range []int64{0, 1, 99, 100, 123456789012} {
		got, ok := Int(Bytes(x, 6))
		assert.True(t, ok)
		assert.Equal(t, x, got)
	}
}
