package tags

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/hulian/hulian/pan"

	"github.com/hulian/hulian/emv/tlv"
)

// MaskedHex renders BER-TLV data (a card's answer without its status word)
// as upper-case hex for traces and reports, with the value of every
// Sensitive data object replaced by its masked text in braces, e.g.
// "5A08{622202******1234}"; in an SM2 certificate only the PAN field is,
// e.g. "9F46819414{622848*********0026}1230...". Data that does not parse
// as BER-TLV, or does not re-encode to the same length (padding), is
// withheld entirely, since its bytes could hold a PAN: "{N bytes
// withheld}". With showPAN the hex is exact, but PIN data ('99') stays
// masked.
func MaskedHex(data []byte, showPAN bool) string {
	if len(data) == 0 {
		return ""
	}
	list, err := tlv.ParseWith(data, tlv.Options{Lenient: true})
	if err != nil || len(tlv.Encode(list...)) != len(data) {
		if showPAN {
			return strings.ToUpper(hex.EncodeToString(data))
		}
		if errors.Is(err, tlv.ErrDepth) {
			// Valid BER-TLV, but deeper than any EMV answer nests.
			return fmt.Sprintf("{%d bytes withheld: BER-TLV nested more than %d levels deep}", len(data), tlv.DefaultMaxDepth)
		}
		return fmt.Sprintf("{%d bytes withheld: not BER-TLV}", len(data))
	}
	var b strings.Builder
	for _, t := range list {
		writeMasked(&b, t, showPAN)
	}
	if showPAN {
		return b.String()
	}
	// The second line of defence: a PAN may sit where no rule expects one
	// (a proprietary data object, a defective card's wrong tag). Masking
	// every PAN-like run costs the odd '*' in binary data (certificates,
	// signatures) that happens to read as 13+ Luhn-valid digits.
	return pan.MaskRuns(b.String())
}

// writeMasked writes one data object.
func writeMasked(b *strings.Builder, t tlv.TLV, showPAN bool) {
	var head []byte
	head = tlv.AppendTag(head, t.Tag)
	head = tlv.AppendLength(head, len(t.Value))
	b.WriteString(strings.ToUpper(hex.EncodeToString(head)))
	if m, ok := maskedValue(t, showPAN); ok {
		if _, cert := certIDLen(t.Tag); !cert {
			m = "{" + m + "}" // a certificate's rendering braces its own field
		}
		b.WriteString(m)
		return
	}
	if t.Tag.Constructed() && t.Children != nil {
		for _, c := range t.Children {
			writeMasked(b, c, showPAN)
		}
		return
	}
	b.WriteString(strings.ToUpper(hex.EncodeToString(t.Value)))
}
