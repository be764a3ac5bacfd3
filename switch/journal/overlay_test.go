package journal

import (
	"testing"
	"time"

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
	publishRecs(o, 1, &a)
	publishRecs(o, 2, &b)
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
	publishRecs(o, 3, &a2)
	next, upTo := o.oldest(1, 3)
	assert.Equal(t, []Record{b}, next, "frame 1's image of a is stale: the applier takes b first")
	assert.Equal(t, int64(2), upTo)
	next, upTo = o.oldest(10, 3)
	assert.Equal(t, []Record{b, a2}, next)
	assert.Equal(t, int64(3), upTo)
	next, upTo = o.oldest(10, 2)
	assert.Equal(t, []Record{b}, next, "frame 3 is not durable yet")
	assert.Equal(t, int64(2), upTo)
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
	next, _ = o.oldest(10, 3)
	assert.Empty(t, next)
}

// publishRecs publishes rs as a frame of whole records.
func publishRecs(o *overlay, seq int64, rs ...*Record) {
	cs := make([]staged, len(rs))
	for i, r := range rs {
		cs[i] = staged{id: r.ID, rec: r, img: appendImage(nil, r)}
	}
	o.publish(seq, cs)
}

// TestOverlayPatchNotHeld publishes a finish staged as a patch of a record
// the applier evicted meanwhile: the key is read back from the image, so
// the record is found by key again.
func TestOverlayPatchNotHeld(t *testing.T) {
	o := newOverlay()
	a := testImages()[0]
	publishRecs(o, 1, &a)
	src := appendImage(nil, &a)
	o.evict(1)
	_, ok := o.lookup(a.Key)
	require.False(t, ok)

	at := a.ReceivedAt.Add(time.Second)
	img, err := appendFinished(nil, src, StateApproved, "00", "654321", at)
	require.NoError(t, err)
	o.publish(2, []staged{{id: a.ID, src: src, state: StateApproved, code: "00", authID: "654321", at: at, img: img}})
	got, ok := o.lookup(a.Key)
	require.True(t, ok)
	assert.Equal(t, StateApproved, got.State)
	assert.Equal(t, "654321", got.AuthID)
	e, ok := o.entry(a.ID)
	require.True(t, ok)
	assert.Equal(t, StateApproved, e.state)
}

// TestOverlaySnapshotHeld checks snapshot's test of what was held: a
// record published after the snapshot was not (its table row stands for
// it in the scan), a record held then and changed since was.
func TestOverlaySnapshotHeld(t *testing.T) {
	o := newOverlay()
	imgs := testImages()
	a, b := imgs[0], imgs[2]
	publishRecs(o, 1, &a)
	held, wasHeld := o.snapshot("", nil)
	assert.Equal(t, []Record{a}, held)
	a2 := a
	a2.State = StateApproved
	publishRecs(o, 2, &a2, &b)
	assert.True(t, wasHeld(a.ID), "held at the snapshot, changed since")
	assert.False(t, wasHeld(b.ID), "published after the snapshot")
	assert.False(t, wasHeld(12345), "never held")
	_, wasHeld = o.snapshot("", nil)
	assert.True(t, wasHeld(b.ID))
}
