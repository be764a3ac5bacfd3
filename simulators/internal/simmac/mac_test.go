package simmac_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simmac"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// module returns a software module holding the TDES ZAKs "a/zak" and "b/zak".
func module(t testing.TB) hsm.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(i + 7)
	}
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	for _, id := range []hsm.KeyID{"a/zak", "b/zak"} {
		_, err := m.GenerateKey(context.Background(), id, hsm.ZAK, symmetric.TDES, 0)
		require.NoError(t, err)
	}
	return m
}

func codec(t testing.TB, name string, k frame.Kind, header bool) *wire.Codec {
	t.Helper()
	d, err := dialect.Builtin(name)
	require.NoError(t, err)
	c, err := wire.NewCodec(d, k, header, "48020000")
	require.NoError(t, err)
	return c
}

// financial is the sample 0200 without its (sample) MAC field.
func financial() *dialect.Message {
	m := new(dialect.Message)
	dialect.SampleFinancial(m, "000123")
	m.Unset(simmac.Field)
	return m
}

func signOn() *dialect.Message {
	m := new(dialect.Message)
	_ = m.SetMTI([]byte("0800"))
	m.SetString(7, "0102030405")
	m.SetString(11, "000001")
	m.SetString(33, "48020000")
	m.SetString(70, "001")
	return m
}

// decode reads back one frame made by AppendFrame.
func decode(t testing.TB, c *wire.Codec, fr []byte) ([]byte, *dialect.Message) {
	t.Helper()
	body := fr[c.Kind().PrefixLen():]
	var m dialect.Message
	_, err := c.Decode(body, &m)
	require.NoError(t, err)
	return body, &m
}

func TestAppendFrameAndVerify(t *testing.T) {
	mod := module(t)
	a := &simmac.MAC{Module: mod, Key: "a/zak"}
	b := &simmac.MAC{Module: mod, Key: "b/zak"}
	for _, tc := range []struct {
		name   string
		d      string
		k      frame.Kind
		header bool
	}{
		{"hl87a", "hl87a", frame.ASCII4, false},
		{"hl87a/header", "hl87a", frame.ASCII4, true},
		{"hl87b/binary2/header", "hl87b", frame.Binary2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := codec(t, tc.d, tc.k, tc.header)
			fr, err := a.AppendFrame([]byte("keep"), c, financial(), "99990000")
			require.NoError(t, err)
			assert.Equal(t, "keep", string(fr[:4]), "appends to dst")
			body, m := decode(t, c, fr[4:])
			require.True(t, m.Has(simmac.Field))
			assert.NotEqual(t, make([]byte, simmac.Size), m.Field(simmac.Field), "placeholder overwritten")
			raw := simmac.Message(c, body)
			assert.Equal(t, m.Field(simmac.Field), raw[len(raw)-simmac.Size:], "MAC is the message's last bytes")

			assert.NoError(t, a.Verify(c, body, m))
			assert.ErrorIs(t, b.Verify(c, body, m), hsm.ErrMACMismatch, "other key")
			var nilMAC *simmac.MAC
			assert.NoError(t, nilMAC.Verify(c, body, m), "nil MAC verifies nothing")

			raw[0] ^= 1 // tamper with the MTI's first byte after decoding
			assert.ErrorIs(t, a.Verify(c, body, m), hsm.ErrMACMismatch, "tampered")
		})
	}
}

func TestNilMACPacksUnchanged(t *testing.T) {
	c := codec(t, "hl87a", frame.ASCII4, false)
	var nilMAC *simmac.MAC
	m := financial()
	got, err := nilMAC.AppendFrame(nil, c, m, "")
	require.NoError(t, err)
	want, err := c.AppendFrame(nil, m, "")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.False(t, m.Has(simmac.Field))
}

func TestNetworkManagementCarriesNoMAC(t *testing.T) {
	a := &simmac.MAC{Module: module(t), Key: "a/zak"}
	c := codec(t, "hl87a", frame.ASCII4, false)
	m := signOn()
	m.SetString(simmac.Field, "12345678") // stale: removed
	fr, err := a.AppendFrame(nil, c, m, "")
	require.NoError(t, err)
	body, got := decode(t, c, fr)
	assert.False(t, got.Has(simmac.Field))
	assert.NoError(t, a.Verify(c, body, got), "08xx needs no MAC")
}

func TestVerifyErrors(t *testing.T) {
	a := &simmac.MAC{Module: module(t), Key: "a/zak"}
	c := codec(t, "hl87a", frame.ASCII4, false)
	plain, err := c.AppendFrame(nil, financial(), "")
	require.NoError(t, err)
	body, m := decode(t, c, plain)
	assert.ErrorIs(t, a.Verify(c, body, m), simmac.ErrMissing, "no field 128")

	noModule := &simmac.MAC{Key: "a/zak"}
	assert.ErrorIs(t, noModule.Verify(c, body, m), simmac.ErrNoModule)
	_, err = noModule.AppendFrame(nil, c, financial(), "")
	assert.ErrorIs(t, err, simmac.ErrNoModule)

	unknown := &simmac.MAC{Module: a.Module, Key: "nope/zak"}
	out, err := unknown.AppendFrame([]byte("x"), c, financial(), "")
	assert.ErrorIs(t, err, hsm.ErrNoKey)
	assert.Equal(t, "x", string(out), "dst rolled back")
}

func TestMessage(t *testing.T) {
	c := codec(t, "hl87a", frame.ASCII4, true)
	assert.Nil(t, simmac.Message(c, make([]byte, 10)), "shorter than the header")
	assert.Len(t, simmac.Message(c, make([]byte, 50)), 4)
}

// FuzzVerify feeds arbitrary frame bodies: Verify must not panic, must
// accept only messages whose field 128 is last, and must fail with one of
// the documented errors.
func FuzzVerify(f *testing.F) {
	mod := module(f)
	a := &simmac.MAC{Module: mod, Key: "a/zak"}
	for _, header := range []bool{false, true} {
		c := codec(f, "hl87a", frame.ASCII4, header)
		for _, m := range []*dialect.Message{financial(), signOn()} {
			fr, err := a.AppendFrame(nil, c, m, "99990000")
			require.NoError(f, err)
			f.Add(header, fr[c.Kind().PrefixLen():])
		}
	}
	codecs := map[bool]*wire.Codec{false: codec(f, "hl87a", frame.ASCII4, false), true: codec(f, "hl87a", frame.ASCII4, true)}
	f.Fuzz(func(t *testing.T, header bool, body []byte) {
		c := codecs[header]
		var m dialect.Message
		if _, err := c.Decode(body, &m); err != nil {
			return
		}
		err := a.Verify(c, body, &m)
		if err == nil {
			if simmac.Applies(m.MTI()) {
				require.True(t, m.Has(simmac.Field), "accepted without a MAC")
			}
			return
		}
		known := errors.Is(err, simmac.ErrMissing) || errors.Is(err, simmac.ErrShort) ||
			errors.Is(err, hsm.ErrMACMismatch) || errors.Is(err, hsm.ErrInvalid)
		require.True(t, known, "unexpected error %v", err)
	})
}

func BenchmarkAppendFrameMAC(b *testing.B) {
	a := &simmac.MAC{Module: module(b), Key: "a/zak"}
	c := codec(b, "hl87a", frame.ASCII4, false)
	m := financial()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.AppendFrame(buf[:0], c, m, ""); err != nil {
			b.Fatal(err)
		}
	}
}
