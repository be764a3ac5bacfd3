package wire

import (
	"errors"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/header"
)

// ErrNoDialect is returned by NewCodec when no dialect is given.
var ErrNoDialect = errors.New("wire: no dialect")

// Codec converts between frame bodies and canonical messages for one
// connection setting (dialect, framing, header on or off). It holds no
// mutable state and is safe for concurrent use.
type Codec struct {
	dialect *dialect.Dialect
	kind    frame.Kind
	header  bool
	tmpl    header.Header // version and source set once
}

// NewCodec checks the settings and returns a Codec. localID is written as
// the header's source station id when the header is on.
func NewCodec(d *dialect.Dialect, k frame.Kind, withHeader bool, localID string) (*Codec, error) {
	if d == nil {
		return nil, ErrNoDialect
	}
	if k.PrefixLen() == 0 {
		return nil, frame.ErrUnknownKind
	}
	c := &Codec{dialect: d, kind: k, header: withHeader, tmpl: header.Header{Version: 1}}
	if withHeader {
		if err := c.tmpl.SetSource(localID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Kind returns the framing.
func (c *Codec) Kind() frame.Kind { return c.kind }

// MessageOffset is where the message (MTI onward) starts in a frame made by
// AppendFrame: after the length prefix and the header.
func (c *Codec) MessageOffset() int {
	if c.header {
		return c.kind.PrefixLen() + header.Len
	}
	return c.kind.PrefixLen()
}

// Header reports whether messages carry the 46-byte header.
func (c *Codec) Header() bool { return c.header }

// Decode unpacks one frame body into m. With the header on, the header is
// parsed and checked first, and source returns its source station id
// (aliasing body, trailing spaces trimmed); otherwise source is nil.
func (c *Codec) Decode(body []byte, m *dialect.Message) (source []byte, err error) {
	if c.header {
		src, n, err := parseHeader(body)
		if err != nil {
			m.Reset()
			return nil, err
		}
		source, body = src, body[n:]
	}
	return source, c.dialect.Unpack(body, m)
}

// AppendFrame appends m as one complete frame to dst: the length prefix, the
// header (when on, with dest as destination station id) and the packed
// message. On error dst is returned unchanged in length.
func (c *Codec) AppendFrame(dst []byte, m *dialect.Message, dest string) ([]byte, error) {
	mark := len(dst)
	out, at := frame.Reserve(dst, c.kind)
	hat := len(out)
	if c.header {
		out = append(out, make([]byte, header.Len)...)
	}
	msgAt := len(out)
	out, err := c.dialect.Pack(out, m)
	if err == nil && c.header {
		err = writeHeader(out[hat:msgAt], c.tmpl, dest, len(out)-msgAt)
	}
	if err == nil {
		err = frame.Patch(out, c.kind, at)
	}
	if err != nil {
		return dst[:mark], err
	}
	return out, nil
}
