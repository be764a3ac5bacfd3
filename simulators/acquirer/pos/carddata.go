package pos

import (
	"fmt"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// Card data objects the request is built from (EMV Book 3 Annex A).
const (
	tagTrack2 tlv.Tag = 0x57
	tagPAN    tlv.Tag = 0x5A
	tagExpiry tlv.Tag = 0x5F24
	tagPSN    tlv.Tag = 0x5F34
	tagATC    tlv.Tag = 0x9F36
	tagLabel  tlv.Tag = 0x50
	tagPrefer tlv.Tag = 0x9F12
)

// maxTrack2 is the longest field 35 (z..37).
const maxTrack2 = 37

// cardFields are the card's contribution to the request, as the ISO 8583
// fields carry them.
type cardFields struct {
	pan    string // field 2
	expiry string // field 14, YYMM
	psn    string // field 23, n3; "" when the card has no 5F34
	track2 string // field 35, digits and '='; "" when the card has no 57
}

// readCard takes PAN, expiry, PSN and track 2 from the card's data objects.
// Errors name the data object, never its value.
func readCard(data []tlv.TLV) (cardFields, error) {
	var f cardFields
	if v, ok := tlv.Find(data, tagTrack2); ok {
		t2, err := track2(v.Value)
		if err != nil {
			return f, err
		}
		f.track2 = t2
	}
	if v, ok := tlv.Find(data, tagPAN); ok {
		f.pan = strings.TrimRight(nibbles(v.Value), "F")
	} else if p, ok := pan.FromTrack2([]byte(f.track2)); ok {
		f.pan = string(p)
	}
	if err := pan.Valid([]byte(f.pan)); err != nil {
		return f, fmt.Errorf("%w: PAN (5A): %v", ErrCardData, err)
	}
	if v, ok := tlv.Find(data, tagExpiry); ok && len(v.Value) == 3 {
		f.expiry = nibbles(v.Value[:2])
	}
	if !digits(f.expiry) || len(f.expiry) != 4 {
		return f, fmt.Errorf("%w: expiry date (5F24) missing or not BCD", ErrCardData)
	}
	if v, ok := tlv.Find(data, tagPSN); ok && len(v.Value) == 1 {
		f.psn = "0" + nibbles(v.Value)
		if !digits(f.psn) {
			return f, fmt.Errorf("%w: PAN sequence number (5F34) not BCD", ErrCardData)
		}
	}
	return f, nil
}

// track2 renders the track 2 equivalent data (57) as field 35 wants it:
// the separator D as '=', the F padding dropped.
func track2(v []byte) (string, error) {
	s := strings.TrimRight(nibbles(v), "F")
	s = strings.Replace(s, "D", "=", 1)
	if len(s) == 0 || len(s) > maxTrack2 || strings.Count(s, "=") != 1 || !digits(strings.Replace(s, "=", "", 1)) {
		return "", fmt.Errorf("%w: track 2 equivalent data (57) malformed", ErrCardData)
	}
	return s, nil
}

// nibbles returns the hex digits of b, upper case.
func nibbles(b []byte) string {
	const hexDigits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, hexDigits[c>>4], hexDigits[c&0x0F])
	}
	return string(out)
}

// label returns the application's display name: 9F12 when the card gave
// one, else 50.
func label(data []tlv.TLV) string {
	for _, t := range []tlv.Tag{tagPrefer, tagLabel} {
		if v, ok := tlv.Find(data, t); ok && printable(v.Value) {
			return string(v.Value)
		}
	}
	return ""
}

func printable(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// atc returns the application transaction counter the kernel saw, -1 when
// unknown.
func atc(data []tlv.TLV) int {
	if v, ok := tlv.Find(data, tagATC); ok && len(v.Value) == 2 {
		return int(v.Value[0])<<8 | int(v.Value[1])
	}
	return -1
}
