package frame_test

import (
	"testing"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in      string
		want    frame.Kind
		wantErr bool
	}{
		{"ascii4", frame.ASCII4, false},
		{"binary2", frame.Binary2, false},
		{"ASCII4", frame.ASCII4, false},
		{"Binary2", frame.Binary2, false},
		{"", 0, true},
		{"ascii2", 0, true},
		{"binary4", 0, true},
		{" ascii4", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := frame.ParseKind(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, frame.ErrUnknownKind)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want, must(frame.ParseKind(got.String())), "String round-trips")
		})
	}
}

func must(k frame.Kind, err error) frame.Kind {
	if err != nil {
		panic(err)
	}
	return k
}

func TestKindStringPrefixLen(t *testing.T) {
	tests := []struct {
		k      frame.Kind
		name   string
		prefix int
	}{
		{frame.ASCII4, "ascii4", 4},
		{frame.Binary2, "binary2", 2},
		{0, "Kind(0)", 0},
		{9, "Kind(9)", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.name, tt.k.String())
		assert.Equal(t, tt.prefix, tt.k.PrefixLen(), tt.name)
	}
}
