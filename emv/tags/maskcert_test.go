package tags

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/tlv"
)

// Certificates of the shipped test cards (testdata/cards): the SM2 card's
// issuer certificate '90' (format 12, issuer identifier 62284800) and ICC
// certificate '9F46' (format 14, TEST PAN 6228480000000000026), and the
// RSA card's '9F46' (enciphered, EMV Book 2 message recovery).
const (
	sm2IssuerCert = "126228480012300000010404004076EFFFF23A38BE57AA4F81908D2AEE7D983A3F7A9FB9464C39A17000F11E856D260AE8F956003365F6EB7813A9D7989F7D866A36AD110AE62DD4CAD299F46CBFB300AB8C4D36E0E3FF9B17F0BBAB0E3354B86F5AE6F9B44C007D87F055EA58FE827E1A4E9333B42871BC4CD0686146601E544C6C50C8EF657F45FA8DCEF23D32"
	sm2ICCCert    = "146228480000000000026F1230000001040400409685B898A92F00E738D13866F7A295972DEE9CE7CEBBEAD708D55F0E9B916094EBF087EF2508CECCE8E7B97380636402C5B618C50B9E152E0CB49627B9E152A8492CE38927C0B1BBCFEF4CEEEBD516FF88C8C7C245FA0E7DD1F483A0D178D8317BD08765F12EC6D6EFBF9C1F96F99790E0EE7DB799CD1EB61D63DB6B9912B79A"
	rsaICCCert    = "800A90F9318B290751506F33B0C90BF9FB2E407743A4AB6F518CD6E77856CD062F79D450F804133F4EB0C8C31A3E0702FB786733005317ABA536396D38C0683F1ADF660E1407E42E2A37270C904C91E8C12AFE7A1FAAE73A34E13922AF956E625A64AACAA8591214F18EEDD2275BCD011C71EDB0B8FFE0B05FB0F8003F7D813B694DBB8D5374B8EC2BBD040F358747F6"
	testSMPAN     = "6228480000000000026"
)

// record wraps data objects in a READ RECORD template 70.
func record(t *testing.T, objs ...tlv.TLV) []byte {
	t.Helper()
	return tlv.Encode(tlv.NewConstructed(0x70, objs...))
}

// TestMaskedHexCertificates: the PAN inside an SM2 certificate (signed,
// not enciphered) never shows in clear; the rest of the certificate and
// RSA certificates stay exact.
func TestMaskedHexCertificates(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tag    tlv.Tag
		value  string
		want   string // in the masked rendering
		hidden string // must not appear
	}{
		{"SM2 ICC certificate", 0x9F46, sm2ICCCert, "9F46819414{622848*********0026}1230", testSMPAN},
		{"SM2 PIN encipherment certificate", 0x9F2D, sm2ICCCert, "9F2D819414{622848*********0026}1230", testSMPAN},
		{"SM2 issuer certificate", 0x90, sm2IssuerCert, "90818E12{622848**}1230", "62284800"},
		{"wrong format byte", 0x9F46, "24" + sm2ICCCert[2:], "9F46819424{622848*********0026}1230", testSMPAN},
		{"cut short in the PAN", 0x9F46, sm2ICCCert[:16], "9F460814{622848****0000}", "62284800000000"},
		{"RSA certificate stays exact", 0x9F46, rsaICCCert, "9F468190" + rsaICCCert, ""},
		{"a PAN-looking field with a letter", 0x9F46, "14A228480000000000026F", "9F460B14A228480", ""}, // the digit run after the letter still passes Luhn: pan.MaskRuns masks it
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := record(t, tlv.New(tc.tag, mustHex(t, tc.value)))
			out := MaskedHex(data, false)
			assert.Contains(t, out, tc.want)
			if tc.hidden != "" {
				assert.NotContains(t, out, tc.hidden)
				list, _ := tlv.Parse(data)
				var dump strings.Builder
				require.NoError(t, Dump(&dump, list, DumpOptions{}))
				assert.NotContains(t, dump.String(), tc.hidden, "Dump")
			}
			assert.Contains(t, MaskedHex(data, true), strings.ToUpper(tc.value), "showPAN: exact")
		})
	}
}

// TestCertificatesSensitive: the certificate tags count as sensitive, so
// that callers printing a single value (certification assertions) mask it.
func TestCertificatesSensitive(t *testing.T) {
	for _, tag := range []tlv.Tag{0x90, 0x9F46, 0x9F2D} {
		assert.True(t, Sensitive(tag), "%v", tag)
	}
	assert.False(t, Sensitive(0x9F47), "the ICC public key exponent holds no PAN")
}
