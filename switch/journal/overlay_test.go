package journal

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOverlayClash makes every key hash alike (a 64-bit collision cannot be
// produced on demand): both records stay reachable, and eviction cleans
// both indexes.
func TestOverlayClash(t *testing.T) {
	o := newOverlay()
	o.hash = func(Key) uint64 { return 42 }
	imgs := testImages()
	a, b := imgs[0], imgs[2] // IDs 7 and 8, different keys
	o.publish(1, []*Record{&a}, [][]byte{appendImage(nil, &a)}, false)
	o.publish(2, []*Record{&b}, [][]byte{appendImage(nil, &b)}, false)
	assert.Len(t, o.clash, 1)

	got, ok := o.lookup(b.Key)
	require.True(t, ok)
	assert.Equal(t, b, got)
	got, ok = o.lookup(a.Key)
	require.True(t, ok)
	assert.Equal(t, a, got)
	assert.Equal(t, 2, o.len())

	// A later image of a replaces the first; evicting row 1 keeps it.
	a2 := a
	a2.State, a2.ResponseCode = StateApproved, "00"
	o.publish(3, []*Record{&a2}, [][]byte{appendImage(nil, &a2)}, false)
	o.evict(2)
	assert.Equal(t, 1, o.len(), "b evicted, a's newer image kept")
	_, ok = o.lookup(b.Key)
	assert.False(t, ok)
	assert.Empty(t, o.clash)
	got, ok = o.get(a.ID)
	require.True(t, ok)
	assert.Equal(t, StateApproved, got.State)
	o.evict(3)
	assert.Zero(t, o.len())
	assert.Empty(t, o.byKey)
	assert.Equal(t, int64(3), o.knownSeq())
}
