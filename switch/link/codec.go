package link

import (
	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/frame"
	"github.com/hulian/hulian/switch/header"
)

// Codec is how messages are framed and encoded on one connection.
type Codec struct {
	Dialect  *dialect.Dialect
	Framing  frame.Kind
	Header   bool   // a 46-byte header precedes every message
	MaxFrame int    // largest accepted frame body; frame.DefaultMax when 0
	LocalID  string // header source id on messages we send
	RemoteID string // header destination id on messages we send
}

// Decode parses one frame body (the bytes after the length prefix) into m.
// Values in m may alias body. On a dialect error m keeps what was decoded
// before the failing field.
func (c *Codec) Decode(body []byte, m *dialect.Message) error {
	if c.Header {
		_, n, err := header.Parse(body)
		if err != nil {
			m.Reset()
			return err
		}
		body = body[n:]
	}
	return c.Dialect.Unpack(body, m)
}

// AppendFrame appends m as one complete frame (length prefix, header,
// message) to dst.
func (c *Codec) AppendFrame(dst []byte, m *dialect.Message) ([]byte, error) {
	start := len(dst)
	dst, at := frame.Reserve(dst, c.Framing)
	hat := len(dst)
	if c.Header {
		dst = append(dst, make([]byte, header.Len)...)
	}
	msgAt := len(dst)
	dst, err := c.Dialect.Pack(dst, m)
	if err != nil {
		return dst[:start], err
	}
	if c.Header {
		var h header.Header
		if err := h.SetDestination(c.RemoteID); err != nil {
			return dst[:start], err
		}
		if err := h.SetSource(c.LocalID); err != nil {
			return dst[:start], err
		}
		if _, err := header.Append(dst[hat:hat], &h, len(dst)-msgAt); err != nil {
			return dst[:start], err
		}
	}
	if err := frame.Patch(dst, c.Framing, at); err != nil {
		return dst[:start], err
	}
	return dst, nil
}
