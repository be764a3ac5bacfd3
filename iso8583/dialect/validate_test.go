package dialect

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bitmapFor builds a binary bitmap (primary, plus secondary when a field
// above 64 is named) with the given bits set.
func bitmapFor(fields ...int) string {
	size := 8
	for _, n := range fields {
		if n > 64 {
			size = 16
		}
	}
	bm := make([]byte, size)
	if size == 16 {
		bm[0] |= 0x80
	}
	for _, n := range fields {
		bm[(n-1)/8] |= 0x80 >> ((n - 1) % 8)
	}
	return string(bm)
}

func TestUnpackRejects(t *testing.T) {
	const mtiA, mtiB = "0200", "\x02\x00"
	zero8 := strings.Repeat("\x00", 8)
	tests := []struct {
		name    string
		dialect string
		data    string
		field   int
		want    error
	}{
		{"empty", "hl87a", "", 0, ErrTruncated},
		{"short MTI", "hl87a", "020", 0, ErrTruncated},
		{"MTI not digits", "hl87a", "02A0" + bitmapFor(11) + "000001", 0, ErrSyntax},
		{"BCD MTI nibble", "hl87b", "\x0a\x00" + bitmapFor(11) + "\x00\x00\x01", 0, ErrSyntax},
		{"no bitmap", "hl87a", mtiA, 1, ErrTruncated},
		{"short bitmap", "hl87a", mtiA + "\x20\x00", 1, ErrTruncated},
		{"short secondary", "hl87a", mtiA + "\x80" + zero8[:7] + "\x00\x00", 1, ErrTruncated},
		{"bit 65", "hl87a", mtiA + "\x80" + zero8[:7] + "\x80" + zero8[:7], 65, ErrUnknownField},
		{"field not in spec", "hl87a", mtiA + bitmapFor(5) + "000000012345", 5, ErrUnknownField},
		{"field 1 secondary, 67 unknown", "hl87a", mtiA + bitmapFor(67), 67, ErrUnknownField},
		{"fixed truncated", "hl87a", mtiA + bitmapFor(3) + "00000", 3, ErrTruncated},
		{"LL prefix truncated", "hl87a", mtiA + bitmapFor(2) + "1", 2, ErrTruncated},
		{"LL prefix not digits", "hl87a", mtiA + bitmapFor(2) + "1A62220200000000001", 2, ErrLength},
		{"LL over max", "hl87a", mtiA + bitmapFor(2) + "20" + strings.Repeat("6", 20), 2, ErrLength},
		{"LLL over max", "hl87a", mtiA + bitmapFor(55) + "256" + strings.Repeat("\x9f", 256), 55, ErrLength},
		{"var value truncated", "hl87a", mtiA + bitmapFor(2) + "19622202", 2, ErrTruncated},
		{"n not digits", "hl87a", mtiA + bitmapFor(3) + "00A000", 3, ErrSyntax},
		{"n var not digits", "hl87a", mtiA + bitmapFor(32) + "0401 2", 32, ErrSyntax},
		{"z bad char", "hl87a", mtiA + bitmapFor(35) + "0512=3X", 35, ErrSyntax},
		{"an punctuation", "hl87a", mtiA + bitmapFor(39) + "0!", 39, ErrSyntax},
		{"ans control", "hl87a", mtiA + bitmapFor(41) + "TERM\x0a001", 41, ErrSyntax},
		{"ans DEL", "hl87a", mtiA + bitmapFor(41) + "TERM\x7f001", 41, ErrSyntax},
		{"trailing data", "hl87a", mtiA + bitmapFor(11) + "000001" + "X", 11, ErrTrailingData},
		{"trailing after bitmap", "hl87a", mtiA + zero8 + "X", 1, ErrTrailingData},
		{"BCD nibble A", "hl87b", mtiB + bitmapFor(3) + "\x0a\x00\x00", 3, ErrSyntax},
		{"BCD pad nibble not 0", "hl87b", mtiB + bitmapFor(22) + "\x10\x51", 22, ErrSyntax},
		{"BCD truncated", "hl87b", mtiB + bitmapFor(4) + "\x00\x00\x00", 4, ErrTruncated},
		{"BCD LL nibble", "hl87b", mtiB + bitmapFor(2) + "\x1a" + strings.Repeat("\x11", 10), 2, ErrLength},
		{"BCD LLL pad nibble", "hl87b", mtiB + bitmapFor(55) + "\x10\x04\x9f\x27\x01\x80", 55, ErrLength},
		{"BCD LLL over max", "hl87b", mtiB + bitmapFor(55) + "\x02\x56" + strings.Repeat("\x9f", 256), 55, ErrLength},
		{"z BCD nibble E", "hl87b", mtiB + bitmapFor(35) + "\x04\x12\xe3", 35, ErrSyntax},
		{"z BCD pad nibble", "hl87b", mtiB + bitmapFor(35) + "\x03\x51\x2d", 35, ErrSyntax},
		{"n var BCD pad", "hl87b", mtiB + bitmapFor(32) + "\x03\x40\x12", 32, ErrSyntax},
		{"an in hl87b", "hl87b", mtiB + bitmapFor(39) + "0_", 39, ErrSyntax},
		{"trailing hl87b", "hl87b", mtiB + bitmapFor(11) + "\x00\x00\x01\x00", 11, ErrTrailingData},
		{"too long", "hl87a", mtiA + bitmapFor(48) + strings.Repeat("0", MaxMessageLen), 0, ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDialect(t, tt.dialect)
			var m Message
			err := d.Unpack([]byte(tt.data), &m)
			require.ErrorIs(t, err, tt.want)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
}

func TestUnpackAccepts(t *testing.T) {
	tests := []struct {
		name, dialect, data string
		field               int
		want                string
	}{
		{"ans high bytes (GBK name)", "hl87a", "0200" + bitmapFor(43) + "\xc9\xcf\xba\xa3" + strings.Repeat(" ", 36), 43, "\xc9\xcf\xba\xa3" + strings.Repeat(" ", 36)},
		{"z with D", "hl87a", "0200" + bitmapFor(35) + "0512D34", 35, "12D34"},
		{"empty LLVAR", "hl87a", "0200" + bitmapFor(2) + "00", 2, ""},
		{"an space", "hl87a", "0200" + bitmapFor(38) + "AB 12z", 38, "AB 12z"},
		{"BCD odd n", "hl87b", "\x02\x00" + bitmapFor(22) + "\x00\x51", 22, "051"},
		{"BCD z separator", "hl87b", "\x02\x00" + bitmapFor(35) + "\x05\x01\x2d\x34", 35, "12=34"},
		{"secondary empty", "hl87a", "0200" + bitmapFor(1, 11) + strings.Repeat("\x00", 8) + "000001", 11, "000001"},
	}
	for _, tt := range tests {
		d := mustDialect(t, tt.dialect)
		var m Message
		require.NoError(t, d.Unpack([]byte(tt.data), &m), tt.name)
		assert.Equal(t, tt.want, string(m.Field(tt.field)), tt.name)
		assert.NotNil(t, m.Field(tt.field), tt.name)
	}
}

func TestUnpackSkipsValueWithBadCharacters(t *testing.T) {
	d := mustDialect(t, "hl87a")
	// Pack refuses a control character, so corrupt packed bytes instead.
	data, err := d.Pack(nil, typical0200())
	require.NoError(t, err)
	i := strings.Index(string(data), "TERM0001")
	require.Positive(t, i)
	data[i+4] = 0x01

	var m Message
	err = d.Unpack(data, &m)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 41, fe.Field)
	assert.Equal(t, "0200", string(m.MTI()))
	assert.Equal(t, "000123", string(m.Field(11)))
	assert.Equal(t, "0615103000", string(m.Field(7)))
	assert.True(t, m.Has(37))
	assert.False(t, m.Has(41), "the failing field is not stored")
	assert.True(t, m.Has(42), "decoding goes on after a value whose length was readable")
	assert.NotContains(t, err.Error(), "TERM")
}

func TestUnpackStopsAtStructuralError(t *testing.T) {
	d := mustDialect(t, "hl87a")
	m := typical0200()
	m.Unset(2)
	m.Unset(35)
	data, err := d.Pack(nil, m)
	require.NoError(t, err)
	// Field 4 bad first, then field 32's LL prefix broken: the first error is
	// reported and nothing after the broken prefix is decoded.
	i := strings.Index(string(data), "000000012345")
	require.Positive(t, i)
	data[i] = 'A'
	j := strings.Index(string(data), "0801020000")
	require.Positive(t, j)
	data[j] = 'X'

	var got Message
	err = d.Unpack(data, &got)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 4, fe.Field, "the first error is returned")
	assert.True(t, got.Has(11))
	assert.False(t, got.Has(4))
	assert.False(t, got.Has(32))
	assert.False(t, got.Has(41), "nothing after a broken length prefix")
}

func TestPackRejects(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Message)
		field int
		want  error
	}{
		{"no MTI", func(m *Message) { m.hasMTI = false }, 0, ErrMissing},
		{"field not in spec", func(m *Message) { m.SetString(5, "000000000001") }, 5, ErrUnknownField},
		{"field 65", func(m *Message) { m.SetString(65, "x") }, 65, ErrUnknownField},
		{"fixed n too long", func(m *Message) { m.SetString(3, "0000000") }, 3, ErrLength},
		{"fixed ans too long", func(m *Message) { m.SetString(41, "TERM00001") }, 41, ErrLength},
		{"fixed b short", func(m *Message) { m.SetString(52, "1234567") }, 52, ErrLength},
		{"fixed b long", func(m *Message) { m.SetString(128, "123456789") }, 128, ErrLength},
		{"var n too long", func(m *Message) { m.SetString(2, strings.Repeat("6", 20)) }, 2, ErrLength},
		{"var b too long", func(m *Message) { m.SetString(55, strings.Repeat("\x9f", 256)) }, 55, ErrLength},
		{"n not digits", func(m *Message) { m.SetString(4, "00000001234a") }, 4, ErrSyntax},
		{"var n not digits", func(m *Message) { m.SetString(2, "622202000000000012X") }, 2, ErrSyntax},
		{"z bad char", func(m *Message) { m.SetString(35, "6222=2912X") }, 35, ErrSyntax},
		{"an bad char", func(m *Message) { m.SetString(39, "0_") }, 39, ErrSyntax},
		{"ans control", func(m *Message) { m.SetString(43, "SHOP\n") }, 43, ErrSyntax},
	}
	for _, name := range []string{"hl87a", "hl87b"} {
		d := mustDialect(t, name)
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				m := typical0200()
				tt.edit(m)
				dst := []byte("keep")
				out, err := d.Pack(dst, m)
				require.ErrorIs(t, err, tt.want)
				var fe *FieldError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.field, fe.Field)
				assert.Equal(t, "keep", string(out), "dst unchanged on error")
				assert.NotContains(t, err.Error(), "6222", "no value in the error")
			})
		}
	}
}

func TestPackPadsShortFixedValues(t *testing.T) {
	tests := []struct {
		field    int
		in, want string
	}{
		{4, "12345", "000000012345"},      // n: left '0'
		{11, "7", "000007"},               // n: left '0'
		{22, "51", "051"},                 // n3, odd BCD
		{41, "T1", "T1      "},            // ans: right space
		{39, "0", "0 "},                   // an: right space
		{2, "62220200001", "62220200001"}, // variable: never padded
	}
	for _, name := range []string{"hl87a", "hl87b"} {
		d := mustDialect(t, name)
		for _, tt := range tests {
			var m Message
			require.NoError(t, m.SetMTI([]byte("0200")))
			m.SetString(tt.field, tt.in)
			data, err := d.Pack(nil, &m)
			require.NoError(t, err, "%s field %d", name, tt.field)
			var back Message
			require.NoError(t, d.Unpack(data, &back))
			assert.Equal(t, tt.want, string(back.Field(tt.field)), "%s field %d", name, tt.field)
		}
	}
}
