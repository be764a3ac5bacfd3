package header_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/hulian/hulian/iso8583/header"
)

// FuzzParse: Parse never panics, fails only with *Error, and whatever it
// accepts Append writes back byte for byte.
func FuzzParse(f *testing.F) {
	f.Add(append([]byte(golden1), message(68)...))
	f.Add([]byte(golden2))
	f.Add([]byte(golden1))
	f.Add(corrupt(41, ' '))
	f.Add([]byte("\x2e\x010046"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := header.Parse(b)
		if err != nil {
			var he *header.Error
			if !errors.As(err, &he) || he.Offset < 0 || he.Offset > max(len(b), header.Len) {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if n != header.Len || h.TotalLength != len(b) {
			t.Fatalf("n=%d total=%d len=%d", n, h.TotalLength, len(b))
		}
		out, err := header.Append(nil, &h, len(b)-header.Len)
		if err != nil {
			t.Fatalf("Append refused a parsed header: %v", err)
		}
		if !bytes.Equal(out, b[:header.Len]) {
			t.Fatalf("round trip\n got %q\nwant %q", out, b[:header.Len])
		}
	})
}

func BenchmarkParse(b *testing.B) {
	wire := append([]byte(golden1), message(300)...)
	if err := header.PatchLength(wire); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := header.Parse(wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	h, _, err := header.Parse([]byte(golden2))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 0, header.Len)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := header.Append(dst, &h, 300); err != nil {
			b.Fatal(err)
		}
	}
}
