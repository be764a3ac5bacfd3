package dialect

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/encoding"
	"github.com/moov-io/iso8583/field"
	"github.com/moov-io/iso8583/prefix"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const partner87 = "../../testdata/dialects/partner87.json"

// normalizeMoov undoes moov-io's unpadding (Numeric drops leading zeros,
// padded Strings drop their pad) so values compare with our canonical form,
// which keeps fixed values exactly as on the wire.
func normalizeMoov(spec *iso8583.MessageSpec, vals map[int]string) map[int]string {
	for n, v := range vals {
		f := spec.Fields[n]
		if n < 2 || f.Spec().Pad == nil {
			continue
		}
		if k, _ := prefixKind(f.Spec().Pref); k != prefFixed {
			continue
		}
		if _, ok := f.(*field.Numeric); ok && v == "0" {
			v = ""
		}
		vals[n] = string(f.Spec().Pad.Pad([]byte(v), f.Spec().Length))
	}
	return vals
}

func TestLoadPartner87(t *testing.T) {
	d, err := LoadSpecFile("partner87", partner87)
	require.NoError(t, err)
	assert.Equal(t, "partner87", d.Name())
	assert.Equal(t, "binary2", d.DefaultFraming(), "EBCDIC MTI is not a text protocol")

	src := typical0200()
	packed, err := d.Pack(nil, src)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xF0, 0xF2, 0xF0, 0xF0}, packed[:4], "MTI 0200 in EBCDIC")

	var got Message
	require.NoError(t, d.Unpack(packed, &got))
	assert.Equal(t, fieldsOf(src), fieldsOf(&got))

	// Translation to and from hl87a through the canonical form.
	a := mustDialect(t, "hl87a")
	inA, err := a.Pack(nil, &got)
	require.NoError(t, err)
	var fromA Message
	require.NoError(t, a.Unpack(inA, &fromA))
	back, err := d.Pack(nil, &fromA)
	require.NoError(t, err)
	assert.Equal(t, packed, back)

	// moov-io agrees with the slow (generic encoder) path too.
	mm := toMoov(t, d.Spec(), src)
	moovBytes, err := mm.Pack()
	require.NoError(t, err)
	assert.Equal(t, moovBytes, packed)
	fromMoovMsg := iso8583.NewMessage(d.Spec())
	require.NoError(t, fromMoovMsg.Unpack(packed))
	assert.Equal(t, fieldsOf(src), normalizeMoov(d.Spec(), fromMoov(t, fromMoovMsg)))
}

func TestPartner87Rejects(t *testing.T) {
	d, err := LoadSpecFile("partner87", partner87)
	require.NoError(t, err)
	ebc := func(s string) string {
		b, err := encoding.EBCDIC.Encode([]byte(s))
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name  string
		data  string
		field int
		want  error
	}{
		{"MTI truncated", ebc("02"), 0, ErrEncoding},
		{"MTI letters", ebc("02A0") + bitmapFor(11) + ebc("000001"), 0, ErrSyntax},
		{"n letters", ebc("0200") + bitmapFor(11) + ebc("0000A1"), 11, ErrSyntax},
		{"LL over max", ebc("0200") + bitmapFor(2) + ebc("20"+strings.Repeat("6", 20)), 2, ErrEncoding},
		{"LL not digits", ebc("0200") + bitmapFor(2) + ebc("X9"), 2, ErrEncoding},
		{"value truncated", ebc("0200") + bitmapFor(2) + ebc("196222"), 2, ErrEncoding},
		{"trailing", ebc("0200") + bitmapFor(11) + ebc("000001") + "\x00", 11, ErrTrailingData},
	}
	for _, tt := range tests {
		var m Message
		err := d.Unpack([]byte(tt.data), &m)
		require.ErrorIs(t, err, tt.want, tt.name)
		var fe *FieldError
		require.ErrorAs(t, err, &fe, tt.name)
		assert.Equal(t, tt.field, fe.Field, tt.name)
	}
}

