package apdu

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// Meanings per ISO/IEC 7816-4:2013 table 5-6 and EMV Book 3 annex (status
// words used by EMV commands).
func TestSWString(t *testing.T) {
	tests := []struct {
		sw   SW
		want string
	}{
		{0x9000, "9000 success"},
		{0x6110, "6110 16 more bytes available (GET RESPONSE)"},
		{0x6100, "6100 256 more bytes available (GET RESPONSE)"},
		{0x6C08, "6C08 wrong Le: 8 bytes available"},
		{0x6283, "6283 warning: selected file invalidated (blocked)"},
		{0x63C2, "63C2 verification failed, 2 tries left"},
		{0x6700, "6700 wrong length"},
		{0x6982, "6982 security status not satisfied"},
		{0x6983, "6983 authentication method blocked"},
		{0x6985, "6985 conditions of use not satisfied"},
		{0x6A82, "6A82 file or application not found"},
		{0x6A83, "6A83 record not found"},
		{0x6A86, "6A86 incorrect parameters P1-P2"},
		{0x6A88, "6A88 referenced data not found"},
		{0x6D00, "6D00 instruction code not supported or invalid"},
		{0x6E00, "6E00 class not supported"},
		{0x1234, "1234 unknown status"},
	}
	for _, tt := range tests {
		if got := tt.sw.String(); got != tt.want {
			t.Errorf("SW(%04X).String() = %q, want %q", uint16(tt.sw), got, tt.want)
		}
	}
}

func TestSWParts(t *testing.T) {
	sw := SW(0x6C1A)
	if sw.SW1() != 0x6C || sw.SW2() != 0x1A || !sw.WrongLe() || sw.MoreData() || sw.Available() != 26 || sw.OK() {
		t.Errorf("SW 6C1A parts wrong")
	}
	if !SW(0x9000).OK() || !SW(0x6283).Warning() || SW(0x6A82).Warning() || SW(0x6A82).Available() != 0 {
		t.Errorf("OK/Warning wrong")
	}
}

func TestResponse(t *testing.T) {
	r, err := ParseResponse([]byte{0x6F, 0x00, 0x6A, 0x82})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Data, []byte{0x6F, 0x00}) || r.SW != SWFileNotFound {
		t.Fatalf("ParseResponse = %+v", r)
	}
	if !bytes.Equal(r.Bytes(), []byte{0x6F, 0x00, 0x6A, 0x82}) {
		t.Errorf("Bytes = %X", r.Bytes())
	}
	err = fmt.Errorf("select: %w", r.Err())
	if !errors.Is(err, SWFileNotFound) || errors.Is(err, SWOK) {
		t.Errorf("errors.Is on %v wrong", err)
	}
	var sw SW
	if !errors.As(err, &sw) || sw != 0x6A82 {
		t.Errorf("errors.As = %v", sw)
	}
	if (Response{SW: SWOK}).Err() != nil {
		t.Error("9000 gives an error")
	}
	if _, err := ParseResponse([]byte{0x90}); !errors.Is(err, ErrShort) {
		t.Errorf("short response err = %v", err)
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Add([]byte{0x6F, 0x03, 0x84, 0x01, 0xA0, 0x90, 0x00})
	f.Add([]byte{0x61, 0x10})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("round trip %X -> %X", b, r.Bytes())
		}
		_ = r.SW.String()
	})
}
