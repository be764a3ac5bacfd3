package dialect

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMessageSetMTI(t *testing.T) {
	tests := []struct {
		in      string
		wantErr error
	}{
		{"0200", nil},
		{"9999", nil},
		{"020", ErrLength},
		{"02000", ErrLength},
		{"02A0", ErrSyntax},
		{"", ErrLength},
	}
	for _, tt := range tests {
		var m Message
		err := m.SetMTI([]byte(tt.in))
		if tt.wantErr == nil {
			require.NoError(t, err, tt.in)
			assert.Equal(t, tt.in, string(m.MTI()))
			continue
		}
		require.ErrorIs(t, err, tt.wantErr, tt.in)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 0, fe.Field)
		assert.Nil(t, m.MTI(), "a rejected MTI is not stored")
	}
}

func TestMessageFieldRange(t *testing.T) {
	var m Message
	for _, n := range []int{-1, 0, 1, 129, 1000} {
		m.Set(n, []byte("x"))
		m.SetCopy(n, []byte("x"))
		m.SetString(n, "x")
		m.Unset(n)
		assert.False(t, m.Has(n), "field %d", n)
		assert.Nil(t, m.Field(n), "field %d", n)
	}
	count := 0
	m.Each(func(int, []byte) bool { count++; return true })
	assert.Zero(t, count)

	m.Set(2, nil)
	assert.True(t, m.Has(2))
	assert.NotNil(t, m.Field(2), "present empty field is a non-nil empty slice")
	assert.Empty(t, m.Field(2))
	m.Set(128, []byte("mac"))
	assert.Equal(t, "mac", string(m.Field(128)))
	m.Unset(128)
	assert.False(t, m.Has(128))
	assert.Nil(t, m.Field(128))
}

func TestMessageSetAliasesSetCopyCopies(t *testing.T) {
	var m Message
	a, b := []byte("111111"), []byte("222222")
	m.Set(11, a)
	m.SetCopy(12, b)
	m.SetString(13, "0615")
	a[0], b[0] = 'X', 'X'
	assert.Equal(t, "X11111", string(m.Field(11)), "Set keeps the caller's slice")
	assert.Equal(t, "222222", string(m.Field(12)), "SetCopy owns its copy")
	assert.Equal(t, "0615", string(m.Field(13)))
}

func TestMessageArenaGrowthDoesNotMoveValues(t *testing.T) {
	var m Message
	m.SetString(2, "first")
	first := m.Field(2)
	// Force several new arrays.
	big := make([]byte, 3*minArena)
	for i := range 4 {
		m.SetCopy(48, big)
		m.SetString(60, string(rune('a'+i)))
	}
	assert.Equal(t, "first", string(first), "old slice still valid after growth")
	assert.Equal(t, "first", string(m.Field(2)))
	// A value's capacity is clipped: appending cannot clobber a neighbour.
	m.SetString(3, "000000")
	m.SetString(4, "000000012345")
	_ = append(m.Field(3), '9')
	assert.Equal(t, "000000012345", string(m.Field(4)))
}

func TestMessageResetReusesArena(t *testing.T) {
	var m Message
	SampleFinancial(&m, "000001")
	capBefore := cap(m.arena)
	m.Reset()
	assert.Nil(t, m.MTI())
	assert.False(t, m.Has(2))
	assert.Zero(t, len(m.arena))
	assert.Equal(t, capBefore, cap(m.arena))
	SampleFinancial(&m, "000002")
	assert.Equal(t, capBefore, cap(m.arena), "no new array for the same content")
}

func TestMessageCopyFromIsDeep(t *testing.T) {
	d := mustDialect(t, "hl87a")
	data, err := d.Pack(nil, typical0200())
	require.NoError(t, err)
	var src, dst Message
	require.NoError(t, d.Unpack(data, &src))
	dst.SetString(99, "stale")
	dst.CopyFrom(&src)
	clear(data) // src aliases data; dst must not
	assert.Equal(t, fieldsOf(typical0200()), fieldsOf(&dst))
	assert.False(t, dst.Has(99))
	dst.CopyFrom(&dst) // self copy is a no-op
	assert.Equal(t, fieldsOf(typical0200()), fieldsOf(&dst))
}

func TestMessageEachOrderAndStop(t *testing.T) {
	var m Message
	for _, n := range []int{128, 2, 64, 65, 3, 100} {
		m.SetString(n, "1")
	}
	var seen []int
	m.Each(func(n int, _ []byte) bool { seen = append(seen, n); return true })
	assert.Equal(t, []int{2, 3, 64, 65, 100, 128}, seen)
	seen = nil
	m.Each(func(n int, _ []byte) bool { seen = append(seen, n); return n < 64 })
	assert.Equal(t, []int{2, 3, 64}, seen)
}

func TestMessageRequestResponse(t *testing.T) {
	tests := []struct {
		mti        string
		req, resp  bool
		responseTo string
	}{
		{"0100", true, false, "0110"},
		{"0200", true, false, "0210"},
		{"0220", true, false, "0230"},
		{"0221", true, false, "0230"},
		{"0421", true, false, "0430"},
		{"0420", true, false, "0430"},
		{"0800", true, false, "0810"},
		{"0210", false, true, "0210"},
		{"0430", false, true, "0430"},
		{"0810", false, true, "0810"},
	}
	for _, tt := range tests {
		var m Message
		require.NoError(t, m.SetMTI([]byte(tt.mti)))
		assert.Equal(t, tt.req, m.IsRequest(), tt.mti)
		assert.Equal(t, tt.resp, m.IsResponse(), tt.mti)
		r := m.ResponseMTI()
		assert.Equal(t, tt.responseTo, string(r[:]), tt.mti)
	}
	var none Message
	assert.False(t, none.IsRequest())
	assert.False(t, none.IsResponse())
	assert.Equal(t, [4]byte{}, none.ResponseMTI())
}

func TestFieldErrorFormat(t *testing.T) {
	tests := []struct {
		err  *FieldError
		want string
	}{
		{fieldErr(0, ErrSyntax, "MTI must be 4 digits"), "iso8583: MTI: MTI must be 4 digits"},
		{fieldErr(1, ErrTruncated, "bitmap truncated"), "iso8583: bitmap: bitmap truncated"},
		{fieldErr(35, ErrLength, "length exceeds maximum"), "iso8583: field 35: length exceeds maximum"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
		assert.True(t, errors.Is(tt.err, tt.err.Err))
	}
}