// moov-io's stock JSON spec (examples/specs/spec87ascii.json) uses a 16-byte
// bitmap written as 32 ASCII hex digits; it must load and round-trip.
func TestLoadStockMoovJSONSpec(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moov-io/iso8583").Output()
	require.NoError(t, err, "locating the moov-io module")
	path := filepath.Join(strings.TrimSpace(string(out)), "examples", "specs", "spec87ascii.json")
	_, err = os.Stat(path)
	require.NoError(t, err, "moov-io's stock spec")
	d, err := LoadSpecFile("moov87", path)
	require.NoError(t, err)
	assert.Equal(t, "ascii4", d.DefaultFraming())

	var m Message
	require.NoError(t, m.SetMTI([]byte("0200")))
	m.SetString(2, "6222020000000000125")
	m.SetString(3, "310000")
	m.SetString(4, "100000012345")
	m.SetString(11, "000123")
	m.SetString(41, "TERM0001")
	m.SetString(52, "\x3a\x7c\x11\x9e\x0d\x45\xb2\x61")
	m.SetString(49, "156")
	packed, err := d.Pack(nil, &m)
	require.NoError(t, err)
	bitmap := string(packed[4:36])
	assert.Equal(t, "7020000000809000"+strings.Repeat("0", 16), bitmap, "bits 2 3 4 | 11 | 41 | 49 52, no bit 1")
	assert.Equal(t, strings.ToUpper(bitmap), bitmap)

	var got Message
	require.NoError(t, d.Unpack(packed, &got))
	assert.Equal(t, fieldsOf(&m), fieldsOf(&got))

	mm := iso8583.NewMessage(d.Spec())
	require.NoError(t, mm.Unpack(packed))
	assert.Equal(t, fieldsOf(&m), fromMoov(t, mm))

	// Bit 1 of a 128-bit bitmap would announce fields 129..192.
	beyond := append([]byte(nil), packed...)
	beyond[4] = '8'
	err = d.Unpack(beyond, &got)
	require.ErrorIs(t, err, ErrUnknownField)

	// moov-io cannot pack its own hex fixed field 52, so the other direction
	// goes without it.
	m.Unset(52)
	moovBytes, err := toMoov(t, d.Spec(), &m).Pack()
	require.NoError(t, err)
	require.NoError(t, d.Unpack(moovBytes, &got))
	assert.Equal(t, fieldsOf(&m), fieldsOf(&got))
}

// A classic hex bitmap: 16 hex digits per bitmap, secondary when bit 1 is set.
func TestHexBitmap(t *testing.T) {
	spec := HL87ASpec()
	spec.Fields[1] = field.NewBitmap(&field.Spec{
		Length: 8, Description: "bitmap", Enc: encoding.BytesToASCIIHex, Pref: prefix.Hex.Fixed,
	})
	d, err := Compile("hl87a-hexbitmap", spec)
	require.NoError(t, err)
	for _, build := range []func(*Message){goldenAuth, goldenEcho, func(m *Message) { SampleFinancial(m, "000001") }} {
		var m Message
		build(&m)
		packed, err := d.Pack(nil, &m)
		require.NoError(t, err)
		moovBytes, err := toMoov(t, spec, &m).Pack()
		require.NoError(t, err)
		assert.Equal(t, moovBytes, packed)
		var got Message
		require.NoError(t, d.Unpack(packed, &got))
		assert.Equal(t, fieldsOf(&m), fieldsOf(&got))
	}
	var m Message
	goldenEcho(&m)
	packed, err := d.Pack(nil, &m)
	require.NoError(t, err)
	assert.Equal(t, "08008220000000000000"+"0400000000000000", string(packed[:36]))
	lower := []byte(strings.ToLower(string(packed)))
	var got Message
	require.NoError(t, d.Unpack(lower, &got), "lower-case hex accepted")
	packed[5] = 'G'
	err = d.Unpack(packed, &got)
	require.ErrorIs(t, err, ErrSyntax)
}

func TestLoadSpecFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"name":"x","fields":{"0":{"type":"Nope"}}}`), 0o600))
	noBitmap := filepath.Join(dir, "nobitmap.json")
	require.NoError(t, os.WriteFile(noBitmap, []byte(`{"name":"x","fields":{"0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"}}}`), 0o600))
	for _, tt := range []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.json"), "no such file"},
		{bad, "bad.json"},
		{noBitmap, "field 1"},
	} {
		_, err := LoadSpecFile("x", tt.path)
		require.Error(t, err, tt.path)
		assert.Contains(t, err.Error(), tt.want)
	}
}
