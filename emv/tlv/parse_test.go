package tlv

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// shape renders a parsed tree as "tag(children) tag ..." for comparison.
func shape(list []TLV) string {
	var sb strings.Builder
	for i, v := range list {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(v.Tag.String())
		if v.Children != nil {
			sb.WriteString("(" + shape(v.Children) + ")")
		}
	}
	return sb.String()
}

func TestParseRealResponses(t *testing.T) {
	tests := []struct {
		name, in, shape string
	}{
		{"FCI", fciHex, "6F(84 A5(50 87 9F38 5F2D 9F11 9F12 BF0C(9F4D DF4D)))"},
		{"GPO", gpoHex, "77(82 94 9F36 9F26 9F10 9F27 57 5F34 9F6C 9F5D)"},
		{"record", recordHex, "70(57 5F20 9F1F 5A 5F24 5F25 5F28 5F34 8C 8D 8E 9F07 9F0D 9F0E 9F0F 9F08 9F74 9F4A)"},
	}
	for _, tt := range tests {
		in := mustHex(tt.in)
		list, err := ParseWith(in, Options{RejectDuplicates: true})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := shape(list); got != tt.shape {
			t.Errorf("%s shape:\n got %s\nwant %s", tt.name, got, tt.shape)
		}
		if got := Encode(list...); !bytes.Equal(got, in) {
			t.Errorf("%s: Encode(Parse(x)) != x", tt.name)
		}
	}
}

func TestParseValues(t *testing.T) {
	list, err := Parse(mustHex(fciHex))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		tag  Tag
		want string
	}{
		{0x84, "A000000333010101"},
		{0x9F38, "9F7A019F02065F2A02DF6901"},
		{0x50, "50424F43204445424954"}, // "PBOC DEBIT"
		{0x9F4D, "0B0A"},
		{0xDF4D, "0C0A"},
	}
	for _, c := range checks {
		v, ok := Find(list, c.tag)
		if !ok || !bytes.Equal(v.Value, mustHex(c.want)) {
			t.Errorf("Find(%v) = %X, %v; want %s", c.tag, v.Value, ok, c.want)
		}
	}
	if _, ok := Find(list, 0x9F26); ok {
		t.Error("Find found an absent tag")
	}
	a5, _ := Find(list, 0xA5)
	if len(a5.Value) != 0x43 || len(a5.Children) != 7 {
		t.Errorf("A5: %d value bytes, %d children", len(a5.Value), len(a5.Children))
	}
}

func TestNewConstructedMatchesCardEncoding(t *testing.T) {
	fci := NewConstructed(0x6F,
		New(0x84, mustHex("A000000333010101")),
		NewConstructed(0xA5,
			New(0x50, []byte("PBOC DEBIT")),
			New(0x87, []byte{0x01}),
			New(0x9F38, mustHex("9F7A019F02065F2A02DF6901")),
			New(0x5F2D, []byte("zhen")),
			New(0x9F11, []byte{0x01}),
			New(0x9F12, []byte("PBOC DEBIT")),
			NewConstructed(0xBF0C, New(0x9F4D, mustHex("0B0A")), New(0xDF4D, mustHex("0C0A"))),
		),
	)
	if got := AppendTLV(nil, fci); !bytes.Equal(got, mustHex(fciHex)) {
		t.Errorf("encoding:\n got %X\nwant %s", got, fciHex)
	}
	if EncodedLen(fci) != len(fciHex)/2 {
		t.Errorf("EncodedLen = %d", EncodedLen(fci))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opt  Options
		kind Kind
		off  int
		tag  Tag
	}{
		{"indefinite length", "5A80", Options{}, ErrIndefiniteLength, 0, 0x5A},
		{"4-byte length", "5A8400000001", Options{}, ErrLengthTooLong, 0, 0x5A},
		{"truncated length", "9F3682", Options{}, ErrTruncated, 0, 0x9F36},
		{"overrun", "9F36030001", Options{}, ErrOverrun, 0, 0x9F36},
		{"long form overrun", "5A8201000102", Options{}, ErrOverrun, 0, 0x5A},
		{"child overruns template", "70045A030102", Options{}, ErrOverrun, 2, 0x5A},
		{"child overruns template, lenient", "70045A030102", Options{Lenient: true}, ErrOverrun, 2, 0x5A},
		{"trailing tag byte", "9F360200019F", Options{}, ErrTruncated, 5, 0},
		{"strict padding between", "5A0101005F340101", Options{}, ErrPadding, 3, 0},
		{"strict FF padding", "FF5A0101", Options{}, ErrPadding, 0, 0},
		{"strict padding inside", "7004005A0101", Options{}, ErrPadding, 2, 0},
		{"duplicate", "5A01015F3401015A0102", Options{RejectDuplicates: true}, ErrDuplicate, 7, 0x5A},
		{"duplicate in template", "70065A01015A0102", Options{RejectDuplicates: true}, ErrDuplicate, 5, 0x5A},
		{"depth", "70027000", Options{MaxDepth: 1}, ErrDepth, 0, 0x70},
		{"garbage tag lenient", "5A01019F8001", Options{Lenient: true}, ErrInvalidTag, 3, 0},
		{"garbage length lenient", "5A0101" + "5F3480", Options{Lenient: true}, ErrIndefiniteLength, 3, 0x5F34},
	}
	for _, tt := range tests {
		list, err := ParseWith(mustHex(tt.in), tt.opt)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v (list %v), want *Error", tt.name, err, list)
			continue
		}
		if !errors.Is(err, tt.kind) || e.Offset != tt.off || e.Tag != tt.tag || e.HasTag != (tt.tag != 0) {
			t.Errorf("%s: got %v {%v off %d tag %v}, want %v off %d tag %v",
				tt.name, err, e.Kind, e.Offset, e.Tag, tt.kind, tt.off, tt.tag)
		}
		if list != nil {
			t.Errorf("%s: list not nil on error", tt.name)
		}
	}
}

