package frame_test

import (
	"bytes"
	"testing"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppend(t *testing.T) {
	big := bytes.Repeat([]byte{'x'}, 9999)
	tests := []struct {
		name    string
		k       frame.Kind
		body    []byte
		want    []byte // prefix only, for long bodies
		wantErr error
		wantLen *frame.LengthError
	}{
		{name: "ascii4 short", k: frame.ASCII4, body: []byte("0800"), want: []byte("00040800")},
		{name: "ascii4 max", k: frame.ASCII4, body: big, want: []byte("9999")},
		{name: "ascii4 too long", k: frame.ASCII4, body: make([]byte, 10000), wantLen: &frame.LengthError{Declared: 10000, Max: 9999}},
		{name: "binary2 short", k: frame.Binary2, body: []byte("0800"), want: []byte("\x00\x040800")},
		{name: "binary2 300", k: frame.Binary2, body: make([]byte, 300), want: []byte{0x01, 0x2c}},
		{name: "binary2 max", k: frame.Binary2, body: make([]byte, 65535), want: []byte{0xff, 0xff}},
		{name: "binary2 too long", k: frame.Binary2, body: make([]byte, 65536), wantLen: &frame.LengthError{Declared: 65536, Max: 65535}},
		{name: "empty", k: frame.ASCII4, body: nil, wantErr: frame.ErrEmptyFrame},
		{name: "unknown kind", k: 7, body: []byte("x"), wantErr: frame.ErrUnknownKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := frame.Append(dst, tt.k, tt.body)
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, "keep", string(out), "dst returned unchanged")
			case tt.wantLen != nil:
				var le *frame.LengthError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tt.wantLen, le)
				assert.Equal(t, "keep", string(out))
			default:
				require.NoError(t, err)
				assert.Equal(t, "keep", string(out[:4]))
				assert.Equal(t, tt.want, out[4:4+len(tt.want)])
				assert.Equal(t, tt.body, out[4+tt.k.PrefixLen():])
			}
		})
	}
}

func TestAppendPrefix(t *testing.T) {
	tests := []struct {
		k    frame.Kind
		n    int
		want string
	}{
		{frame.ASCII4, 1, "0001"},
		{frame.ASCII4, 46, "0046"},
		{frame.ASCII4, 1234, "1234"},
		{frame.Binary2, 1, "\x00\x01"},
		{frame.Binary2, 0x1234, "\x12\x34"},
	}
	for _, tt := range tests {
		got, err := frame.AppendPrefix(nil, tt.k, tt.n)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got), "%v %d", tt.k, tt.n)
	}
	_, err := frame.AppendPrefix(nil, frame.ASCII4, -1)
	var le *frame.LengthError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, -1, le.Declared)
}

func TestReservePatch(t *testing.T) {
	for _, k := range []frame.Kind{frame.ASCII4, frame.Binary2} {
		t.Run(k.String(), func(t *testing.T) {
			buf, at := frame.Reserve([]byte("prev"), k)
			require.Equal(t, 4, at)
			require.Len(t, buf, 4+k.PrefixLen())
			buf = append(buf, "0210body"...)
			require.NoError(t, frame.Patch(buf, k, at))

			want, err := frame.Append([]byte("prev"), k, []byte("0210body"))
			require.NoError(t, err)
			assert.Equal(t, want, buf)
		})
	}
}

func TestPatchErrors(t *testing.T) {
	buf, at := frame.Reserve(nil, frame.ASCII4)
	require.ErrorIs(t, frame.Patch(buf, frame.ASCII4, at), frame.ErrEmptyFrame)
	require.ErrorIs(t, frame.Patch(buf, frame.ASCII4, -1), frame.ErrBadOffset)
	require.ErrorIs(t, frame.Patch(buf, frame.ASCII4, 1), frame.ErrBadOffset)
	require.ErrorIs(t, frame.Patch(buf, 0, 0), frame.ErrUnknownKind)

	buf, at = frame.Reserve(nil, frame.ASCII4)
	buf = append(buf, make([]byte, 10000)...)
	var le *frame.LengthError
	require.ErrorAs(t, frame.Patch(buf, frame.ASCII4, at), &le)
	assert.Equal(t, frame.LengthError{Declared: 10000, Max: 9999}, *le)
	assert.Equal(t, "0000", string(buf[:4]), "a failed Patch leaves the prefix alone")

	out, at := frame.Reserve([]byte("x"), 0)
	assert.Equal(t, "x", string(out))
	assert.Equal(t, 1, at)
}

func TestAppendDoesNotAllocateWithCapacity(t *testing.T) {
	body := make([]byte, 300)
	dst := make([]byte, 0, 512)
	allocs := testing.AllocsPerRun(100, func() {
		out, at := frame.Reserve(dst[:0], frame.ASCII4)
		out = append(out, body...)
		_ = frame.Patch(out, frame.ASCII4, at)
		_, _ = frame.Append(dst[:0], frame.Binary2, body)
	})
	assert.Zero(t, allocs)
}
