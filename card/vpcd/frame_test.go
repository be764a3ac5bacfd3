package vpcd

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestParseFrame(t *testing.T) {
	// A SELECT as vpcd frames it: length 000C then the APDU.
	in := []byte{0x00, 0x0C, 0x00, 0xA4, 0x04, 0x00, 0x07, 0xF0, 'H', 'U', 'L', 'I', 'A', 'N', 0x00, 0x01, 0x04}
	p, rest, err := ParseFrame(in, 0)
	if err != nil || len(p) != 12 || !bytes.Equal(rest, []byte{0x00, 0x01, 0x04}) {
		t.Fatalf("ParseFrame = %X %X %v", p, rest, err)
	}
	p, rest, err = ParseFrame(rest, 0)
	if err != nil || !bytes.Equal(p, []byte{CtrlATR}) || len(rest) != 0 {
		t.Fatalf("second frame = %X %X %v", p, rest, err)
	}
	tests := []struct {
		in   []byte
		max  int
		want error
	}{
		{nil, 0, ErrIncomplete},
		{[]byte{0x00}, 0, ErrIncomplete},
		{[]byte{0x00, 0x03, 0x01}, 0, ErrIncomplete},
		{[]byte{0x01, 0x00, 0x01}, 16, ErrFrameTooLong},
	}
	for _, tt := range tests {
		if _, _, err := ParseFrame(tt.in, tt.max); !errors.Is(err, tt.want) {
			t.Errorf("ParseFrame(%X) err = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestReadFrame(t *testing.T) {
	var stream []byte
	for _, p := range [][]byte{{CtrlOn}, {0x00, 0xB0, 0x00, 0x00, 0x00}, bytes.Repeat([]byte{1}, 300)} {
		var err error
		if stream, err = AppendFrame(stream, p); err != nil {
			t.Fatal(err)
		}
	}
	r := bytes.NewReader(stream)
	var buf []byte
	for _, n := range []int{1, 5, 300} {
		p, b, err := ReadFrame(r, buf, 0)
		buf = b
		if err != nil || len(p) != n {
			t.Fatalf("ReadFrame = %d bytes, %v; want %d", len(p), err, n)
		}
	}
	if _, _, err := ReadFrame(r, buf, 0); !errors.Is(err, io.EOF) {
		t.Errorf("at end err = %v", err)
	}
	if _, _, err := ReadFrame(bytes.NewReader([]byte{0, 5, 1}), nil, 0); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut frame err = %v", err)
	}
	if _, _, err := ReadFrame(bytes.NewReader([]byte{0xFF, 0xFF}), nil, 100); !errors.Is(err, ErrFrameTooLong) {
		t.Errorf("long frame err = %v", err)
	}
	if _, err := AppendFrame(nil, make([]byte, MaxFrame+1)); !errors.Is(err, ErrFrameTooLong) {
		t.Errorf("AppendFrame too long err = %v", err)
	}
}

// FuzzParseFrame: no panic; an accepted frame re-encodes to its bytes, and
// ReadFrame agrees with ParseFrame.
func FuzzParseFrame(f *testing.F) {
	f.Add([]byte{0x00, 0x01, 0x04}, 0)                                           // get ATR
	f.Add([]byte{0x00, 0x05, 0x00, 0xB2, 0x01, 0x0C, 0x00, 0x00, 0x01, 0x00}, 0) // READ RECORD, power off
	f.Add([]byte{0x00, 0x0A, 0x3B, 0x86, 0x01, 'H', 'U', 'L', 'I', 'A', 'N', 0x00}, 8)
	f.Fuzz(func(t *testing.T, b []byte, maxLen int) {
		p, rest, err := ParseFrame(b, maxLen)
		p2, _, err2 := ReadFrame(bytes.NewReader(b), nil, maxLen)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ParseFrame err %v, ReadFrame err %v", err, err2)
		}
		if err != nil {
			return
		}
		enc, err := AppendFrame(nil, p)
		if err != nil || !bytes.Equal(append(enc, rest...), b) || !bytes.Equal(p, p2) {
			t.Fatalf("round trip of %X failed", b)
		}
	})
}