func TestLenient(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		shape    string
		consumed int
	}{
		{"padding before, between, after", "00005A0101FF005F34010100FF", "5A 5F34", 13},
		{"padding inside a template", "7007005A0101FF00005F340101", "70(5A) 5F34", 13},
		{"truncated trailing object", "5A01019F3603", "5A", 3},
		{"trailing lone tag byte", "5A01019F", "5A", 3},
		{"trailing long length", "5A01015A82", "5A", 3},
		{"only padding", "0000FFFF", "", 4},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		list, n, err := ParsePrefix(mustHex(tt.in), Options{Lenient: true})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := shape(list); got != tt.shape || n != tt.consumed {
			t.Errorf("%s: shape %q consumed %d, want %q %d", tt.name, got, n, tt.shape, tt.consumed)
		}
	}
}

func TestDepthBound(t *testing.T) {
	// Ten nested '70' templates around a '5A'.
	in := AppendTLV(nil, New(0x5A, []byte{1}))
	for range 10 {
		in = AppendTLV(nil, New(0x70, in))
	}
	if _, err := ParseWith(in, Options{MaxDepth: 11}); err != nil {
		t.Errorf("depth 11: %v", err)
	}
	if _, err := ParseWith(in, Options{MaxDepth: 10}); !errors.Is(err, ErrDepth) {
		t.Errorf("depth 10: err = %v, want ErrDepth", err)
	}
	if _, err := Parse(in); !errors.Is(err, ErrDepth) {
		t.Errorf("default depth %d: err = %v, want ErrDepth", DefaultMaxDepth, err)
	}
}

func TestEmptyConstructedHasNonNilChildren(t *testing.T) {
	list, err := Parse(mustHex("70005A00"))
	if err != nil {
		t.Fatal(err)
	}
	if list[0].Children == nil || len(list[0].Children) != 0 || list[1].Children != nil {
		t.Errorf("children: %#v", list)
	}
}

func TestDuplicatesHelper(t *testing.T) {
	list, err := Parse(mustHex("5A01015F34010170085A01019F36020001" + "5A01025F3401019F3602000A"))
	if err != nil {
		t.Fatal(err)
	}
	got := Duplicates(list)
	if len(got) != 2 || got[0] != 0x5A || got[1] != 0x5F34 {
		t.Errorf("Duplicates = %v, want [5A 5F34]", got)
	}
	if d := Duplicates(list[2].Children); d != nil {
		t.Errorf("Duplicates(70) = %v, want none", d)
	}
	all := FindAll(list, 0x5A)
	if len(all) != 3 || all[0].Value[0] != 1 || all[1].Value[0] != 1 || all[2].Value[0] != 2 {
		t.Errorf("FindAll(5A) = %v", all)
	}
}

func TestValueAliasesInputWithCappedCapacity(t *testing.T) {
	in := mustHex("5A0201025F340101")
	list, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	v := list[0].Value
	if &v[0] != &in[2] || cap(v) != 2 {
		t.Fatalf("Value does not alias the input with capped capacity (cap %d)", cap(v))
	}
	_ = append(v, 0xEE)
	if in[4] != 0x5F {
		t.Error("append to a Value overwrote the input")
	}
}

func TestErrorCarriesNoValueBytes(t *testing.T) {
	// A '5A' holding a PAN inside a template whose length overruns.
	in := mustHex("700C5A08621234567890123401")
	_, err := Parse(in)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, leak := range []string{"6212", "62123456", "1234"} {
		if strings.Contains(strings.ToUpper(msg), leak) {
			t.Errorf("error %q contains value bytes %s", msg, leak)
		}
	}
	if want := "tlv: value overruns its container (tag 70) at offset 0"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
}

func TestEncodeLongForms(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536} {
		v := bytes.Repeat([]byte{0xA5}, n)
		enc := AppendTLV(nil, New(0xDF8101, v))
		if len(enc) != EncodedLen(New(0xDF8101, v)) {
			t.Errorf("n=%d: EncodedLen mismatch", n)
		}
		list, err := Parse(enc)
		if err != nil || len(list) != 1 || list[0].Tag != 0xDF8101 || !bytes.Equal(list[0].Value, v) {
			t.Errorf("n=%d: round trip failed: %v", n, err)
		}
	}
}

func TestNonMinimalLengthAccepted(t *testing.T) {
	list, err := Parse(mustHex("5A8102ABCD9F3682000101"))
	if err != nil || shape(list) != "5A 9F36" || len(list[1].Value) != 1 {
		t.Errorf("got %v, %v", list, err)
	}
}
