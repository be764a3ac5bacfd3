package tags

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMaskedHex(t *testing.T) {
	// A READ RECORD answer: 70 { 57 track 2, 5A PAN, 5F24 expiry, 99 PIN data }.
	rec, _ := hex.DecodeString("7023" + "5711" + "6222021234567890D2512201000012340F" + "5A08" + "6222021234567890" + "5F2403251231" + "9902" + "1234")
	rec[1] = byte(len(rec) - 2)
	out := MaskedHex(rec, false)
	assert.Contains(t, out, "5A08{622202******7890}")
	assert.Contains(t, out, "5F2403251231", "non-sensitive values stay exact")
	assert.Contains(t, out, "9902{")
	assert.NotContains(t, out, "1234567890")
	assert.NotContains(t, out, "6222021234")

	exact := MaskedHex(rec, true)
	assert.Contains(t, exact, "5A086222021234567890")
	assert.Contains(t, exact, "9902{", "PIN data stays masked")

	assert.Equal(t, "{3 bytes withheld: not BER-TLV}", MaskedHex([]byte{0x5A, 0x08, 0x62}, false))
	assert.Equal(t, "5A0862", MaskedHex([]byte{0x5A, 0x08, 0x62}, true))
	assert.Equal(t, "", MaskedHex(nil, false))
	deep := []byte{0x01, 0x00} // valid BER-TLV nested 12 levels: E1 { E1 { ... 01 00 } }
	for range 12 {
		deep = append([]byte{0xE1, byte(len(deep))}, deep...)
	}
	assert.Equal(t, "{26 bytes withheld: BER-TLV nested more than 10 levels deep}", MaskedHex(deep, false))
	padded := append(append([]byte{}, rec...), 0x00, 0x00)
	assert.True(t, strings.HasPrefix(MaskedHex(padded, false), "{"), "padding: withheld")
}

func FuzzMaskedHex(f *testing.F) {
	f.Add([]byte{0x70, 0x0A, 0x5A, 0x08, 0x62, 0x22, 0x02, 0x12, 0x34, 0x56, 0x78, 0x90})
	// The SM card's READ RECORD with its ICC certificate (maskcert_test.go).
	cert, _ := hex.DecodeString(sm2ICCCert)
	f.Add(append([]byte{0x70, 0x81, byte(len(cert) + 4), 0x9F, 0x46, 0x81, byte(len(cert))}, cert...))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := MaskedHex(data, false)
		if len(data) > 0 && out == "" {
			t.Fatal("empty rendering")
		}
	})
}

// TestUnknownTagPAN: a PAN in a data object the dictionary does not know
// (proprietary) is masked by its digits, in the hex and in the dump.
func TestUnknownTagPAN(t *testing.T) {
	data, _ := hex.DecodeString("DF7E0A6228480000000000018F" + "9F3602001A")
	out := MaskedHex(data, false)
	assert.Contains(t, out, "DF7E0A622848*********0018F")
	assert.Contains(t, out, "9F3602001A", "known tags stay exact")
	assert.Contains(t, MaskedHex(data, true), "6228480000000000018", "showPAN is exact")
	list, err := tlv.Parse(data)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, Dump(&b, list, DumpOptions{}))
	assert.NotContains(t, b.String(), "6228480000000000018")
}
