package dialect

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/field"
	"github.com/stretchr/testify/require"
)

// mustDialect compiles a built-in dialect or fails the test.
func mustDialect(tb testing.TB, name string) *Dialect {
	tb.Helper()
	d, err := Builtin(name)
	require.NoError(tb, err)
	return d
}

// typical0200 returns the sample financial request with STAN 000123.
func typical0200() *Message {
	m := new(Message)
	SampleFinancial(m, "000123")
	return m
}

// fieldsOf returns the fields of m as a map of copies, for comparisons.
func fieldsOf(m *Message) map[int]string {
	out := map[int]string{0: string(m.MTI())}
	m.Each(func(n int, v []byte) bool {
		out[n] = string(v)
		return true
	})
	return out
}

// unhex decodes a hex string that may contain spaces and line breaks.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	require.NoError(tb, err)
	return b
}

// toMoov copies m into a moov-io message built on spec.
func toMoov(tb testing.TB, spec *iso8583.MessageSpec, m *Message) *iso8583.Message {
	tb.Helper()
	mm := iso8583.NewMessage(spec)
	mm.MTI(string(m.MTI()))
	m.Each(func(n int, v []byte) bool {
		if _, ok := spec.Fields[n].(*field.Binary); ok {
			require.NoError(tb, mm.BinaryField(n, v), "field %d", n)
		} else {
			require.NoError(tb, mm.Field(n, string(v)), "field %d", n)
		}
		return true
	})
	return mm
}

// fromMoov reads the fields of a moov-io message as canonical strings.
func fromMoov(tb testing.TB, mm *iso8583.Message) map[int]string {
	tb.Helper()
	out := map[int]string{}
	for n := range mm.GetFields() {
		if n == 1 {
			continue
		}
		b, err := mm.GetBytes(n)
		require.NoError(tb, err, "field %d", n)
		out[n] = string(b)
	}
	return out
}
