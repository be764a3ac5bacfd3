package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/tlv"
)

// FuzzGACAnswer: any GENERATE AC answer parses without a panic.
func FuzzGACAnswer(f *testing.F) {
	// Format 1 as the simulated card answers (simulators/simcard genac.go):
	// CID, ATC, AC, then 9F10 in the PBOC layout.
	f.Add(tlv.Encode(tlv.New(0x80, h("80 0002 C3F5A7F142BF4820 07010103A0000001 0A01000000010000000000"))))
	f.Add(tlv.Encode(tlv.NewConstructed(0x77, tlv.New(0x9F27, []byte{0x40}), tlv.New(0x9F36, []byte{0, 1}),
		tlv.New(0x9F4B, []byte{1, 2, 3}), tlv.New(0x9F10, h("07010103A00000")))))
	f.Add([]byte{0x80, 0x01, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		var g gacResult
		list := g.parse(parseAnswer(b))
		if g.ok && g.ac != nil && len(list) == 0 {
			t.Fatal("a cryptogram from nothing")
		}
	})
}

// FuzzParseProfile: a card test profile never panics the parser.
func FuzzParseProfile(f *testing.F) {
	f.Add([]byte("aid: A000000333010101\npin: \"123456\"\nissuer_master_ac: 0123456789ABCDEFFEDCBA9876543210\n"))
	f.Add([]byte("algorithm: sm4\nun: 11223344\namount: \"000000000100\"\n"))
	f.Add([]byte("bogus: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfile(b)
		if err == nil {
			require.NoError(t, p.Validate())
		}
	})
}

func TestParseProfile(t *testing.T) {
	p, err := ParseProfile([]byte("aid: A000000333010101\npin: \"123456\"\nalgorithm: tdes\n"))
	require.NoError(t, err)
	assert.Equal(t, "123456", p.PIN)
	for _, bad := range []string{"pin: 12ab\n", "algorithm: des\n", "issuer_master_ac: 0102\n", "unknown: 1\n", "amount: \"100\"\n"} {
		_, err := ParseProfile([]byte(bad))
		assert.ErrorIs(t, err, ErrProfile, bad)
	}
	assert.Equal(t, "123457", wrongPIN("123456"))
	assert.Equal(t, "1230", wrongPIN("1239"))
}

// FuzzParseTemplate: an issuer template never panics the parser, and one
// that parses compares with any card data without a panic.
func FuzzParseTemplate(f *testing.F) {
	f.Add([]byte("applications:\n  \"*\":\n    9F08: \"0030\"\n    5F20: {pattern: \"^[A-Z]+$\"}\n    9F79: absent\n  A000000333010101:\n    50: {text: DEBIT}\n"))
	f.Add([]byte("applications:\n  \"*\":\n    9F08: {value: \"00\", text: x}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tm, err := ParseTemplate(b)
		if err != nil {
			return
		}
		data := []tlv.TLV{tlv.New(0x9F08, []byte{0, 0x30}), tlv.New(0x5F20, []byte("TEST"))}
		for _, e := range tm.forApp(h("A000000333010101")) {
			_ = templateDiff(0x9F08, e, data)
		}
	})
}
