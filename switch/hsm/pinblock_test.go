package hsm_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

const testPAN = "4111111111111111"

// TestFormat0Example computes the ISO 9564-1 format 0 block of PIN 1234 and
// PAN 4111111111111111 by hand: PIN field 041234FFFFFFFFFF (control 0, length
// 4, PIN, F fill) XOR PAN field 0000111111111111 (four zero nibbles, then the
// 12 rightmost PAN digits excluding the check digit).
func TestFormat0Example(t *testing.T) {
	pinField := unhex(t, "041234FFFFFFFFFF")
	panField := unhex(t, "0000111111111111")
	want := make([]byte, 8)
	for i := range want {
		want[i] = pinField[i] ^ panField[i]
	}
	require.Equal(t, unhex(t, "041225EEEEEEEEEE"), want)

	got, err := hsm.EncodePINBlock(hsm.ISO0, []byte("1234"), []byte(testPAN), nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	pin, err := hsm.DecodePINBlock(hsm.ISO0, got, []byte(testPAN))
	require.NoError(t, err)
	assert.Equal(t, "1234", string(pin))
}

// TestPANFields checks short PANs (left padded) and the format 4 PAN field.
func TestPANFields(t *testing.T) {
	// 9-digit PAN: 8 digits without check digit, left padded to 12.
	got, err := hsm.EncodePINBlock(hsm.ISO0, []byte("1234"), []byte("123456789"), nil)
	require.NoError(t, err)
	want := unhex(t, "041234FFFFFFFFFF")
	pf := unhex(t, "0000000012345678")
	for i := range want {
		want[i] ^= pf[i]
	}
	assert.Equal(t, want, got)

	tests := []struct {
		pan  string
		want string
	}{
		// M = length-12, PAN digits, zero padding to 16 bytes (ISO 9564-1 format 4).
		{testPAN, "44111111111111111000000000000000"},
		{"1234567890123456789", "71234567890123456789000000000000"},
		{"123456789012", "01234567890120000000000000000000"},
		{"12345678", "00000123456780000000000000000000"},
	}
	for _, tt := range tests {
		f, err := hsm.PANField4([]byte(tt.pan))
		require.NoError(t, err)
		assert.Equal(t, unhex(t, tt.want), f, tt.pan)
	}
	for _, bad := range []string{"", "1234567", "12345678901234567890", "41111111111a1111"} {
		_, err := hsm.PANField4([]byte(bad))
		assert.ErrorIs(t, err, hsm.ErrInvalid, "%q", bad)
		_, err = hsm.EncodePINBlock(hsm.ISO0, []byte("1234"), []byte(bad), nil)
		assert.ErrorIs(t, err, hsm.ErrInvalid, "%q", bad)
	}
}

func TestPINBlockRoundTrip(t *testing.T) {
	pins := []string{"1234", "00000", "987654", "1234567890", "123456789012"}
	for _, f := range []hsm.PINFormat{hsm.ISO0, hsm.ISO1, hsm.ISO3, hsm.ISO4} {
		for _, pin := range pins {
			t.Run(f.String()+"/"+pin, func(t *testing.T) {
				b, err := hsm.EncodePINBlock(f, []byte(pin), []byte(testPAN), rand.Reader)
				require.NoError(t, err)
				require.Len(t, b, f.BlockSize())
				got, err := hsm.DecodePINBlock(f, b, []byte(testPAN))
				require.NoError(t, err)
				assert.Equal(t, pin, string(got))
				checkFill(t, f, b, len(pin))
			})
		}
	}
}

// checkFill looks at the fill nibbles of a clear block (PAN field removed).
func checkFill(t *testing.T, f hsm.PINFormat, b []byte, n int) {
	t.Helper()
	clr := bytes.Clone(b)
	if f == hsm.ISO0 || f == hsm.ISO3 {
		pf := unhex(t, "0000111111111111")
		for i := range clr {
			clr[i] ^= pf[i]
		}
	}
	h := strings.ToUpper(hexs(clr))
	assert.Equal(t, byte('0'+f), h[0], "control nibble")
	for i := 2 + n; i < 16; i++ {
		c := h[i]
		switch f {
		case hsm.ISO0:
			assert.Equal(t, byte('F'), c)
		case hsm.ISO3:
			assert.Contains(t, "ABCDEF", string(c))
		case hsm.ISO4:
			assert.Equal(t, byte('A'), c)
		}
	}
}

func hexs(b []byte) string {
	const digits = "0123456789ABCDEF"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

// TestDecodeRejects covers malformed clear blocks: all are ErrPINFormat.
func TestDecodeRejects(t *testing.T) {
	pan := []byte(testPAN)
	iso0 := func(field string) []byte { // apply the PAN field to a clear PIN field
		b := unhex(t, field)
		pf := unhex(t, "0000111111111111")
		for i := range b {
			b[i] ^= pf[i]
		}
		return b
	}
	tests := []struct {
		name  string
		f     hsm.PINFormat
		block []byte
	}{
		{"iso0 short block", hsm.ISO0, unhex(t, "041234FFFFFFFF")},
		{"iso0 bad control", hsm.ISO0, iso0("141234FFFFFFFFFF")},
		{"iso0 length 3", hsm.ISO0, iso0("03123FFFFFFFFFFF")},
		{"iso0 length 13", hsm.ISO0, iso0("0D1234567890123F")},
		{"iso0 non-digit", hsm.ISO0, iso0("04123AFFFFFFFFFF")},
		{"iso0 fill not F", hsm.ISO0, iso0("041234FFFFFFFFFE")},
		{"iso1 bad control", hsm.ISO1, unhex(t, "041234FFFFFFFFFF")},
		{"iso1 length 2", hsm.ISO1, unhex(t, "1212FFFFFFFFFFFF")},
		{"iso3 fill digit", hsm.ISO3, iso0("341234ABCDEFAB09")},
		{"iso3 bad control", hsm.ISO3, iso0("041234ABCDEFABCD")},
		{"iso4 8-byte block", hsm.ISO4, unhex(t, "441234AAAAAAAAAA")},
		{"iso4 fill not A", hsm.ISO4, unhex(t, "441234AAAAAAAAAB0123456789ABCDEF")},
		{"iso4 bad control", hsm.ISO4, unhex(t, "341234AAAAAAAAAA0123456789ABCDEF")},
		{"iso4 length 15", hsm.ISO4, unhex(t, "4F1234AAAAAAAAAA0123456789ABCDEF")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin, err := hsm.DecodePINBlock(tt.f, tt.block, pan)
			assert.ErrorIs(t, err, hsm.ErrPINFormat)
			assert.Nil(t, pin)
			assert.NotContains(t, err.Error(), "1234", "no PIN digits in errors")
		})
	}
	// the same well-formed blocks decode
	pin, err := hsm.DecodePINBlock(hsm.ISO3, iso0("341234ABCDEFABCD"), pan)
	require.NoError(t, err)
	assert.Equal(t, "1234", string(pin))
	pin, err = hsm.DecodePINBlock(hsm.ISO4, unhex(t, "441234AAAAAAAAAA0123456789ABCDEF"), nil)
	require.NoError(t, err)
	assert.Equal(t, "1234", string(pin))
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name string
		f    hsm.PINFormat
		pin  string
		err  error
	}{
		{"short pin", hsm.ISO0, "123", hsm.ErrPINFormat},
		{"long pin", hsm.ISO1, "1234567890123", hsm.ErrPINFormat},
		{"non-digit", hsm.ISO3, "12a4", hsm.ErrPINFormat},
		{"format 2", hsm.PINFormat(2), "1234", hsm.ErrUnsupported},
	}
	for _, tt := range tests {
		_, err := hsm.EncodePINBlock(tt.f, []byte(tt.pin), []byte(testPAN), nil)
		assert.ErrorIs(t, err, tt.err, tt.name)
	}
	_, err := hsm.EncodePINBlock(hsm.ISO1, []byte("1234"), nil, bytes.NewReader(nil))
	assert.Error(t, err, "random source exhausted")
	_, err = hsm.DecodePINBlock(hsm.PINFormat(5), make([]byte, 8), nil)
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
}

