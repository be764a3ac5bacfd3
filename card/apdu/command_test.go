package apdu

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Encodings follow ISO/IEC 7816-3:2006 12.1.3 (cases 1, 2S, 3S, 4S, 2E, 3E,
// 4E); the SELECT of the Visa AID is the EMV Book 1 11.3 example shape.
func TestCommandEncodeParse(t *testing.T) {
	aid := unhex(t, "A0000000031010")
	big := bytes.Repeat([]byte{0xAB}, 300)
	tests := []struct {
		name string
		cmd  Command
		enc  string
		cas  int
	}{
		{"case 1", Command{CLA: 0x00, INS: 0x70, Le: -1}, "00700000", 1},
		{"case 2S", Command{CLA: 0x00, INS: 0xB2, P1: 1, P2: 0x0C, Le: 256}, "00B2010C00", 2},
		{"case 2S Le 16", Command{CLA: 0x80, INS: 0xCA, P1: 0x9F, P2: 0x36, Le: 16}, "80CA9F3610", 2},
		{"case 3S", Command{CLA: 0x00, INS: 0x20, P2: 0x80, Data: unhex(t, "2412345FFFFFFFFF"), Le: -1}, "0020008008 2412345FFFFFFFFF", 3},
		{"case 4S select", Command{CLA: 0x00, INS: 0xA4, P1: 0x04, Data: aid, Le: 256}, "00A4040007 A0000000031010 00", 4},
		{"case 2E", Command{INS: 0xB0, Le: 257}, "00B00000 000101", 2},
		{"case 2E 65536", Command{INS: 0xB0, Le: 65536}, "00B00000 000000", 2},
		{"case 2E forced", Command{INS: 0xB0, Le: 5, Extended: true}, "00B00000 000005", 2},
		{"case 3E", Command{INS: 0xD6, Data: big, Le: -1}, "00D60000 00012C" + strings.Repeat("AB", 300), 3},
		{"case 4E", Command{INS: 0x2A, Data: big, Le: 65536}, "002A0000 00012C" + strings.Repeat("AB", 300) + "0000", 4},
		{"case 4E forced", Command{INS: 0x88, Data: aid, Le: 256, Extended: true}, "00880000 000007 A0000000031010 0100", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := unhex(t, tt.enc)
			got, err := tt.cmd.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Encode = %X, want %X", got, want)
			}
			if c := tt.cmd.Case(); c != tt.cas {
				t.Errorf("Case = %d, want %d", c, tt.cas)
			}
			back, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.CLA != tt.cmd.CLA || back.INS != tt.cmd.INS || back.P1 != tt.cmd.P1 || back.P2 != tt.cmd.P2 ||
				!bytes.Equal(back.Data, tt.cmd.Data) || back.Le != tt.cmd.Le || back.IsExtended() != tt.cmd.IsExtended() {
				t.Errorf("Parse = %+v, want %+v", back, tt.cmd)
			}
		})
	}
}

func TestCommandLeZeroMeansAbsent(t *testing.T) {
	got, err := Command{INS: 0x70}.Encode()
	if err != nil || !bytes.Equal(got, []byte{0, 0x70, 0, 0}) {
		t.Fatalf("Encode = %X, %v", got, err)
	}
}

func TestCommandEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		want error
	}{
		{"data too long", Command{Data: make([]byte, 65536), Le: -1}, ErrData},
		{"Le too big", Command{Le: 65537}, ErrLe},
		{"Le negative", Command{Le: -2}, ErrLe},
	}
	for _, tt := range tests {
		if _, err := tt.cmd.Encode(); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrShort},
		{"00A404", ErrShort},
		{"00A4040007A0", ErrLength},            // Lc 7, 1 byte
		{"00A4040002A0000000", ErrLength},      // Lc 2, 4 bytes
		{"00A4040000 00", ErrLength},           // extended marker cut short
		{"00A4040000 0000 00", ErrLength},      // extended Lc 0 with body
		{"00A4040000 0002 A0", ErrLength},      // extended Lc 2, 1 byte
		{"00A4040000 0002 A0A1 00", ErrLength}, // one Le byte after extended data
	}
	for _, tt := range tests {
		if _, err := Parse(unhex(t, tt.in)); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%s) err = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestCommandString(t *testing.T) {
	c := Command{INS: 0xA4, P1: 4, Data: []byte{0xA0, 0x01}, Le: 256}
	if got, want := c.String(), "00A40400 Lc=2 A001 Le=256"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// FuzzParse: Parse never panics, and whatever it accepts re-encodes to the
// same bytes (the encoding of a given case and length form is unique).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"00A404000EA0000003330101010203040506 00",      // PBOC SELECT (quick-pass AID shape)
		"00A404000E315041592E5359532E4444463031 00",    // SELECT 1PAY.SYS.DDF01 (EMV Book 1 12.3.2)
		"80A8000002830000",                             // GET PROCESSING OPTIONS, empty PDOL
		"00B2010C00",                                   // READ RECORD
		"80AE80001D" + strings.Repeat("00", 29) + "00", // GENERATE AC
		"00700000",
		"00B00000000101",
		"002A0000000003AABBCC0000",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		enc, err := c.Encode()
		if err != nil {
			t.Fatalf("Parse(%X) = %+v does not encode: %v", b, c, err)
		}
		if !bytes.Equal(enc, b) {
			t.Fatalf("Parse(%X) re-encodes as %X", b, enc)
		}
	})
}
