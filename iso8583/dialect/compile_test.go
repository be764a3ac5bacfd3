package dialect

import (
	"testing"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/encoding"
	"github.com/moov-io/iso8583/field"
	"github.com/moov-io/iso8583/padding"
	"github.com/moov-io/iso8583/prefix"
	"github.com/moov-io/iso8583/sort"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltin(t *testing.T) {
	for _, tt := range []struct {
		name, framing string
		pinBlock      int
	}{{"hl87a", "ascii4", 8}, {"hl87b", "binary2", 8}, {"hl87a-sm", "ascii4", 16}, {"hl87b-sm", "binary2", 16}} {
		d, err := Builtin(tt.name)
		require.NoError(t, err)
		assert.Equal(t, tt.name, d.Name())
		assert.Equal(t, tt.framing, d.DefaultFraming())
		assert.Equal(t, tt.name, d.Spec().Name)
		assert.Len(t, d.Spec().Fields, 40) // MTI, bitmap, 38 data elements
		assert.Equal(t, tt.pinBlock, d.Spec().Fields[52].Spec().Length, "field 52")
		assert.Equal(t, 8, d.Spec().Fields[64].Spec().Length, "field 64")
	}
	_, err := Builtin("hl87c")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hl87c")
	assert.NotSame(t, HL87ASpec(), HL87ASpec(), "fresh spec values")
}

func TestCompileRejects(t *testing.T) {
	str := func(n int, pref prefix.Prefixer) field.Field {
		return field.NewString(&field.Spec{Length: n, Enc: encoding.ASCII, Pref: pref})
	}
	tests := []struct {
		name string
		edit func(s *iso8583.MessageSpec)
		want string
	}{
		{"no MTI", func(s *iso8583.MessageSpec) { delete(s.Fields, 0) }, "field 0"},
		{"MTI length", func(s *iso8583.MessageSpec) { s.Fields[0] = str(5, prefix.ASCII.Fixed) }, "field 0"},
		{"MTI variable", func(s *iso8583.MessageSpec) { s.Fields[0] = str(4, prefix.ASCII.LL) }, "field 0"},
		{"no bitmap", func(s *iso8583.MessageSpec) { delete(s.Fields, 1) }, "field 1"},
		{"bitmap not a Bitmap", func(s *iso8583.MessageSpec) { s.Fields[1] = str(8, prefix.ASCII.Fixed) }, "field 1"},
		{"bitmap length", func(s *iso8583.MessageSpec) {
			s.Fields[1] = field.NewBitmap(&field.Spec{Length: 12, Enc: encoding.Binary, Pref: prefix.Binary.Fixed})
		}, "field 1"},
		{"bitmap encoding", func(s *iso8583.MessageSpec) {
			s.Fields[1] = field.NewBitmap(&field.Spec{Length: 8, Enc: encoding.EBCDIC, Pref: prefix.Binary.Fixed})
		}, "field 1"},
		{"bitmap prefix", func(s *iso8583.MessageSpec) {
			s.Fields[1] = field.NewBitmap(&field.Spec{Length: 8, Enc: encoding.Binary, Pref: prefix.Binary.LL})
		}, "field 1"},
		{"fixed bitmap, field 70", func(s *iso8583.MessageSpec) {
			s.Fields[1] = field.NewBitmap(&field.Spec{Length: 8, Enc: encoding.Binary, Pref: prefix.Binary.Fixed, DisableAutoExpand: true})
			for n := 65; n <= 128; n++ {
				if n != 70 {
					delete(s.Fields, n)
				}
			}
		}, "field 70"},
		{"field 129", func(s *iso8583.MessageSpec) { s.Fields[129] = str(3, prefix.ASCII.Fixed) }, "field 129"},
		{"zero length", func(s *iso8583.MessageSpec) { s.Fields[41] = str(0, prefix.ASCII.Fixed) }, "field 41"},
		{"no encoder", func(s *iso8583.MessageSpec) {
			s.Fields[41] = field.NewString(&field.Spec{Length: 8, Pref: prefix.ASCII.Fixed})
		}, "field 41"},
		{"no prefixer", func(s *iso8583.MessageSpec) {
			s.Fields[41] = field.NewString(&field.Spec{Length: 8, Enc: encoding.ASCII})
		}, "field 41"},
		{"prefix too small", func(s *iso8583.MessageSpec) { s.Fields[48] = str(512, prefix.ASCII.LL) }, "field 48"},
		{"binary prefix too small", func(s *iso8583.MessageSpec) { s.Fields[48] = str(256, prefix.Binary.L) }, "field 48"},
		{"second bitmap", func(s *iso8583.MessageSpec) { s.Fields[3] = field.NewBitmap(&field.Spec{Length: 8}) }, "field 3"},
		{"BCD padded with space", func(s *iso8583.MessageSpec) {
			s.Fields[4] = field.NewNumeric(&field.Spec{Length: 12, Enc: encoding.BCD, Pref: prefix.BCD.Fixed, Pad: padding.Left(' ')})
		}, "field 4"},
		{"multi-byte pad", func(s *iso8583.MessageSpec) {
			s.Fields[43] = field.NewString(&field.Spec{Length: 40, Enc: encoding.ASCII, Pref: prefix.ASCII.Fixed, Pad: padding.Right('中')})
		}, "field 43"},
	}
	for _, tt := range tests {
		spec := HL87ASpec()
		tt.edit(spec)
		_, err := Compile("t", spec)
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
	_, err := Compile("t", nil)
	require.Error(t, err)
}

func TestCompileIgnoresSpecField65(t *testing.T) {
	spec := HL87ASpec()
	spec.Fields[65] = field.NewBinary(&field.Spec{Length: 8, Enc: encoding.Binary, Pref: prefix.Binary.Fixed})
	d, err := Compile("t", spec)
	require.NoError(t, err)
	var m Message
	require.NoError(t, m.SetMTI([]byte("0200")))
	m.SetString(65, "12345678")
	_, err = d.Pack(nil, &m)
	require.ErrorIs(t, err, ErrUnknownField)
}

// Composite fields are carried opaque: the canonical value is their packed
// bytes, so TLV parsing stays with the caller.
func TestCompositeFieldIsOpaque(t *testing.T) {
	spec := HL87ASpec()
	spec.Fields[55] = field.NewComposite(&field.Spec{
		Length: 255, Description: "ICC data", Pref: prefix.ASCII.LLL,
		Tag: &field.TagSpec{Enc: encoding.BerTLVTag, Sort: sort.StringsByHex, SkipUnknownTLVTags: true},
		Subfields: map[string]field.Field{
			"9F27": field.NewBinary(&field.Spec{Length: 1, Enc: encoding.Binary, Pref: prefix.BerTLV}),
		},
	})
	d, err := Compile("t", spec)
	require.NoError(t, err)
	var m Message
	goldenAuth(&m)
	packed, err := d.Pack(nil, &m)
	require.NoError(t, err)
	var got Message
	require.NoError(t, d.Unpack(packed, &got))
	assert.Equal(t, "\x9f\x27\x01\x80", string(got.Field(55)))

	mm := iso8583.NewMessage(spec)
	require.NoError(t, mm.Unpack(packed), "moov-io reads the opaque bytes as TLV")
	sub, err := mm.GetField(55).(*field.Composite).Bytes()
	require.NoError(t, err)
	assert.Equal(t, "\x9f\x27\x01\x80", string(sub))
}

func TestTrack2BCDEncoder(t *testing.T) {
	tests := []struct {
		in, wire, out string
	}{
		{"12=34", "\x01\x2d\x34", "12=34"},
		{"12D34", "\x01\x2d\x34", "12=34"},
		{"1234=5", "\x12\x34\xd5", "1234=5"},
		{"", "", ""},
	}
	for _, tt := range tests {
		wire, err := Track2BCD{}.Encode([]byte(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.wire, string(wire), tt.in)
		out, n, err := Track2BCD{}.Decode(append(wire, 0xFF), len(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, len(tt.wire), n)
		assert.Equal(t, tt.out, string(out))
	}
	for _, bad := range []string{"12X4", "12=3 ", "\xff"} {
		_, err := Track2BCD{}.Encode([]byte(bad))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "12")
	}
	for _, tt := range []struct {
		wire string
		n    int
	}{{"\x12", 3}, {"\x1e", 2}, {"\x51\x23", 3}, {"\x12", -1}} {
		_, _, err := Track2BCD{}.Decode([]byte(tt.wire), tt.n)
		require.Error(t, err, "%x", tt.wire)
	}
}

func TestClassString(t *testing.T) {
	for c, want := range map[Class]string{ClassN: "n", ClassAN: "an", ClassANS: "ans", ClassZ: "z", ClassB: "b"} {
		assert.Equal(t, want, c.String())
	}
}

func TestElementInMoovMessage(t *testing.T) {
	e := NewElement(&field.Spec{Length: 11, Enc: encoding.ASCII, Pref: prefix.ASCII.LL}, ClassN)
	inst, ok := e.NewInstance().(*Element)
	require.True(t, ok, "moov-io instances keep the Element type")
	assert.Equal(t, ClassN, inst.Class)
	require.NoError(t, inst.SetBytes([]byte("01020000")))
	packed, err := inst.Pack()
	require.NoError(t, err)
	assert.Equal(t, "0801020000", string(packed), "leading zeros kept")
	s, err := inst.String()
	require.NoError(t, err)
	assert.Equal(t, "01020000", s)
}
