package dialect

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A message whose binary bitmap was written as hex text is reported as a
// bitmap error, not as whatever later field the misread bitmap announces.
func TestHexTextBitmapIsBlamedOnTheBitmap(t *testing.T) {
	d, err := HL87A()
	require.NoError(t, err)
	var m Message
	SampleFinancial(&m, "000042")
	packed, err := d.Pack(nil, &m)
	require.NoError(t, err)
	require.NoError(t, d.Unpack(packed, &m), "the binary form decodes")

	size := 8
	if packed[4]&0x80 != 0 {
		size = 16
	}
	text := []byte(strings.ToUpper(hex.EncodeToString(packed[4 : 4+size])))
	wrong := append(append(append([]byte(nil), packed[:4]...), text...), packed[4+size:]...)
	err = d.Unpack(wrong, &m)
	var fe *FieldError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, 1, fe.Field, "the bitmap is blamed: %v", err)
	assert.Contains(t, err.Error(), "bitmap is hex text")
	assert.ErrorIs(t, err, ErrSyntax)
}
