package wire

import (
	"bytes"
	"errors"

	"github.com/hulian/hulian/iso8583/header"
)

// headerIDLen is the width of the header's station id fields.
const headerIDLen = 11

var (
	errHeaderLen = errors.New("wire: header writer wrote an unexpected length")
)

// parseHeader parses the header at the front of body and returns the source
// station id (aliasing body, trailing spaces trimmed) and the header length.
func parseHeader(body []byte) ([]byte, int, error) {
	_, n, err := header.Parse(body)
	if err != nil {
		return nil, 0, err
	}
	const srcAt = 17 // contract table: source station id at offset 17
	return bytes.TrimRight(body[srcAt:srcAt+headerIDLen], " \x00"), n, nil
}

// writeHeader writes the 46-byte header into dst (len(dst) == header.Len)
// for a message of msgLen bytes: h (version and source) with dest as
// destination.
func writeHeader(dst []byte, h header.Header, dest string, msgLen int) error {
	if err := h.SetDestination(dest); err != nil {
		return err
	}
	out, err := header.Append(dst[:0], &h, msgLen)
	if err != nil {
		return err
	}
	if len(out) != header.Len || &out[0] != &dst[0] {
		return errHeaderLen
	}
	return nil
}
