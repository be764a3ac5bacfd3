package frame_test

import (
	"errors"
	"io"
	"testing"

	"github.com/hulian/hulian/iso8583/frame"
)

// FuzzReader feeds arbitrary bytes, in arbitrary read sizes, to a Reader until
// it fails. Properties: no panic, every frame is 1..max bytes, the loop ends,
// and the error is one the contract names.
func FuzzReader(f *testing.F) {
	seeds := [][]byte{
		[]byte("0046" + "0800\x82\x20\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00" + "1126213500000001001"),
		[]byte("0004abcd0003xyz"),
		[]byte("\x00\x05hello\x00\x01x"),
		[]byte("9999"),
		[]byte("00a1"),
		[]byte("0000"),
		[]byte("\xff\xff"),
		[]byte("0010short"),
	}
	for _, s := range seeds {
		f.Add(s, false, uint16(0), uint8(0))
		f.Add(s, true, uint16(100), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, binary bool, maxBody uint16, chunk uint8) {
		k, kindMax := frame.ASCII4, 9999
		if binary {
			k, kindMax = frame.Binary2, 65535
		}
		limit := int(maxBody)
		if limit == 0 {
			limit = frame.DefaultMax
		}
		limit = min(limit, kindMax)
		src := &chunkReader{data: data, sizes: []int{1 + int(chunk)}}
		r := frame.NewReader(src, k, int(maxBody))
		consumed := 0
		for {
			b, err := r.Next()
			if errors.Is(err, frame.ErrEmptyFrame) {
				consumed += k.PrefixLen()
				continue
			}
			if err != nil {
				checkReaderErr(t, err, limit)
				return
			}
			if len(b) < 1 || len(b) > limit {
				t.Fatalf("frame of %d bytes, max %d", len(b), limit)
			}
			consumed += k.PrefixLen() + len(b)
			if consumed > len(data) {
				t.Fatalf("returned %d bytes from %d of input", consumed, len(data))
			}
		}
	})
}

func checkReaderErr(t *testing.T, err error, limit int) {
	var le *frame.LengthError
	switch {
	case errors.As(err, &le):
		if le.Declared <= limit || le.Max != limit {
			t.Fatalf("bad LengthError %+v for max %d", le, limit)
		}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, frame.ErrBadPrefix):
	default:
		t.Fatalf("unexpected error %v", err)
	}
}
