package apdu

import "fmt"

// Limits of ISO/IEC 7816-4 5.1: Nc and Ne of short and extended APDUs.
const (
	MaxShortData    = 255
	MaxShortLe      = 256
	MaxExtendedData = 65535
	MaxExtendedLe   = 65536
)

// Command is a command APDU.
//
// Le is the maximum number of response data bytes expected (Ne): -1 (or 0)
// means no Le field; 1..256 fit a short APDU (256 is encoded 00);
// 257..65536 need an extended APDU (65536 is encoded 0000). Extended forces
// extended lengths even when short ones would do; Parse sets it for an
// extended APDU.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               int
	Extended         bool
}

// Case returns the ISO/IEC 7816-3 case (1 to 4) of the command.
func (c Command) Case() int {
	switch {
	case len(c.Data) == 0 && c.Le <= 0:
		return 1
	case len(c.Data) == 0:
		return 2
	case c.Le <= 0:
		return 3
	}
	return 4
}

// IsExtended reports whether Encode uses extended length fields.
func (c Command) IsExtended() bool {
	return c.Extended || len(c.Data) > MaxShortData || c.Le > MaxShortLe
}

// Encode returns the encoded command.
func (c Command) Encode() ([]byte, error) {
	return c.Append(make([]byte, 0, 4+3+len(c.Data)+3))
}

// Append appends the encoded command to dst.
func (c Command) Append(dst []byte) ([]byte, error) {
	if len(c.Data) > MaxExtendedData {
		return dst, ErrData
	}
	if c.Le < -1 || c.Le > MaxExtendedLe {
		return dst, fmt.Errorf("%w: %d", ErrLe, c.Le)
	}
	dst = append(dst, c.CLA, c.INS, c.P1, c.P2)
	ext := c.IsExtended()
	if n := len(c.Data); n > 0 {
		if ext {
			dst = append(dst, 0, byte(n>>8), byte(n))
		} else {
			dst = append(dst, byte(n))
		}
		dst = append(dst, c.Data...)
	}
	if c.Le > 0 {
		le := c.Le
		switch {
		case ext && len(c.Data) == 0:
			dst = append(dst, 0, byte(le>>8), byte(le)) // case 2E: 00 Le1 Le2
		case ext:
			dst = append(dst, byte(le>>8), byte(le)) // case 4E: Le1 Le2 after Lc
		default:
			dst = append(dst, byte(le)) // 256 -> 00
		}
	}
	return dst, nil
}

// Parse decodes a command APDU (ISO/IEC 7816-3 12.1.3: cases 1, 2S, 3S, 4S,
// 2E, 3E, 4E). Data aliases b. An absent Le is reported as -1.
func Parse(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, ErrShort
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3], Le: -1}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2S
		c.Le = shortLe(body[0])
		return c, nil
	case body[0] != 0: // case 3S or 4S
		return parseShort(c, body)
	}
	return parseExtended(c, body)
}

func parseShort(c Command, body []byte) (Command, error) {
	nc := int(body[0])
	switch len(body) {
	case 1 + nc:
		c.Data = body[1:]
	case 2 + nc:
		c.Data = body[1 : 1+nc]
		c.Le = shortLe(body[1+nc])
	default:
		return Command{}, fmt.Errorf("%w: Lc %d, %d bytes after the header", ErrLength, nc, len(body))
	}
	return c, nil
}

func parseExtended(c Command, body []byte) (Command, error) {
	c.Extended = true
	if len(body) < 3 {
		return Command{}, fmt.Errorf("%w: extended length field cut short", ErrLength)
	}
	n := int(body[1])<<8 | int(body[2])
	if len(body) == 3 { // case 2E
		c.Le = extendedLe(n)
		return c, nil
	}
	if n == 0 {
		return Command{}, fmt.Errorf("%w: extended Lc is 0", ErrLength)
	}
	switch len(body) {
	case 3 + n:
		c.Data = body[3:]
	case 5 + n:
		c.Data = body[3 : 3+n]
		c.Le = extendedLe(int(body[3+n])<<8 | int(body[4+n]))
	default:
		return Command{}, fmt.Errorf("%w: extended Lc %d, %d bytes after the header", ErrLength, n, len(body))
	}
	return c, nil
}

func shortLe(b byte) int {
	if b == 0 {
		return MaxShortLe
	}
	return int(b)
}

func extendedLe(n int) int {
	if n == 0 {
		return MaxExtendedLe
	}
	return n
}

// String shows the command in hex for logs, e.g. "00A40400 Lc=7 A0000000031010 Le=256".
// It shows the data field: do not log commands that carry sensitive data.
func (c Command) String() string {
	s := fmt.Sprintf("%02X%02X%02X%02X", c.CLA, c.INS, c.P1, c.P2)
	if len(c.Data) > 0 {
		s += fmt.Sprintf(" Lc=%d %X", len(c.Data), c.Data)
	}
	if c.Le > 0 {
		s += fmt.Sprintf(" Le=%d", c.Le)
	}
	return s
}
