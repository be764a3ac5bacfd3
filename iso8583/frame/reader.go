package frame

import (
	"encoding/binary"
	"errors"
	"io"
)

// readChunk is the smallest read buffer: one Read call can bring in many frames.
const readChunk = 64 << 10

// maxEmptyReads bounds successive (0, nil) reads before io.ErrNoProgress.
const maxEmptyReads = 100

// errBadRead reports an io.Reader that returned a count outside its buffer.
var errBadRead = errors.New("frame: underlying reader returned an invalid count")

// Reader reads frames from a stream through one reused buffer. It is not safe
// for concurrent use; one goroutine (the connection's read loop) owns it.
type Reader struct {
	src  io.Reader
	kind Kind
	max  int    // largest body accepted
	buf  []byte // buf[r:w] holds bytes read but not yet returned
	r, w int
	rerr error // error from src, returned once buffered bytes run out
	err  error // sticky framing error: the stream is unusable
}

// NewReader returns a Reader of k-framed frames from r. Bodies longer than
// maxBody bytes are refused; maxBody <= 0 means DefaultMax, and maxBody is
// capped at what k can express (9999 for ASCII4, 65535 for Binary2). The
// buffer is allocated once (64 KiB plus a prefix, room for any frame) and
// reused for every frame. An unknown Kind makes every Next fail with
// ErrUnknownKind.
func NewReader(r io.Reader, k Kind, maxBody int) *Reader {
	limit := maxBody
	if limit <= 0 {
		limit = DefaultMax
	}
	limit = min(limit, k.limit())
	rd := &Reader{src: r, kind: k, max: limit}
	if k.limit() == 0 {
		rd.err = ErrUnknownKind
		return rd
	}
	rd.buf = make([]byte, readChunk+k.PrefixLen()) // holds any frame: limit <= 65535 < readChunk
	return rd
}

// Next returns the body of the next frame (the bytes after the prefix).
//
// The slice aliases the Reader's buffer and is valid only until the next call
// to Next. Errors:
//   - io.EOF when the stream ends at a frame boundary;
//   - io.ErrUnexpectedEOF when it ends inside a prefix or a body;
//   - *LengthError when the prefix declares more than the maximum (nothing of
//     the declared size is allocated);
//   - ErrBadPrefix when an ASCII4 prefix is not 4 decimal digits;
//   - ErrEmptyFrame when the prefix declares 0 bytes. The prefix is consumed
//     and the stream stays usable, so a caller may treat it as a keep-alive;
//   - any error of the underlying reader.
//
// After any error other than ErrEmptyFrame the stream is unusable and every
// later call returns the same error; the caller closes the connection.
func (r *Reader) Next() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	pl := r.kind.PrefixLen()
	if err := r.fill(pl); err != nil {
		return nil, r.fail(err)
	}
	n, err := r.declared(r.buf[r.r : r.r+pl])
	if err != nil {
		return nil, r.fail(err)
	}
	if n == 0 {
		r.r += pl
		return nil, ErrEmptyFrame
	}
	if err := r.fill(pl + n); err != nil {
		return nil, r.fail(err)
	}
	body := r.buf[r.r+pl : r.r+pl+n : r.r+pl+n]
	r.r += pl + n
	return body, nil
}

// Buffered returns the number of bytes read from the stream but not yet
// returned by Next. When it is 0, the next Next will read (and may block).
func (r *Reader) Buffered() int {
	return r.w - r.r
}

// fail records err as sticky and returns it.
func (r *Reader) fail(err error) error {
	r.err = err
	return err
}

// declared decodes the body length from prefix p, which holds PrefixLen bytes.
func (r *Reader) declared(p []byte) (int, error) {
	var n int
	if r.kind == Binary2 {
		n = int(binary.BigEndian.Uint16(p))
	} else {
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, ErrBadPrefix
			}
			n = n*10 + int(c-'0')
		}
	}
	if n > r.max {
		return 0, &LengthError{Declared: n, Max: r.max}
	}
	return n, nil
}

// fill reads until at least need bytes are buffered from r.r on. need never
// exceeds len(r.buf) (NewReader sizes the buffer for a maximal frame).
func (r *Reader) fill(need int) error {
	if r.r == r.w {
		r.r, r.w = 0, 0 // empty: restart at the front, no copy needed
	}
	if len(r.buf)-r.r < need {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	empty := 0
	for r.w-r.r < need {
		if r.rerr != nil {
			return r.readErr()
		}
		n, err := r.src.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			return errBadRead // broken io.Reader; refuse rather than panic
		}
		r.w += n
		r.rerr = err
		if n > 0 {
			empty = 0
		} else if empty++; err == nil && empty >= maxEmptyReads {
			return io.ErrNoProgress
		}
	}
	return nil
}

// readErr maps the stored source error for a read that came up short.
func (r *Reader) readErr() error {
	if r.rerr != io.EOF {
		return r.rerr
	}
	if r.r == r.w {
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}
