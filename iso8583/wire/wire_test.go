package wire_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/header"
	"github.com/hulian/hulian/iso8583/wire"
)

func codec(t testing.TB, name string, k frame.Kind, hdr bool) *wire.Codec {
	t.Helper()
	d, err := dialect.Builtin(name)
	require.NoError(t, err)
	c, err := wire.NewCodec(d, k, hdr, "48020000")
	require.NoError(t, err)
	return c
}

func TestAppendTime7AndSTAN(t *testing.T) {
	ts := time.Date(2025, time.March, 7, 9, 5, 3, 0, time.UTC)
	assert.Equal(t, "0307090503", string(wire.AppendTime7(nil, ts)))
	assert.Equal(t, "x1231235959", string(wire.AppendTime7([]byte("x"), time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC))))
	assert.Equal(t, "000042", string(wire.AppendSTAN(nil, 42)))
	assert.Equal(t, "999999", string(wire.AppendSTAN(nil, 999999)))
	assert.Equal(t, "000000", string(wire.AppendSTAN(nil, 1000000)), "taken modulo 10^6")
}

func TestEchoFields(t *testing.T) {
	var req, resp dialect.Message
	dialect.SampleFinancial(&req, "000123")
	req.SetString(70, "301")
	wire.EchoFields(&resp, &req)
	for _, n := range []int{2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49} {
		assert.Equal(t, req.Field(n), resp.Field(n), "field %d", n)
	}
	for _, n := range []int{14, 35, 52, 55, 70, 128} {
		assert.False(t, resp.Has(n), "field %d must not be echoed", n)
	}
	resp.Reset()
	wire.EchoNetFields(&resp, &req)
	for _, n := range []int{7, 11, 33, 70} {
		assert.Equal(t, req.Field(n), resp.Field(n), "field %d", n)
	}
	assert.False(t, resp.Has(2))
}

func TestCodecRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		dialect string
		kind    frame.Kind
		header  bool
	}{
		{"hl87a", frame.ASCII4, false},
		{"hl87a", frame.ASCII4, true},
		{"hl87b", frame.Binary2, false},
		{"hl87b", frame.Binary2, true},
		{"hl87b", frame.ASCII4, true},
	} {
		t.Run(tc.dialect+"/"+tc.kind.String(), func(t *testing.T) {
			c := codec(t, tc.dialect, tc.kind, tc.header)
			var in, out dialect.Message
			dialect.SampleFinancial(&in, "000777")
			buf, err := c.AppendFrame([]byte("prefix"), &in, "99990000")
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(buf, []byte("prefix")))

			r := frame.NewReader(bytes.NewReader(buf[len("prefix"):]), tc.kind, 0)
			body, err := r.Next()
			require.NoError(t, err)
			src, err := c.Decode(body, &out)
			require.NoError(t, err)
			if tc.header {
				assert.Equal(t, "48020000", string(src))
				h, n, err := header.Parse(body)
				require.NoError(t, err)
				assert.Equal(t, header.Len, n)
				assert.Equal(t, "99990000", string(h.DestinationID()))
				assert.Equal(t, len(body), h.TotalLength)
			} else {
				assert.Nil(t, src)
			}
			assert.Equal(t, in.MTI(), out.MTI())
			in.Each(func(n int, v []byte) bool {
				assert.Equal(t, v, out.Field(n), "field %d", n)
				return true
			})
		})
	}
}

func TestCodecErrors(t *testing.T) {
	d, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	_, err = wire.NewCodec(nil, frame.ASCII4, false, "")
	require.ErrorIs(t, err, wire.ErrNoDialect)
	_, err = wire.NewCodec(d, 0, false, "")
	require.ErrorIs(t, err, frame.ErrUnknownKind)
	_, err = wire.NewCodec(d, frame.ASCII4, true, "123456789012")
	require.Error(t, err, "id too long for the header")

	c := codec(t, "hl87a", frame.ASCII4, true)
	var m dialect.Message
	dialect.SampleFinancial(&m, "000001")
	_, err = c.AppendFrame(nil, &m, "123456789012")
	require.Error(t, err, "destination too long")
	out, err := c.AppendFrame([]byte("keep"), &m, "123456789012")
	require.Error(t, err)
	assert.Equal(t, "keep", string(out), "dst unchanged on error")

	var bad dialect.Message // no MTI
	_, err = c.AppendFrame(nil, &bad, "")
	require.Error(t, err)

	_, err = c.Decode([]byte("0200short"), &m)
	require.Error(t, err, "header expected")
}

func FuzzDecode(f *testing.F) {
	for _, hdr := range []bool{false, true} {
		c := codec(f, "hl87a", frame.ASCII4, hdr)
		var m dialect.Message
		dialect.SampleFinancial(&m, "000001")
		buf, err := c.AppendFrame(nil, &m, "99990000")
		require.NoError(f, err)
		f.Add(hdr, buf[4:])
	}
	f.Add(false, []byte("0800"))
	f.Add(true, []byte{46, 1, '0', '0', '5', '0'})
	codecs := map[bool]*wire.Codec{false: codec(f, "hl87a", frame.ASCII4, false), true: codec(f, "hl87a", frame.ASCII4, true)}
	f.Fuzz(func(t *testing.T, hdr bool, body []byte) {
		c := codecs[hdr]
		var m, again dialect.Message
		if _, err := c.Decode(body, &m); err != nil {
			return
		}
		// Property: whatever decodes re-encodes and decodes to the same fields.
		buf, err := c.AppendFrame(nil, &m, "99990000")
		require.NoError(t, err)
		r := frame.NewReader(bytes.NewReader(buf), frame.ASCII4, frame.DefaultMax)
		b2, err := r.Next()
		require.NoError(t, err)
		_, err = c.Decode(b2, &again)
		require.NoError(t, err)
		require.Equal(t, m.MTI(), again.MTI())
		m.Each(func(n int, v []byte) bool {
			require.Equal(t, v, again.Field(n), "field %d", n)
			return true
		})
	})
}

func BenchmarkAppendFrame(b *testing.B) {
	b.Run("header", func(b *testing.B) { benchAppend(b, true) })
	b.Run("plain", func(b *testing.B) { benchAppend(b, false) })
}

func benchAppend(b *testing.B, hdr bool) {
	c := codec(b, "hl87a", frame.ASCII4, hdr)
	var m dialect.Message
	dialect.SampleFinancial(&m, "000001")
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = c.AppendFrame(buf[:0], &m, "99990000")
		if err != nil {
			b.Fatal(err)
		}
	}
}
