package load

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRotatingPANs(t *testing.T) {
	pans := rotatingPANs("6222020000000000125")
	require.Len(t, pans, panSetSize)
	seen := map[string]bool{}
	for _, p := range pans {
		assert.Len(t, p.pan, 19)
		assert.Equal(t, "622202", p.pan[:6])
		assert.Equal(t, p.pan+track2Tail, p.track2)
		assert.Equal(t, byte('0'), luhnCheck(p.pan), "Luhn-valid %s", p.pan)
		seen[p.pan] = true
	}
	assert.Len(t, seen, panSetSize, "all distinct")
}

// luhnCheck returns '0' when s passes the Luhn check (independent reference).
func luhnCheck(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d = d*2%10 + d*2/10
		}
		sum += d
	}
	return byte('0' + sum%10)
}

func TestRingLIFOAndBounded(t *testing.T) {
	var r ring
	_, ok := r.pop()
	require.False(t, ok)
	for i := range ringSize + 10 {
		r.push(original{stan: uint32(i)})
	}
	for i := ringSize + 9; i >= 10; i-- {
		o, ok := r.pop()
		require.True(t, ok)
		require.Equal(t, uint32(i), o.stan, "newest first")
	}
	_, ok = r.pop()
	assert.False(t, ok, "the oldest 10 were forgotten")
}

func TestMix64Spreads(t *testing.T) {
	seen := map[uint64]bool{}
	for i := range uint64(1000) {
		seen[mix64(i)%64] = true
	}
	assert.Len(t, seen, 64, "every residue reached")
}
