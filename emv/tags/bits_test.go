package tags

import (
	"encoding/hex"
	"slices"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The expected names are the bit definitions of EMV 4.4 Book 3 Annex C1
// (AIP), C3 (CVM), C5 (TVR) and the qPBOC TTQ/CTQ layout.
func TestDecode(t *testing.T) {
	tests := []struct {
		tag   tlv.Tag
		value string
		want  []string
		ok    bool
	}{
		{0x95, "0000000000", nil, true},
		{0x95, "8000048000", []string{
			"Offline data authentication was not performed",
			"Online PIN entered",
			"Transaction exceeds floor limit"}, true},
		{0x95, "0100000001", []string{"byte 1 bit 1 (RFU)", "byte 5 bit 1 (RFU)"}, true},
		{0x82, "7C00", []string{
			"SDA supported", "DDA supported", "Cardholder verification is supported",
			"Terminal risk management is to be performed", "Issuer authentication is supported"}, true},
		{0x82, "7C", nil, false},
		{0x9F66, "24000080", []string{"qPBOC supported", "Online PIN supported", "fDDA version 01 supported"}, true},
		{0x9F6C, "0080", []string{"Consumer device CVM performed"}, true},
		{0x9F34, "420302", []string{
			"Enciphered PIN verified online, apply succeeding CV rule if unsuccessful",
			"If terminal supports the CVM", "Successful"}, true},
		{0x9F34, "3F0000", []string{"No CVM performed", "Always", "Result unknown"}, true},
		{0x9F34, "200001", []string{"Cardholder ID verification (PBOC)", "Always", "Failed"}, true},
		{0x9F34, "2A0A03", []string{"CV method '2A' (RFU or proprietary)", "Condition '0A' (RFU or proprietary)", "Result '03' (RFU)"}, true},
		{0x9F26, "0000000000000000", nil, false},
	}
	for _, tt := range tests {
		got, ok := Decode(tt.tag, mustHex(t, tt.value))
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("Decode(%v, %s) = %q, %v; want %q, %v", tt.tag, tt.value, got, ok, tt.want, tt.ok)
		}
	}
}
