package journal

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPostgresAwaitPrevious: an earlier process of node-a left a session
// in the middle of a transaction that answers three open records (as a
// process killed while its group commit was on the wire). A restarted
// node-a must not list them as open before that transaction has ended:
// AwaitPrevious waits until the earlier process's sessions are gone (a
// dead client's session ends once it has run what it received; an idle
// one may still hold statements unread), gives up with an error naming
// the node when its context ends first (a live process running as the same
// node), and does not wait for another node's sessions.
func TestPostgresAwaitPrevious(t *testing.T) {
	e := pgEnv(t)
	ctx := context.Background()
	prev := openJournal(t, e, "node-a")
	ws := insertMany(t, prev, 1, 3)
	ids := []int64{ws[0].Record.ID, ws[1].Record.ID, ws[2].Record.ID}

	tx, err := prev.b.(*pgStore).pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	tag, err := tx.Exec(ctx, `UPDATE txn SET state = 'approved', response_code = '00' WHERE id = ANY($1)`, ids)
	require.NoError(t, err)
	require.EqualValues(t, 3, tag.RowsAffected())

	other := openJournal(t, e, "node-b")
	require.NoError(t, other.AwaitPrevious(ctx), "node-b does not wait for node-a's sessions")

	restarted := openJournal(t, e, "node-a")
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	err = restarted.AwaitPrevious(short)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), `node "node-a"`)

	var committing atomic.Bool
	committed := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		committing.Store(true)
		err := tx.Commit(ctx)
		_ = prev.Close() // the earlier process's sessions end
		committed <- err
	}()
	require.NoError(t, restarted.AwaitPrevious(ctx))
	assert.True(t, committing.Load(), "returned before the earlier session's commit")
	require.NoError(t, <-committed)
	open, err := restarted.Unfinished(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, open, "the records the earlier session answered are not open")

	// Its own sessions, busy or not, never count.
	own, err := restarted.b.(*pgStore).pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = own.Rollback(ctx) }()
	_, err = own.Exec(ctx, `SELECT 1`)
	require.NoError(t, err)
	require.NoError(t, restarted.AwaitPrevious(ctx))
}
