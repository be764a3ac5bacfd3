package tlv

import (
	"errors"
	"testing"
)

func TestParseTag(t *testing.T) {
	tests := []struct {
		in   string
		want Tag
		n    int
		err  Kind
	}{
		{"5A", 0x5A, 1, 0},
		{"5A08", 0x5A, 1, 0},
		{"9F26", 0x9F26, 2, 0},
		{"5F20", 0x5F20, 2, 0},
		{"BF0C", 0xBF0C, 2, 0},
		{"DF8101", 0xDF8101, 3, 0},
		{"9F818101", 0x9F818101, 4, 0},
		{"9F81818101", 0, 0, ErrTagTooLong},
		{"9F", 0, 0, ErrTruncated},
		{"9F81", 0, 0, ErrTruncated},
		{"", 0, 0, ErrTruncated},
		{"00", 0, 0, ErrPadding},
		{"FF", 0, 0, ErrPadding},
		{"9F8001", 0, 0, ErrInvalidTag},
	}
	for _, tt := range tests {
		got, n, err := ParseTag(mustHex(tt.in))
		if tt.err != 0 {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseTag(%s) err = %v, want %v", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want || n != tt.n {
			t.Errorf("ParseTag(%s) = %v, %d, %v; want %v, %d", tt.in, got, n, err, tt.want, tt.n)
		}
	}
}

func TestTagMethods(t *testing.T) {
	tests := []struct {
		tag         Tag
		str         string
		len         int
		constructed bool
		class       Class
	}{
		{0x5A, "5A", 1, false, ClassApplication},
		{0x70, "70", 1, true, ClassApplication},
		{0x9F26, "9F26", 2, false, ClassContext},
		{0xA5, "A5", 1, true, ClassContext},
		{0xBF0C, "BF0C", 2, true, ClassContext},
		{0xDF69, "DF69", 2, false, ClassPrivate},
		{0x04, "04", 1, false, ClassUniversal},
		{0xDF8101, "DF8101", 3, false, ClassPrivate},
		{0x9F818101, "9F818101", 4, false, ClassContext},
	}
	for _, tt := range tests {
		if got := tt.tag.String(); got != tt.str {
			t.Errorf("String(%#x) = %q, want %q", uint32(tt.tag), got, tt.str)
		}
		if got := tt.tag.Len(); got != tt.len {
			t.Errorf("Len(%v) = %d, want %d", tt.tag, got, tt.len)
		}
		if got := tt.tag.Constructed(); got != tt.constructed {
			t.Errorf("Constructed(%v) = %v", tt.tag, got)
		}
		if got := tt.tag.Class(); got != tt.class {
			t.Errorf("Class(%v) = %v, want %v", tt.tag, got, tt.class)
		}
		enc := AppendTag(nil, tt.tag)
		back, n, err := ParseTag(enc)
		if err != nil || back != tt.tag || n != tt.len {
			t.Errorf("ParseTag(AppendTag(%v)) = %v, %d, %v", tt.tag, back, n, err)
		}
	}
}

func TestAppendLength(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "00"}, {0x7F, "7F"}, {0x80, "8180"}, {0xFF, "81FF"},
		{0x100, "820100"}, {0xFFFF, "82FFFF"}, {0x10000, "83010000"},
		{MaxLength, "83FFFFFF"}, {-1, "00"},
	}
	for _, tt := range tests {
		got := AppendLength([]byte{0xAA}, tt.n)
		if want := append([]byte{0xAA}, mustHex(tt.want)...); string(got) != string(want) {
			t.Errorf("AppendLength(%d) = %X, want AA%s", tt.n, got, tt.want)
		}
		if tt.n < 0 {
			continue
		}
		l, k, err := parseLength(got[1:])
		if err != nil || l != tt.n || k != len(got)-1 {
			t.Errorf("parseLength(%X) = %d, %d, %v", got[1:], l, k, err)
		}
	}
}
