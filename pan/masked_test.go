package pan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	clearPAN  = "6222021234567894"
	maskedPAN = "622202******7894"
	// middle is the part of clearPAN that must never appear.
	middle = "123456"
)

// assertNoClear fails when out contains the hidden digits of clearPAN, in
// clear or as hex.
func assertNoClear(t *testing.T, out string) {
	t.Helper()
	assert.NotContains(t, out, clearPAN)
	assert.NotContains(t, out, middle)
	assert.NotContains(t, out, fmt.Sprintf("%x", middle))
	assert.NotContains(t, out, "54 50 50") // decimal bytes of "622" as %v of a []byte would show
}

func TestMaskedFmtVerbs(t *testing.T) {
	m := Masked(clearPAN)
	tests := []struct {
		format string
		want   string
	}{
		{"%v", maskedPAN},
		{"%+v", maskedPAN},
		{"%s", maskedPAN},
		{"%q", `"` + maskedPAN + `"`},
		{"%x", maskedPAN},
		{"%X", maskedPAN},
		{"% x", maskedPAN},
		{"%#x", maskedPAN},
		{"%d", maskedPAN},
		{"%#v", `pan.Masked("` + maskedPAN + `")`},
		{"%20s", "    " + maskedPAN},
		{"%-20s|", maskedPAN + "    |"},
		{"%.6s", "622202"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got := fmt.Sprintf(tt.format, m)
			assert.Equal(t, tt.want, got)
			assertNoClear(t, got)
		})
	}
}

func TestMaskedInsideValues(t *testing.T) {
	type record struct {
		PAN    Masked
		Amount int
	}
	m := Masked(clearPAN)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprint(fmt.Sprintf(format, record{PAN: m, Amount: 100}))
		assertNoClear(t, got)
		assert.Contains(t, got, maskedPAN, format)

		got = fmt.Sprintf(format, []Masked{m, m})
		assertNoClear(t, got)
		assert.Contains(t, got, maskedPAN, format)

		got = fmt.Sprintf(format, &record{PAN: m})
		assertNoClear(t, got)
	}
	assert.Equal(t, maskedPAN, m.String())
	assertNoClear(t, fmt.Errorf("declined: %w", errors.New(m.String())).Error())
}

func TestMaskedJSONAndText(t *testing.T) {
	m := Masked(clearPAN)
	b, err := json.Marshal(struct {
		PAN  Masked  `json:"pan"`
		Ptr  *Masked `json:"ptr"`
		List []Masked
	}{PAN: m, Ptr: &m, List: []Masked{m}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"pan":"`+maskedPAN+`","ptr":"`+maskedPAN+`","List":["`+maskedPAN+`"]}`, string(b))
	assertNoClear(t, string(b))

	txt, err := m.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, maskedPAN, string(txt))
}

func TestMaskedSlog(t *testing.T) {
	m := Masked(clearPAN)
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	}
	for name, mk := range handlers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(mk(&buf))
			log.Info("auth", "pan", m)
			log.Info("auth", slog.Any("pan", m))
			log.Info("auth", slog.Group("card", slog.Any("pan", m)))
			log.With("pan", m).Info("auth")
			log.Info("auth", "card", struct{ PAN Masked }{m})
			log.Info("auth", "pan", &m)
			out := buf.String()
			assertNoClear(t, out)
			assert.Equal(t, 6, bytes.Count(buf.Bytes(), []byte(maskedPAN)), out)
		})
	}
}

func TestMaskedClearOnlyOnExplicitConversion(t *testing.T) {
	m := Masked(clearPAN)
	assert.Equal(t, clearPAN, string([]byte(m)))
}

func TestMaskedShort(t *testing.T) {
	m := Masked("1234567")
	assert.Equal(t, "*******", fmt.Sprint(m))
	assert.Equal(t, `pan.Masked("*******")`, fmt.Sprintf("%#v", m))
}
