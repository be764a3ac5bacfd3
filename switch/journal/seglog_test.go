package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogSegmentsRotateAndReplay writes, in the smallest segments allowed,
// more than many segments hold while the applier is held, dies (the log
// left unapplied), and reopens: every record comes back from the chain of
// segments; a clean close then applies and removes them.
func TestLogSegmentsRotateAndReplay(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	o := smallSegments()
	j := openHeld(t, e)
	const n = 1500
	ids := make([]int64, n)
	for i := range n {
		ids[i] = insert(t, j, newRecord(j, i))
		if i%3 == 0 {
			finish(t, j, ids[i], StateApproved, "00")
		}
	}
	require.NoError(t, j.Close())
	assert.Greater(t, len(logFiles(t, e, segSuffix)), 3, "the log went through several segments")

	j, err := Open(ctx, e.url, o)
	require.NoError(t, err)
	assert.Equal(t, n, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "every record replayed")
	for i, id := range ids {
		got, err := j.Get(ctx, id)
		require.NoError(t, err)
		want := StateForwarded
		if i%3 == 0 {
			want = StateApproved
		}
		require.Equal(t, want, got.State, "record %d", i)
	}
	next := insert(t, j, newRecord(j, n))
	assert.Greater(t, next, ids[n-1])
	require.NoError(t, j.Close())
	assert.Empty(t, logFiles(t, e, segSuffix), "a clean close leaves no segment")
}

// TestLogSegmentMissing loses a segment file of a log that was not
// applied: the open is refused (ErrCorrupt) rather than carrying on
// without its records, whether the first or a middle one is gone.
func TestLogSegmentMissing(t *testing.T) {
	for _, which := range []string{"first", "middle"} {
		t.Run(which, func(t *testing.T) {
			ctx := context.Background()
			e := sqliteEnv(t)
			o := smallSegments()
			j := openHeld(t, e)
			for i := range 600 {
				insert(t, j, newRecord(j, i))
			}
			require.NoError(t, j.Close())
			segs := logFiles(t, e, segSuffix)
			require.Greater(t, len(segs), 2)
			victim := segs[0]
			if which == "middle" {
				victim = segs[len(segs)/2]
			}
			require.NoError(t, os.Remove(victim))
			_, err := Open(ctx, e.url, o)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "nothing is half applied")
		})
	}
}

// FuzzLogSegment parses arbitrary bytes as a segment (as a damaged disk
// could leave one), the way replay does: frames in sequence, then the
// search for a valid frame after the end. Nothing panics, reads stay in
// bounds, and every frame returned has a checksum that holds.
func FuzzLogSegment(f *testing.F) {
	dir := f.TempDir()
	l, err := openSegLog(filepath.Join(dir, "seed.db"), minSegmentSize)
	require.NoError(f, err)
	require.NoError(f, l.start(1))
	for _, rs := range [][]Record{testImages(), testImages()[:1]} {
		seq, err := l.write(testRow(rs))
		require.NoError(f, err)
		require.NoError(f, l.sync(seq))
	}
	require.NoError(f, l.close(false))
	seed, err := os.ReadFile(filepath.Join(dir, "seed.db-log", "0000000000000001"+segSuffix))
	require.NoError(f, err)
	f.Add(seed[:4096])
	f.Add(seed[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, want := 0, int64(1)
		for {
			payload, seq, size, ok := frameAt(b, p, want)
			if !ok {
				break
			}
			require.Equal(t, want, seq)
			require.LessOrEqual(t, p+size, alignUp(len(b)))
			_ = decodeRow(payload, func(Record) {})
			p, want = p+size, seq+1
		}
		_ = hasFrameAfter(b, p, want)
	})
}

// TestLogSparesReused reopens a journal several times with more spares
// than it keeps: the spare files are named apart, reused, and never more
// than maxSpares of them stay.
func TestLogSparesReused(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	o := smallSegments()
	for round := range 4 {
		j := openHeld(t, e) // the segments stay for the next open, which makes them spares
		for i := range 400 {
			insert(t, j, newRecord(j, round*1000+i))
		}
		require.NoError(t, j.Close())
		assert.LessOrEqual(t, len(logFiles(t, e, spareSuffix)), maxSpares, "round %d", round)
	}
	j, err := Open(ctx, e.url, o)
	require.NoError(t, err)
	assert.Equal(t, 1600, rawCount(t, e, `SELECT COUNT(*) FROM txn`))
	require.NoError(t, j.Close())
}
