package tags

import (
	"encoding/hex"
	"io"
	"strconv"
	"strings"

	"github.com/hulian/hulian/pan"

	"github.com/hulian/hulian/emv/tlv"
)

// DumpOptions tunes Dump.
type DumpOptions struct {
	// ShowPAN shows PAN-bearing and cardholder data in clear. Leave it
	// false for anything that may reach a log, a report or a terminal
	// another person can see. PIN data ('99') is masked regardless.
	ShowPAN bool
	// Indent is the indentation per nesting level; "" means two spaces.
	Indent string
}

// Dump writes list as an indented tree, one data object per line:
//
//	70 READ RECORD Response Message Template (194)
//	  5A Application Primary Account Number (PAN) (8) 621234******1234
//	  5F24 Application Expiration Date (3) 301231
//	  9F07 Application Usage Control (2) FF00
//
// A primitive value is shown in hex, followed by the text for a/an/ans
// ("..." with non-printable bytes as '.'); n values are shown as their
// digits and cn values as digits without the 'F' padding. Bitfields known
// to Decode get one extra line per set bit, marked "-". Sensitive values are
// masked (see DumpOptions). It returns the first write error.
func Dump(w io.Writer, list []tlv.TLV, o DumpOptions) error {
	if o.Indent == "" {
		o.Indent = "  "
	}
	var buf []byte
	buf = appendTree(buf, list, o, 0)
	if !o.ShowPAN {
		buf = []byte(pan.MaskRuns(string(buf))) // see MaskedHex: the second line of defence
	}
	_, err := w.Write(buf)
	return err
}

func appendTree(buf []byte, list []tlv.TLV, o DumpOptions, depth int) []byte {
	pad := strings.Repeat(o.Indent, depth)
	for _, t := range list {
		info, known := Lookup(t.Tag)
		name := info.Name
		if !known {
			name = "(unknown tag)"
		}
		buf = append(buf, pad...)
		buf = append(buf, t.Tag.String()...)
		buf = append(buf, ' ')
		buf = append(buf, name...)
		buf = append(buf, " ("...)
		buf = strconv.AppendInt(buf, int64(len(t.Value)), 10)
		buf = append(buf, ')')
		if t.Children != nil {
			buf = append(buf, '\n')
			buf = appendTree(buf, t.Children, o, depth+1)
			continue
		}
		if len(t.Value) > 0 {
			buf = append(buf, ' ')
			buf = appendValue(buf, t, info, known, o)
		}
		buf = append(buf, '\n')
		if bits, ok := Decode(t.Tag, t.Value); ok {
			for _, b := range bits {
				buf = append(buf, pad...)
				buf = append(buf, o.Indent...)
				buf = append(buf, "- "...)
				buf = append(buf, b...)
				buf = append(buf, '\n')
			}
		}
	}
	return buf
}

// appendValue renders a primitive value, masked when it is sensitive.
func appendValue(buf []byte, t tlv.TLV, info Info, known bool, o DumpOptions) []byte {
	if m, ok := maskedValue(t, o.ShowPAN); ok {
		return append(buf, m...)
	}
	if known {
		switch info.Format {
		case FormatN:
			if checkN(t.Value) < 0 {
				return hex.AppendEncode(buf, t.Value)
			}
		case FormatCN:
			if checkCN(t.Value) < 0 {
				return append(buf, cnDigits(t.Value)...)
			}
		case FormatA, FormatAN, FormatANS:
			buf = appendHex(buf, t.Value)
			return appendText(buf, t.Value)
		}
	}
	return appendHex(buf, t.Value)
}

func appendHex(buf, v []byte) []byte {
	return append(buf, strings.ToUpper(hex.EncodeToString(v))...)
}

// appendText appends ` "text"` with non-printable bytes shown as '.'.
func appendText(buf, v []byte) []byte {
	text := make([]byte, len(v))
	for i, c := range v {
		if c < 0x20 || c > 0x7E || c == '"' {
			c = '.'
		}
		text[i] = c
	}
	s := string(text)
	buf = append(buf, ` "`...)
	buf = append(buf, s...)
	return append(buf, '"')
}

// cnDigits returns the digits of a cn (or track 2 BCD) value: each nibble
// as a hex digit in upper case, trailing 'F' padding removed.
func cnDigits(v []byte) string {
	s := strings.ToUpper(hex.EncodeToString(v))
	return strings.TrimRight(s, "F")
}
