package simcard

import (
	"errors"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
)

// parseTagValue decodes a profile data object written "TAG VALUE" in hex
// ("5F24 261231"); an empty value may be omitted ("DF4D").
func parseTagValue(s string) (tlv.TLV, []byte, error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 2 {
		return tlv.TLV{}, nil, errors.New(`want "TAG VALUE"`)
	}
	tb, err := parseHex(f[0])
	if err != nil {
		return tlv.TLV{}, nil, err
	}
	tag, n, err := tlv.ParseTag(tb)
	if err != nil || n != len(tb) {
		return tlv.TLV{}, nil, errors.New("bad tag")
	}
	var v []byte
	if len(f) == 2 {
		if v, err = parseHex(f[1]); err != nil {
			return tlv.TLV{}, nil, err
		}
	}
	if len(v) > 255 {
		return tlv.TLV{}, nil, errTooLong
	}
	return tlv.New(tag, v), tb, nil
}

// parseTags decodes a list of "TAG VALUE" strings in order.
func parseTags(list []string) ([]tlv.TLV, error) {
	out := make([]tlv.TLV, 0, len(list))
	for _, s := range list {
		t, _, err := parseTagValue(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// formatTagValue is the inverse of parseTagValue.
func formatTagValue(t tlv.TLV) string {
	return t.Tag.String() + " " + Hex(t.Value).String()
}
