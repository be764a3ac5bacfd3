package load

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBucketBounds(t *testing.T) {
	for _, v := range []uint64{0, 1, 31, 32, 33, 63, 64, 65, 1000, 123456, 1 << 40, 1<<63 - 1, 1 << 63, ^uint64(0)} {
		i := bucketOf(v)
		require.Less(t, i, numBuckets, "v=%d", v)
		assert.LessOrEqual(t, lowerBound(i), v, "v=%d", v)
		assert.GreaterOrEqual(t, upperBound(i), v, "v=%d", v)
	}
	for i := 1; i < numBuckets; i++ {
		require.Equal(t, upperBound(i-1)+1, lowerBound(i), "buckets are contiguous at %d", i)
	}
	// Relative width stays within 1/32 above the linear range.
	for _, v := range []uint64{100, 5000, 1e6, 1e9} {
		i := bucketOf(v)
		width := upperBound(i) - lowerBound(i) + 1
		assert.LessOrEqual(t, float64(width)/float64(v), 1.0/subCount+1e-9)
	}
}

func TestQuantiles(t *testing.T) {
	var h histogram
	assert.Equal(t, []time.Duration{0, 0}, h.quantiles(0.5, 0.99))
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	h.record(-time.Second) // clamped to 0
	q := h.quantiles(0.5, 0.9, 0.99, 1)
	near := func(want time.Duration, got time.Duration) {
		assert.InEpsilon(t, float64(want), float64(got), 0.04, "want ~%s got %s", want, got)
	}
	near(500*time.Microsecond, q[0])
	near(900*time.Microsecond, q[1])
	near(990*time.Microsecond, q[2])
	assert.Equal(t, time.Millisecond, q[3], "q=1 is capped at the max")
	assert.Equal(t, int64(time.Millisecond), h.max.Load())
}

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
