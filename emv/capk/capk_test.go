package capk_test

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/capk"
)

// TestVectorChecksums loads the two public CA keys of lumag/emv-tools
// test/sda-test.c and test/dda-test.c, whose SHA-1 checksums those files
// publish; Parse verifies each against RID||index||modulus||exponent.
func TestVectorChecksums(t *testing.T) {
	s, err := capk.LoadFile("../../testdata/emv/capk-vectors.txt")
	require.NoError(t, err)
	k, ok := s.Lookup([]byte{0xA0, 0, 0, 0, 0x04}, 0x05)
	require.True(t, ok)
	assert.Equal(t, 176, len(k.Modulus))
	assert.Equal(t, "EBFA0D5D06D8CE702DA3EAE890701D45E274C845", strings.ToUpper(hex.EncodeToString(k.Checksum[:])))
	pub, err := k.RSAPublicKey()
	require.NoError(t, err)
	assert.Equal(t, 3, pub.E)
	_, ok = s.Lookup([]byte{0xA0, 0, 0, 0, 0x03}, 0x02)
	assert.False(t, ok)
	_, ok = s.Lookup([]byte{0xA0}, 0x01)
	assert.False(t, ok)
}

// TestWrongChecksumNamesLine flips one digit of a checksum and expects the
// error to name file:line.
func TestWrongChecksumNamesLine(t *testing.T) {
	data, err := os.ReadFile("../../testdata/emv/capk-test.txt")
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	idx := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "A000000333 F2 ") {
			idx = i
		}
	}
	require.NotEqual(t, -1, idx)
	l := lines[idx]
	last := l[len(l)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	lines[idx] = l[:len(l)-1] + string(repl)
	_, err = capk.Parse(strings.NewReader(strings.Join(lines, "\n")), "keys.txt")
	var pe *capk.ParseError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, capk.ErrChecksum)
	assert.Equal(t, idx+1, pe.Line)
	assert.Contains(t, err.Error(), "keys.txt:"+strconv.Itoa(idx+1)+":")
}

// line builds a valid RSA key line with a correct checksum.
func line(mod string) string {
	m, _ := hex.DecodeString(mod)
	h := sha1.New()
	h.Write([]byte{0xA0, 0, 0, 0x03, 0x33, 0x09})
	h.Write(m)
	h.Write([]byte{3})
	return "A000000333 09 RSA 20301231 03 " + mod + " " + hex.EncodeToString(h.Sum(nil))
}

func TestParseErrors(t *testing.T) {
	mod := "C1" + strings.Repeat("23", 63)
	good := line(mod)
	tests := []struct {
		name, text string
		want       error
	}{
		{"fields", "A000000333 09 RSA", capk.ErrSyntax},
		{"rid", strings.Replace(good, "A000000333", "A0000003", 1), capk.ErrSyntax},
		{"alg", strings.Replace(good, " RSA ", " DSA ", 1), capk.ErrSyntax},
		{"expiry", strings.Replace(good, "20301231", "2030-12", 1), capk.ErrSyntax},
		{"exponent", strings.Replace(good, " 03 ", " 05 ", 1), capk.ErrKey},
		{"short modulus", line("C1" + strings.Repeat("23", 10)), capk.ErrKey},
		{"duplicate", good + "\n" + good, capk.ErrDuplicate},
		{"long line", strings.Repeat("A", capk.MaxLineLen+1), capk.ErrLimit},
		{"sm2 not on curve", "A000000333 0A SM2 20301231 - " + strings.Repeat("01", 64) + " " + strings.Repeat("00", 20), capk.ErrKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := capk.Parse(strings.NewReader("# header\n\n"+tt.text+"\n"), "f")
			assert.ErrorIs(t, err, tt.want)
		})
	}
	s, err := capk.Parse(strings.NewReader(good+"\n"), "f")
	require.NoError(t, err)
	k := s.Keys()[0]
	assert.False(t, k.Expired(time.Date(2030, 12, 31, 23, 0, 0, 0, time.UTC)))
	assert.True(t, k.Expired(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, strings.ToUpper(good), k.Line())
}

func TestPrivateNeedsTestOnlyMarker(t *testing.T) {
	_, err := capk.ParsePrivate(strings.NewReader("A000000333 F1 SM2 d=01\n"), "p")
	assert.ErrorIs(t, err, capk.ErrNotTestOnly)
	_, err = capk.ParsePrivate(strings.NewReader(""), "p")
	assert.ErrorIs(t, err, capk.ErrNotTestOnly)
	keys, err := capk.ParsePrivate(strings.NewReader(capk.TestOnlyMarker+"\nA000000333 F1 SM2 d=01\n"), "p")
	require.NoError(t, err)
	require.Len(t, keys, 1)
	_, err = capk.ParsePrivate(strings.NewReader(capk.TestOnlyMarker+"\nA000000333 F1 RSA n=C1 e=03 d=01\n"), "p")
	assert.ErrorIs(t, err, capk.ErrKey)
	var pe *capk.ParseError
	assert.True(t, errors.As(err, &pe) && pe.Line == 2)
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../testdata/emv/capk-test.txt", "../../testdata/emv/capk-vectors.txt"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("A000000333 F4 SM2 20301231 - 00 00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := capk.Parse(strings.NewReader(string(b)), "fuzz")
		if err == nil && s.Len() > capk.MaxKeys {
			t.Fatal("too many keys")
		}
	})
}

func FuzzParsePrivate(f *testing.F) {
	b, err := os.ReadFile("../../testdata/emv/capk-test-private.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = capk.ParsePrivate(strings.NewReader(string(b)), "fuzz")
	})
}
