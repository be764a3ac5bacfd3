package wire

import "github.com/hulian/hulian/iso8583/dialect"

// MACField is the contract's message authentication code field (b8).
const MACField = 128

// macSize is the length of a MAC on the wire.
const macSize = 8

// AppendSigned is AppendFrame for a connection whose messages carry a MAC
// in field (the message's last): m gets an 8-byte placeholder there, is
// packed, and sign fills the placeholder with the MAC of the message bytes
// before it (msg is the packed message, MTI onward). Network management
// (08xx) carries no MAC, and with sign nil the field is removed: a MAC under
// another institution's key means nothing to the receiver.
func (c *Codec) AppendSigned(dst []byte, m *dialect.Message, dest string, field int, sign func(msg []byte) error) ([]byte, error) {
	mti := m.MTI()
	m.Unset(64) // a MAC from another institution means nothing here
	m.Unset(MACField)
	if sign == nil || len(mti) == 4 && mti[1] == '8' {
		return c.AppendFrame(dst, m, dest)
	}
	field = FieldFor(m, field)
	var placeholder [macSize]byte
	m.SetCopy(field, placeholder[:])
	start := len(dst)
	out, err := c.AppendFrame(dst, m, dest)
	if err != nil {
		return out, err
	}
	if err := sign(out[start+c.MessageOffset():]); err != nil {
		return out[:start], err
	}
	return out, nil
}

// Message returns the message bytes (MTI onward) of a frame body as the
// frame reader returns it (after the length prefix), or nil when the body
// is too short to hold the header.
func (c *Codec) Message(body []byte) []byte {
	at := c.MessageOffset() - c.kind.PrefixLen()
	if at > len(body) {
		return nil
	}
	return body[at:]
}

// FieldFor returns the field m's MAC travels in for an institution whose
// MAC field is field: 128 stays 128; 64 holds only while m has no field
// between 65 and 127, since the MAC is the message's last field (ISO 8583:
// once a secondary bitmap is present, the MAC moves to 128).
func FieldFor(m *dialect.Message, field int) int {
	if field != 64 {
		return field
	}
	secondary := false
	m.Each(func(n int, _ []byte) bool {
		secondary = n > 64 && n < MACField
		return !secondary
	})
	if secondary {
		return MACField
	}
	return 64
}

// SplitMAC returns the bytes a MAC in field covers and the MAC itself, for
// a decoded message m whose packed form is msg. ok is false when field is
// absent or not m's last field (then it cannot be the MAC).
func SplitMAC(m *dialect.Message, msg []byte, field int) (data, mac []byte, ok bool) {
	field = FieldFor(m, field)
	last := 0
	m.Each(func(n int, _ []byte) bool { last = n; return true })
	if last != field || len(msg) < macSize {
		return nil, nil, false
	}
	return msg[:len(msg)-macSize], msg[len(msg)-macSize:], true
}
