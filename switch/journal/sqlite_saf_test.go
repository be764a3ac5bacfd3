package journal

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// breakLog makes j's log refuse every frame from now on, as after a failed
// write: what the files hold is what a crash at this point would leave.
func breakLog(t *testing.T, j *Journal) {
	t.Helper()
	s, ok := j.b.(*sqliteStore)
	require.True(t, ok)
	s.log.mu.Lock()
	s.log.broken = errors.New("test: the process died here")
	s.log.mu.Unlock()
}

// Settling a reversal's SAF entry (Ack, ExpireSAF) and a crash before the
// frame with its record's new reversal state is written must not leave the
// entry settled in table saf while the record says "queued" (nothing would
// ever change it again). The entry stays pending instead, and settles when
// the next process runs it again. The crash in CI that found this: a
// SIGKILL between table saf's commit and the frame's write.
func TestSQLiteSettleBeforeLostFrame(t *testing.T) {
	ctx := context.Background()
	now := day0()
	for _, tc := range []struct {
		name   string
		settle func(j *Journal, safID int64) error
		want   ReversalState
	}{
		{"ack", func(j *Journal, safID int64) error { return j.Ack(ctx, safID) }, ReversalDone},
		{"expire", func(j *Journal, _ int64) error {
			_, err := j.ExpireSAF(ctx, now.Add(25*time.Hour))
			return err
		}, ReversalExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sqliteEnv(t)
			j := openJournal(t, e, "node-a")
			id := insert(t, j, newRecord(j, 1))
			finish(t, j, id, StateTimedOut, "91")
			safID := enqueue(t, j, id, "0420", now)
			breakLog(t, j)
			require.Error(t, tc.settle(j, safID), "the log takes no frame")
			_ = j.Close()

			check := func(j *Journal, rev ReversalState, depth int) {
				t.Helper()
				rec, err := j.Get(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, rev, rec.Reversal)
				n, err := j.SAFDepth(ctx)
				require.NoError(t, err)
				assert.Equal(t, depth, n, "entries pending")
			}
			j = openJournal(t, e, "node-a")
			check(j, ReversalQueued, 1)
			require.NoError(t, tc.settle(j, safID))
			check(j, tc.want, 0)
			require.NoError(t, j.Close())
			check(openJournal(t, e, "node-a"), tc.want, 0)
		})
	}
}

// A SAF acknowledgement or expiry that comes after Close (the switch's
// acknowledgements run on their own goroutines) fails with ErrClosed
// instead of waiting for ever for a group no syncer takes; the entry stays
// pending for the next process.
func TestSQLiteSettleAfterClose(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	id := insert(t, j, newRecord(j, 1))
	finish(t, j, id, StateTimedOut, "91")
	safID := enqueue(t, j, id, "0420", day0())
	settle := func() {
		t.Helper()
		assert.ErrorIs(t, j.Ack(ctx, safID), ErrClosed)
		_, err := j.ExpireSAF(ctx, day0().Add(25*time.Hour))
		assert.ErrorIs(t, err, ErrClosed)
	}
	// Close's first steps: refuse new work, stop the syncers (the hang was here).
	j.mu.Lock()
	j.closing = true
	j.closingNow.Store(true)
	j.mu.Unlock()
	j.g.close()
	settle()
	require.NoError(t, j.Close())
	settle()

	j = openJournal(t, e, "node-a")
	n, err := j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
