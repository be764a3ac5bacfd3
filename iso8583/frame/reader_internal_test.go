package frame

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNewReaderMax(t *testing.T) {
	tests := []struct {
		k    Kind
		max  int
		want int
	}{
		{ASCII4, 0, DefaultMax},
		{ASCII4, -5, DefaultMax},
		{ASCII4, 100, 100},
		{ASCII4, 20000, 9999},
		{Binary2, 0, DefaultMax},
		{Binary2, 65535, 65535},
		{Binary2, 1 << 20, 65535},
	}
	for _, tt := range tests {
		r := NewReader(nil, tt.k, tt.max)
		assert.Equal(t, tt.want, r.max, "%v max %d", tt.k, tt.max)
		assert.GreaterOrEqual(t, len(r.buf), tt.k.PrefixLen()+r.max, "a maximal frame fits the buffer")
	}
}
