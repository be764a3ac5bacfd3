package dol

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The DOLs below are those of a PBOC debit card: the PDOL asks for the EC
// terminal support indicator, the amount, the currency and the SM
// indicator (emv-pboc-facts.md); CDOL1 is the usual PBOC CDOL1.
const (
	pdolHex  = "9F7A019F02065F2A02DF6901"
	cdol1Hex = "9F02069F03069F1A0295055F2A029A039C019F37049F21039F4E14"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want DOL
		len  int
	}{
		{pdolHex, DOL{{0x9F7A, 1}, {0x9F02, 6}, {0x5F2A, 2}, {0xDF69, 1}}, 10},
		{cdol1Hex, DOL{{0x9F02, 6}, {0x9F03, 6}, {0x9F1A, 2}, {0x95, 5}, {0x5F2A, 2},
			{0x9A, 3}, {0x9C, 1}, {0x9F37, 4}, {0x9F21, 3}, {0x9F4E, 0x14}}, 52},
		{"9F3704", DOL{{0x9F37, 4}}, 4},           // DDOL
		{"DF810181", DOL{{0xDF8101, 0x81}}, 0x81}, // length byte >= 0x80 is a plain length
		{"", nil, 0},
	}
	for _, tt := range tests {
		d, err := Parse(mustHex(t, tt.in))
		if err != nil || !slices.Equal(d, tt.want) || d.Len() != tt.len {
			t.Errorf("Parse(%s) = %v (len %d), %v; want %v (len %d)", tt.in, d, d.Len(), err, tt.want, tt.len)
			continue
		}
		if enc := d.Append(nil); !bytes.Equal(enc, mustHex(t, tt.in)) {
			t.Errorf("Append(Parse(%s)) = %X", tt.in, enc)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		off  int
	}{
		{"9F02", ErrTruncated, 0},
		{"9F02069F37", ErrTruncated, 3},
		{"9F0206" + "9F", ErrTag, 3},
		{"9F020600", ErrTag, 3},
		{"9F02069F81818101", ErrTag, 3},
		{"9F0206" + hex.EncodeToString(make([]byte, 253)), ErrTooLong, MaxLen},
	}
	for _, tt := range tests {
		_, err := Parse(mustHex(t, tt.in))
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Offset != tt.off {
			t.Errorf("Parse(%.20s...) = %v, want %v at %d", tt.in, err, tt.kind, tt.off)
		}
	}
	_, err := Parse(mustHex(t, "9F020600"))
	if !errors.Is(err, tlv.ErrPadding) {
		t.Errorf("tag error does not wrap the tlv error: %v", err)
	}
}

func lookupFrom(t *testing.T, m map[tlv.Tag]string) func(tlv.Tag) ([]byte, bool) {
	return func(tag tlv.Tag) ([]byte, bool) {
		s, ok := m[tag]
		if !ok {
			return nil, false
		}
		return mustHex(t, s), true
	}
}

