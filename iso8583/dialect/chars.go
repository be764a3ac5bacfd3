package dialect

// Character classes of ISO 8583:1987 data elements, as used by the compiled
// codecs. The canonical value of every class except binary is ASCII.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// validTrack2 accepts digits and the separators '=' and 'D'.
func validTrack2(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) && c != '=' && c != 'D' {
			return false
		}
	}
	return true
}

// validAN accepts letters, digits and space.
func validAN(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) && c != ' ' && (c|0x20 < 'a' || c|0x20 > 'z') {
			return false
		}
	}
	return true
}

// validANS accepts any byte from 0x20 upward except DEL (0x7F); bytes above
// 0x7F are allowed so that GBK or UTF-8 merchant names pass.
func validANS(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c == 0x7F {
			return false
		}
	}
	return true
}

// validClass checks v against the character class c.
func validClass(c Class, v []byte) bool {
	switch c {
	case ClassN:
		return allDigits(v)
	case ClassZ:
		return validTrack2(v)
	case ClassAN:
		return validAN(v)
	case ClassANS:
		return validANS(v)
	default:
		return true
	}
}

// bcdLen is the number of bytes that hold n BCD digits.
func bcdLen(n int) int { return (n + 1) / 2 }

// decodeBCD unpacks len(dst) digits from src (bcdLen(len(dst)) bytes) into
// dst as ASCII. An odd count has one leading pad nibble which must be 0.
// With track set, nibble 0xD decodes to '='. It reports false on any other
// nibble value.
func decodeBCD(dst, src []byte, track bool) bool {
	j := 0
	if len(dst)%2 == 1 {
		if src[0]>>4 != 0 {
			return false
		}
		c, ok := nibbleChar(src[0]&0x0F, track)
		if !ok {
			return false
		}
		dst[0] = c
		j = 1
		src = src[1:]
	}
	for i := 0; j < len(dst); i++ {
		hi, ok1 := nibbleChar(src[i]>>4, track)
		lo, ok2 := nibbleChar(src[i]&0x0F, track)
		if !ok1 || !ok2 {
			return false
		}
		dst[j], dst[j+1] = hi, lo
		j += 2
	}
	return true
}

func nibbleChar(n byte, track bool) (byte, bool) {
	if n <= 9 {
		return '0' + n, true
	}
	if track && n == 0xD {
		return '=', true
	}
	return 0, false
}

func charNibble(c byte, track bool) (byte, bool) {
	if isDigit(c) {
		return c - '0', true
	}
	if track && (c == '=' || c == 'D') {
		return 0xD, true
	}
	return 0, false
}

// bcdWriter appends a stream of nibbles to a byte slice.
type bcdWriter struct {
	dst  []byte
	half bool // the last byte of dst still waits for its low nibble
}

func (w *bcdWriter) put(n byte) {
	if w.half {
		w.dst[len(w.dst)-1] |= n
	} else {
		w.dst = append(w.dst, n<<4)
	}
	w.half = !w.half
}

// appendBCD packs lead copies of the digit pad, then v, then trail copies of
// pad, as BCD. An odd total gets one leading 0 nibble. v must already be
// validated; it reports false if a character has no nibble.
func appendBCD(dst []byte, v []byte, track bool, pad byte, lead, trail int) ([]byte, bool) {
	w := bcdWriter{dst: dst}
	if (lead+len(v)+trail)%2 == 1 {
		w.put(0)
	}
	p := pad - '0'
	for range lead {
		w.put(p)
	}
	for _, c := range v {
		n, ok := charNibble(c, track)
		if !ok {
			return w.dst, false
		}
		w.put(n)
	}
	for range trail {
		w.put(p)
	}
	return w.dst, true
}

const hexDigits = "0123456789ABCDEF"

// decodeHex decodes 2*len(dst) ASCII hex digits (either case) from src.
func decodeHex(dst, src []byte) bool {
	for i := range dst {
		hi, ok1 := hexNibble(src[2*i])
		lo, ok2 := hexNibble(src[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func appendHex(dst, v []byte) []byte {
	for _, b := range v {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0x0F])
	}
	return dst
}
