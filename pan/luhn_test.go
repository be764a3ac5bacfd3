package pan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLuhn(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"0", true},
		{"79927398713", true},
		{"79927398710", false},
		{"6222021234567894", true},
		{"6222021234567895", false},
		{"4111111111111111", true},
		{"5555555555554444", true},
		{"6222021234567890128", true},
		{"62220212345678901a", false},
		{"6222 0212 3456 7894", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Luhn([]byte(tt.in)))
		})
	}
}

func TestLuhnDetectsSingleDigitErrors(t *testing.T) {
	p := []byte("6222021234567894")
	for i := range p {
		orig := p[i]
		for d := byte('0'); d <= '9'; d++ {
			if d == orig {
				continue
			}
			p[i] = d
			assert.False(t, Luhn(p), "digit %d changed to %c", i, d)
		}
		p[i] = orig
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in     string
		reason Reason
	}{
		{"6222021234567894", 0},
		{"622202123452", 0},
		{"6222021234567890128", 0},
		{"62220212345", ReasonLength},
		{"", ReasonLength},
		{"62220212345678901234", ReasonLength},
		{"622202123456789A", ReasonNotDigits},
		{"6222021234567895", ReasonLuhn},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := Valid([]byte(tt.in))
			if tt.reason == 0 {
				assert.NoError(t, err)
				return
			}
			var pe *Error
			if assert.True(t, errors.As(err, &pe)) {
				assert.Equal(t, tt.reason, pe.Reason)
				assert.Equal(t, len(tt.in), pe.Len)
			}
			assert.ErrorIs(t, err, &Error{Reason: tt.reason})
			msg := fmt.Sprintf("%v %+v", err, fmt.Errorf("wrapped: %w", err))
			if tt.in != "" {
				assert.NotContains(t, msg, tt.in)
				assert.NotContains(t, msg, tt.in[:6])
			}
			assert.True(t, strings.HasPrefix(err.Error(), "pan: invalid: "))
		})
	}
}

func TestReasonString(t *testing.T) {
	assert.Equal(t, "Luhn check digit mismatch", ReasonLuhn.String())
	assert.Equal(t, "unknown reason", Reason(0).String())
	assert.NotErrorIs(t, Valid([]byte("6222021234567895")), &Error{Reason: ReasonLength})
}

func BenchmarkLuhn(b *testing.B) {
	p := []byte("6222021234567890128")
	b.ReportAllocs()
	for b.Loop() {
		_ = Luhn(p)
	}
}

func BenchmarkValid(b *testing.B) {
	p := []byte("6222021234567894")
	b.ReportAllocs()
	for b.Loop() {
		_ = Valid(p)
	}
}

func TestCheckDigitCompletesValidPANs(t *testing.T) {
	for _, p := range []string{"6222020000000000125", "4111111111111111", "6228480000000000000", "79927398713"} {
		d, ok := CheckDigit([]byte(p[:len(p)-1]))
		if assert.True(t, ok, p) {
			assert.Equal(t, p[len(p)-1], d, p)
		}
	}
	for i := 0; i < 1000; i++ {
		payload := []byte(fmt.Sprintf("622202%09d", i*7919))
		d, ok := CheckDigit(payload)
		assert.True(t, ok)
		assert.True(t, Luhn(append(payload, d)), "%s%c", payload, d)
	}
	_, ok := CheckDigit(nil)
	assert.False(t, ok)
	_, ok = CheckDigit([]byte("62A2"))
	assert.False(t, ok)
}