// TestBuild follows EMV 4.4 Book 3 section 5.4: n right-justified (pad and
// truncate on the left), cn left-justified padded with 'FF', other formats
// left-justified padded with '00' and truncated on the right; zeros for
// absent and constructed data objects.
func TestBuild(t *testing.T) {
	terminal := map[tlv.Tag]string{
		0x9F7A: "01",
		0x9F02: "000000001000",
		0x9F03: "000000000000",
		0x9F1A: "0156",
		0x95:   "0000000000",
		0x5F2A: "0156",
		0x9A:   "260314",
		0x9C:   "00",
		0x9F37: "A1B2C3D4",
		0x9F21: "101530",
		0x9F4E: hex.EncodeToString([]byte("HULIAN TEST SHOP")), // 16 bytes, ans
		0xDF69: "01",
		0x5A:   "6212345678901234", // cn
		0x9F1C: "3132333435363738", // an 8
		0x70:   "5A0101",           // constructed: never sent
		0xDF7F: "AABBCC",           // not in the dictionary: treated as b
	}
	tests := []struct {
		name string
		dol  DOL
		want string
	}{
		{"PBOC PDOL", DOL{{0x9F7A, 1}, {0x9F02, 6}, {0x5F2A, 2}, {0xDF69, 1}}, "01" + "000000001000" + "0156" + "01"},
		{"CDOL1", mustParse(t, cdol1Hex),
			"000000001000" + "000000000000" + "0156" + "0000000000" + "0156" + "260314" + "00" + "A1B2C3D4" + "101530" +
				hex.EncodeToString([]byte("HULIAN TEST SHOP")) + "00000000"},
		{"n padded left", DOL{{0x9F02, 8}}, "0000000000001000"},
		{"n truncated left", DOL{{0x9F02, 4}}, "00001000"},
		{"cn padded FF", DOL{{0x5A, 10}}, "6212345678901234FFFF"},
		{"cn truncated right", DOL{{0x5A, 4}}, "62123456"},
		{"b padded right", DOL{{0x9F37, 6}}, "A1B2C3D40000"},
		{"b truncated right", DOL{{0x9F37, 2}}, "A1B2"},
		{"an padded right", DOL{{0x9F1C, 10}}, "31323334353637380000"},
		{"an truncated right", DOL{{0x9F1C, 3}}, "313233"},
		{"absent tag", DOL{{0x9F66, 4}, {0x9C, 1}}, "00000000" + "00"},
		{"constructed tag", DOL{{0x70, 3}}, "000000"},
		{"unknown to the dictionary", DOL{{0xDF7F, 4}, {0xDF7F, 2}}, "AABBCC00" + "AABB"},
		{"zero length", DOL{{0x9F02, 0}, {0x9C, 1}}, "00"},
		{"empty", nil, ""},
	}
	lookup := lookupFrom(t, terminal)
	for _, tt := range tests {
		got := tt.dol.Build(lookup)
		if !bytes.Equal(got, mustHex(t, tt.want)) {
			t.Errorf("%s: Build = %X, want %s", tt.name, got, tt.want)
		}
		if len(got) != tt.dol.Len() {
			t.Errorf("%s: len %d != Len() %d", tt.name, len(got), tt.dol.Len())
		}
	}
	pre := []byte{0x83, 0x0A}
	if got := mustParse(t, pdolHex).AppendBuild(pre, lookup); !bytes.Equal(got, mustHex(t, "830A01000000001000015601")) {
		t.Errorf("AppendBuild = %X", got)
	}
}

func mustParse(t *testing.T, s string) DOL {
	t.Helper()
	d, err := Parse(mustHex(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSplit(t *testing.T) {
	d := mustParse(t, pdolHex+"9F7A02")
	data := mustHex(t, "01"+"000000001000"+"0156"+"01"+"0203")
	m, err := d.Split(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[tlv.Tag]string{0x9F7A: "01", 0x9F02: "000000001000", 0x5F2A: "0156", 0xDF69: "01"}
	if len(m) != len(want) {
		t.Errorf("Split: %d values, want %d", len(m), len(want))
	}
	for tag, v := range want {
		if !bytes.Equal(m[tag], mustHex(t, v)) {
			t.Errorf("Split[%v] = %X, want %s", tag, m[tag], v)
		}
	}
	if cap(m[0x9F02]) != 6 {
		t.Errorf("Split value capacity %d not capped", cap(m[0x9F02]))
	}
	for _, n := range []int{0, 11, 13} {
		if _, err := d.Split(make([]byte, n)); !errors.Is(err, ErrDataLength) {
			t.Errorf("Split(%d bytes) err = %v", n, err)
		}
	}
}

// TestBuildSplitRoundTrip: what the terminal builds, the card splits back.
func TestBuildSplitRoundTrip(t *testing.T) {
	d := mustParse(t, cdol1Hex)
	vals := map[tlv.Tag]string{0x9F02: "000000001000", 0x9F37: "01020304", 0x9A: "260314"}
	m, err := d.Split(d.Build(lookupFrom(t, vals)))
	if err != nil {
		t.Fatal(err)
	}
	for tag, v := range vals {
		if !bytes.Equal(m[tag], mustHex(t, v)) {
			t.Errorf("%v: %X, want %s", tag, m[tag], v)
		}
	}
	if !bytes.Equal(m[0x95], make([]byte, 5)) {
		t.Errorf("absent 95 = %X", m[0x95])
	}
}

// FuzzParse: no panic; a parsed DOL re-encodes to the input, and Build
// output always has Len() bytes and splits back.
func FuzzParse(f *testing.F) {
	for _, s := range []string{pdolHex, cdol1Hex, "9F3704", "9F02", "9F81818101", "9F020600", ""} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Parse(in)
		if err != nil {
			return
		}
		if !bytes.Equal(d.Append(nil), in) {
			t.Fatalf("Append(Parse(x)) != x")
		}
		data := d.Build(func(tlv.Tag) ([]byte, bool) { return []byte{1, 2, 3}, true })
		if len(data) != d.Len() {
			t.Fatalf("Build gave %d bytes, Len %d", len(data), d.Len())
		}
		if _, err := d.Split(data); err != nil {
			t.Fatal(err)
		}
	})
}
