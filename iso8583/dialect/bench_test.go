package dialect

import (
	"testing"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/specs"
	"github.com/stretchr/testify/require"
)

// The benchmarks below put our codec and moov-io's Message side by side on
// the same typical 0200, so one run shows the ratio:
//   BenchmarkUnpack/hl87a vs BenchmarkUnpack/moov-hl87a (same spec, moov-io Message)
//   and BenchmarkUnpack/moov-Spec87ASCII (moov-io's stock ASCII spec).

func benchPacked(b *testing.B, d *Dialect) []byte {
	b.Helper()
	data, err := d.Pack(nil, typical0200())
	require.NoError(b, err)
	return data
}

// moovSpec87Message is the typical 0200 for moov-io's stock Spec87ASCII. That
// spec stops at field 90, carries field 55 as text (hex digits here), and its
// hex-encoded fixed fields (52, 64) cannot be packed by moov-io itself (the
// Hex.Fixed prefixer wants twice the length the decoder reads), so 52 and 128
// are left out: moov-io does slightly less work than in the other rows.
func moovSpec87Message(b *testing.B) *iso8583.Message {
	b.Helper()
	src := typical0200()
	mm := iso8583.NewMessage(specs.Spec87ASCII)
	mm.MTI(string(src.MTI()))
	src.Each(func(n int, v []byte) bool {
		var err error
		switch n {
		case 52, 128:
		case 55:
			err = mm.Field(55, "9F26081B2C3D4E5F6071829F2701809F10130701")
		default:
			err = mm.Field(n, string(v))
		}
		require.NoError(b, err, "field %d", n)
		return true
	})
	return mm
}

func BenchmarkUnpack(b *testing.B) {
	for _, name := range []string{"hl87a", "hl87b"} {
		d := mustDialect(b, name)
		data := benchPacked(b, d)
		b.Run(name, func(b *testing.B) {
			var m Message
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := d.Unpack(data, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("moov-"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				mm := iso8583.NewMessage(d.Spec())
				if err := mm.Unpack(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data, err := moovSpec87Message(b).Pack()
	require.NoError(b, err)
	b.Run("moov-Spec87ASCII", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			mm := iso8583.NewMessage(specs.Spec87ASCII)
			if err := mm.Unpack(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPack(b *testing.B) {
	src := typical0200()
	for _, name := range []string{"hl87a", "hl87b"} {
		d := mustDialect(b, name)
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, 0, 1024)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = d.Pack(buf[:0], src); err != nil {
					b.Fatal(err)
				}
			}
		})
		mm := toMoov(b, d.Spec(), src)
		b.Run("moov-"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := mm.Pack(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	mm := moovSpec87Message(b)
	b.Run("moov-Spec87ASCII", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := mm.Pack(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTranslate is the switch's per-leg work: unpack hl87a, pack hl87b.
func BenchmarkTranslate(b *testing.B) {
	a, p := mustDialect(b, "hl87a"), mustDialect(b, "hl87b")
	data := benchPacked(b, a)
	var m Message
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Unpack(data, &m); err != nil {
			b.Fatal(err)
		}
		var err error
		if buf, err = p.Pack(buf[:0], &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSampleFinancial shows that building a message in place is free of
// allocations once the Message is warm.
func BenchmarkSampleFinancial(b *testing.B) {
	var m Message
	b.ReportAllocs()
	for b.Loop() {
		SampleFinancial(&m, "000123")
	}
}
