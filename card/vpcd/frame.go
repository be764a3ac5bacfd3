package vpcd

import (
	"errors"
	"fmt"
	"io"
)

// MaxFrame is the largest payload a 2-byte length can announce.
const MaxFrame = 0xFFFF

// Control codes vpcd sends as 1-byte payloads.
const (
	CtrlOff   = 0x00
	CtrlOn    = 0x01
	CtrlReset = 0x02
	CtrlATR   = 0x04
)

// Frame errors.
var (
	// ErrIncomplete: the input ends before the frame does.
	ErrIncomplete = errors.New("vpcd: incomplete frame")
	// ErrFrameTooLong: the frame announces more than the allowed maximum.
	ErrFrameTooLong = errors.New("vpcd: frame too long")
)

// ParseFrame splits the first frame off b. payload and rest alias b. Frames
// longer than maxLen (MaxFrame when maxLen <= 0) give ErrFrameTooLong, a cut
// frame ErrIncomplete.
func ParseFrame(b []byte, maxLen int) (payload, rest []byte, err error) {
	if len(b) < 2 {
		return nil, b, ErrIncomplete
	}
	n := int(b[0])<<8 | int(b[1])
	if n > limit(maxLen) {
		return nil, b, fmt.Errorf("%w: %d bytes, max %d", ErrFrameTooLong, n, limit(maxLen))
	}
	if len(b) < 2+n {
		return nil, b, ErrIncomplete
	}
	return b[2 : 2+n], b[2+n:], nil
}

// ReadFrame reads one frame from r into buf (grown if needed, reuse it
// across calls) and returns the payload, which aliases the returned buffer.
// A frame longer than maxLen (MaxFrame when maxLen <= 0) is an error before any
// payload is read.
func ReadFrame(r io.Reader, buf []byte, maxLen int) (payload, newBuf []byte, err error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, buf, err
	}
	n := int(hdr[0])<<8 | int(hdr[1])
	if n > limit(maxLen) {
		return nil, buf, fmt.Errorf("%w: %d bytes, max %d", ErrFrameTooLong, n, limit(maxLen))
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, buf, err
	}
	return buf, buf, nil
}

// AppendFrame appends the length and the payload to dst.
func AppendFrame(dst, payload []byte) ([]byte, error) {
	if len(payload) > MaxFrame {
		return dst, fmt.Errorf("%w: %d bytes", ErrFrameTooLong, len(payload))
	}
	return append(append(dst, byte(len(payload)>>8), byte(len(payload))), payload...), nil
}

func limit(maxLen int) int {
	if maxLen <= 0 || maxLen > MaxFrame {
		return MaxFrame
	}
	return maxLen
}