// TestFormat4Encipher checks the two-step format 4 encipherment with SM4
// against a step-by-step computation.
func TestFormat4Encipher(t *testing.T) {
	key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	b, err := hsm.NewCipher(symmetric.SM4, key)
	require.NoError(t, err)
	field, err := hsm.EncodePINBlock(hsm.ISO4, []byte("1234"), nil, rand.Reader)
	require.NoError(t, err)
	pf, err := hsm.PANField4([]byte(testPAN))
	require.NoError(t, err)

	block, err := hsm.EncipherFormat4(b, field, pf)
	require.NoError(t, err)

	want := make([]byte, 16)
	b.Encrypt(want, field)
	for i := range want {
		want[i] ^= pf[i]
	}
	b.Encrypt(want, want)
	assert.Equal(t, want, block)

	back, err := hsm.DecipherFormat4(b, block, pf)
	require.NoError(t, err)
	assert.Equal(t, field, back)
	pin, err := hsm.DecodePINBlock(hsm.ISO4, back, nil)
	require.NoError(t, err)
	assert.Equal(t, "1234", string(pin))

	tdes, err := hsm.NewCipher(symmetric.TDES, key)
	require.NoError(t, err)
	_, err = hsm.EncipherFormat4(tdes, field, pf)
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
	_, err = hsm.DecipherFormat4(b, block[:8], pf)
	assert.ErrorIs(t, err, hsm.ErrPINFormat)
	_, err = hsm.DecipherFormat4(b, block, pf[:8])
	assert.ErrorIs(t, err, hsm.ErrInvalid)
}
