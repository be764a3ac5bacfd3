package dialect

import "errors"

// errTrack2BCD is returned by Track2BCD; it never quotes the data.
var errTrack2BCD = errors.New("track 2 BCD: invalid character or nibble")

// Track2BCD is a moov-io encoding.Encoder for track 2 (z) data packed as BCD,
// which moov-io lacks: digits are nibbles 0-9 and the separator ('=' or 'D')
// is nibble 0xD; an odd number of characters gets one leading 0 nibble (the
// hl87b rule for every BCD element). Decoding yields ASCII with '=' as the
// separator. The length passed to Decode counts characters, as a BCD LL
// prefix does. Compile recognises this encoder and runs it on a fast path;
// moov-io's own Message calls the methods below.
type Track2BCD struct{}

// Encode packs ASCII track 2 data into BCD.
func (Track2BCD) Encode(src []byte) ([]byte, error) {
	if !validTrack2(src) {
		return nil, errTrack2BCD
	}
	out, ok := appendBCD(make([]byte, 0, bcdLen(len(src))), src, true, '0', 0, 0)
	if !ok {
		return nil, errTrack2BCD
	}
	return out, nil
}

// Decode unpacks length characters of track 2 data and returns them with
// the number of bytes read.
func (Track2BCD) Decode(src []byte, length int) ([]byte, int, error) {
	if length < 0 {
		return nil, 0, errTrack2BCD
	}
	n := bcdLen(length)
	if len(src) < n {
		return nil, 0, errors.New("track 2 BCD: not enough data")
	}
	out := make([]byte, length)
	if !decodeBCD(out, src[:n], true) {
		return nil, 0, errTrack2BCD
	}
	return out, n, nil
}
