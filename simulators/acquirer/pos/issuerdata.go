package pos

import (
	"fmt"

	"github.com/hulian/hulian/emv/tlv"
)

// Data objects of the answer's field 55 (EMV Book 3 Annex A).
const (
	tagIssuerAuth tlv.Tag = 0x91
	tagScript71   tlv.Tag = 0x71
	tagScript72   tlv.Tag = 0x72
)

// maxIssuerData bounds the field 55 of an answer (b..255 in hl87a/hl87b;
// other dialects may allow more, never this much).
const maxIssuerData = 1024

// issuerData is what the terminal takes from the answer's field 55.
type issuerData struct {
	auth    []byte // 91: ARPC || ARC (method 1), 8..16 bytes
	scripts []byte // the 71 and 72 templates, TLV-coded, in order
}

// parseIssuerData reads field 55 of an answer: 91 and the script
// templates; other objects are ignored. A field that does not parse, or a
// 91 of the wrong length, gives an error wrapping ErrIssuerData and nothing
// usable. The returned slices do not alias b.
func parseIssuerData(b []byte) (issuerData, error) {
	var d issuerData
	if len(b) == 0 {
		return d, nil
	}
	if len(b) > maxIssuerData {
		return d, fmt.Errorf("%w: %d bytes", ErrIssuerData, len(b))
	}
	list, err := tlv.ParseWith(b, tlv.Options{MaxDepth: 3})
	if err != nil {
		return d, fmt.Errorf("%w: %v", ErrIssuerData, err)
	}
	for _, o := range list {
		switch o.Tag {
		case tagIssuerAuth:
			if len(o.Value) < 8 || len(o.Value) > 16 || d.auth != nil {
				return issuerData{}, fmt.Errorf("%w: issuer authentication data (91) %d bytes", ErrIssuerData, len(o.Value))
			}
			d.auth = append([]byte(nil), o.Value...)
		case tagScript71, tagScript72:
			d.scripts = tlv.AppendTLV(d.scripts, o)
		}
	}
	return d, nil
}
