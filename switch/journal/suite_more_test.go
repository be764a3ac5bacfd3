package journal

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testMigrations(t *testing.T, e env) {
	ctx := context.Background()
	version := func(j *Journal) int64 {
		var v int64
		require.NoError(t, j.b.reads().each(ctx, versionSQL, nil, func(scan scanFunc) error { return scan(&v) }))
		return v
	}
	j := openJournal(t, e, "node-a")
	latest := int64(len(j.b.variant().steps))
	require.GreaterOrEqual(t, latest, int64(2))
	assert.Equal(t, latest, version(j))
	id := insert(t, j, newRecord(j, 1))
	timedOut := insert(t, j, newRecord(j, 2))
	finish(t, j, timedOut, StateTimedOut, "91")
	finish(t, j, insert(t, j, newRecord(j, 3)), StateApproved, "00")
	require.NoError(t, j.Close())

	// Opening again is idempotent and keeps the data.
	j = openJournal(t, e, "node-a")
	assert.Equal(t, latest, version(j))
	_, err := j.Get(ctx, id)
	require.NoError(t, err)

	// Opening an older schema upgrades it: roll back to version 1 by hand
	// (SQLite: its version 6 reshaped table txn, tested on its own).
	if _, ok := j.b.(*sqliteStore); ok {
		testSQLiteNarrowTable(t)
	} else {
		rollBackToV1(t, j)
		// An older version could queue one original's reversal twice.
		for range 2 {
			require.NoError(t, j.b.inTx(ctx, func(r runner) error {
				_, err := r.exec(ctx, `INSERT INTO saf (txn_id, issuer, mti, message, attempts, next_us, expires_us, state, created_us)
					VALUES ($1, 'ISS1', '0420', ''::bytea, 0, 0, 0, 'pending', 0)`, id)
				return err
			}))
		}
	}
	require.NoError(t, j.Close())
	j = openJournal(t, e, "node-a")
	assert.Equal(t, latest, version(j))
	if _, ok := j.b.(*sqliteStore); !ok {
		depth, err := j.SAFDepth(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, depth, "the upgrade leaves one pending reversal per original")
	}
	// The open records are found after the upgrade.
	open, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{id}, ids(open))
	open, err = j.Unreversed(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{timedOut}, ids(open))

	// A newer schema than the code knows is refused.
	require.NoError(t, j.b.inTx(ctx, func(r runner) error {
		_, err := r.exec(ctx, insertVersionSQL, latest+1, int64(0))
		return err
	}))
	require.NoError(t, j.Close())
	_, err = Open(ctx, e.url, Options{Node: "node-a", HashKey: testKey()})
	assert.ErrorIs(t, err, ErrSchemaTooNew)
}

// rollBackToV1 undoes what versions 2 to 4 did, as if the database had
// been created by the first version (PostgreSQL).
func rollBackToV1(t *testing.T, j *Journal) {
	ctx := context.Background()
	require.NoError(t, j.b.inTx(ctx, func(r runner) error {
		for _, q := range []string{"DROP INDEX saf_one_reversal", "DROP TRIGGER txn_open_insert ON txn", "DROP TRIGGER txn_open_update ON txn",
			"DROP FUNCTION txn_open_inserted", "DROP FUNCTION txn_open_updated", "DROP TABLE txn_open",
			"ALTER TABLE txn RESET (fillfactor)", "CREATE INDEX txn_forwarded ON txn (received_us) WHERE state = 'forwarded'",
			"DROP INDEX txn_pan_hash", "DROP INDEX txn_original",
			"DELETE FROM schema_version WHERE version > 1"} {
			if _, err := r.exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}))
}

func testNoClearPAN(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	const clearPAN = "6225887766554433"
	r := newRecord(j, 1)
	j.SetPAN(r, []byte(clearPAN))
	id := insert(t, j, r)
	enqueue(t, j, id, "0420", day0())
	got, err := j.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "622588******4433", got.PANMasked)
	assert.Equal(t, j.HashPAN([]byte(clearPAN)), got.PANHash)
	assert.Len(t, got.PANHash, 64)
	if s, ok := j.b.(*sqliteStore); ok {
		s.hold.Store(true) // the log's segments stay, to be scanned too
	}
	require.NoError(t, j.Close())
	assert.True(t, e.contains(t, "622588******4433"), "the scan sees stored text")
	assert.False(t, e.contains(t, clearPAN), "the clear PAN is nowhere in the database")
}

func testGroupCommit(t *testing.T, e env) {
	j := openJournal(t, e, "node-a")
	const n, workers = 10000, 64
	var calls [n]atomic.Int32
	var wg sync.WaitGroup
	wg.Add(n)
	var failed atomic.Int32
	var next atomic.Int64
	for range workers {
		go func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				w := &Write{Kind: WriteInsert, Record: newRecord(j, i)}
				if j.Admit(context.Background()) != nil {
					failed.Add(1)
				}
				j.Submit(w, func(w *Write) {
					if w.Err != nil || w.Record.ID == 0 || w.Duplicate != nil {
						failed.Add(1)
					}
					calls[i].Add(1)
					wg.Done()
				})
			}
		}()
	}
	wg.Wait()
	require.NoError(t, j.Close())
	for i := range calls {
		require.Equal(t, int32(1), calls[i].Load(), "done of write %d called once", i)
	}
	assert.Zero(t, failed.Load())
	st := j.Stats()
	assert.Equal(t, uint64(n), st.Writes)
	assert.Less(t, st.Batches, uint64(n), "writes were grouped")
	assert.Greater(t, st.LargestBatch, uint64(1))
	assert.LessOrEqual(t, st.LargestBatch, uint64(DefaultMaxBatch+workers), "Admit holds a group near MaxBatch")
	t.Logf("%d writes in %d batches (largest %d)", st.Writes, st.Batches, st.LargestBatch)
}

// testFollowUpsNeverWait chains writes from done callbacks, as the switch
// does (a request's record, then its answer, then a reversal), with a
// journal whose bounds are tiny, so that every group is full when a
// callback submits: nothing may wait for the goroutine running it.
func testFollowUpsNeverWait(t *testing.T, e env) {
	j, err := Open(context.Background(), e.url, Options{Node: "node-a", HashKey: testKey(), MaxBatch: 4, QueueSize: 8})
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	const n, workers = 3000, 16
	var wg sync.WaitGroup
	wg.Add(n)
	var failed atomic.Int32
	var next atomic.Int64
	check := func(w *Write) bool {
		if w.Err != nil {
			failed.Add(1)
			return false
		}
		return true
	}
	for range workers {
		go func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if j.Admit(context.Background()) != nil {
					failed.Add(1)
				}
				r := newRecord(j, i)
				j.Submit(&Write{Kind: WriteInsert, Record: r}, func(w *Write) {
					if !check(w) {
						wg.Done()
						return
					}
					j.Submit(&Write{Kind: WriteFinish, ID: r.ID, State: StateTimedOut, Code: "91", At: day0()}, func(w *Write) {
						if !check(w) {
							wg.Done()
							return
						}
						e := &SAFEntry{TxnID: r.ID, Issuer: "ISS1", MTI: "0420", Message: []byte("x"),
							NextAt: day0(), ExpiresAt: day0().Add(time.Hour)}
						j.Submit(&Write{Kind: WriteEnqueue, SAF: e}, func(w *Write) {
							check(w)
							wg.Done()
						})
					})
				})
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("the journal wedged: callbacks never completed")
	}
	assert.Zero(t, failed.Load())
	depth, err := j.SAFDepth(context.Background())
	require.NoError(t, err)
	assert.Equal(t, n, depth)
}

func testClose(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	ws := make([]*Write, 100)
	for i := range ws {
		ws[i] = &Write{Kind: WriteInsert, Record: newRecord(j, i)}
	}
	var done atomic.Int32
	for _, w := range ws {
		j.Submit(w, func(*Write) { done.Add(1) })
	}
	require.NoError(t, j.Close(), "Close flushes what is queued")
	assert.Equal(t, int32(len(ws)), done.Load())
	for _, w := range ws {
		assert.NoError(t, w.Err)
		assert.NotZero(t, w.Record.ID)
	}
	require.NoError(t, j.Close(), "Close twice")
	late := &Write{Kind: WriteInsert, Record: newRecord(j, 500)}
	assert.ErrorIs(t, j.Do(ctx, late), ErrClosed)

	j = openJournal(t, e, "node-a")
	day, err := j.Day(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Len(t, day, len(ws), "everything flushed is durable")
}

// testOneReversalPerOriginal queues the reversal of one original many
// times at once, from two nodes where the backend has several (an
// acquirer's 0420 and its repeats arriving together on different nodes):
// every enqueue succeeds and one entry is pending.
func testOneReversalPerOriginal(t *testing.T, e env) {
	ctx := context.Background()
	a := openJournal(t, e, "node-a")
	nodes := []*Journal{a}
	if b, err := Open(ctx, e.url, Options{Node: "node-b", HashKey: testKey()}); err == nil && b.g == nil && a.g == nil {
		t.Cleanup(func() { _ = b.Close() })
		nodes = append(nodes, b)
	} else if err == nil {
		_ = b.Close() // SQLite: one writer process; its goroutines race instead
	}
	for round := range 20 {
		id := insert(t, a, newRecord(a, 5000+round))
		var wg sync.WaitGroup
		var failed atomic.Int32
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				j := nodes[i%len(nodes)]
				e := &SAFEntry{TxnID: id, Issuer: "ISS1", MTI: "0420", Message: []byte("rev"),
					NextAt: day0(), ExpiresAt: day0().Add(time.Hour)}
				if j.Do(ctx, &Write{Kind: WriteEnqueue, SAF: e}) != nil {
					failed.Add(1)
				}
			}()
		}
		wg.Wait()
		require.Zero(t, failed.Load(), "round %d: a repeat is no error", round)
		got, err := a.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, ReversalQueued, got.Reversal)
	}
	depth, err := a.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 20, depth, "one pending reversal per original")
}

// testCloseCommitsFollowUps closes the journal while callbacks are still
// submitting the writes that follow from theirs (a switch stopping with
// answers on the way): each follow-up is still made durable, and Admit
// refuses new work from the start of Close.
func testCloseCommitsFollowUps(t *testing.T, e env) {
	ctx := context.Background()
	j, err := Open(ctx, e.url, Options{Node: "node-a", HashKey: testKey()})
	require.NoError(t, err)
	const n = 200
	var wg sync.WaitGroup
	wg.Add(n)
	var failed atomic.Int32
	ids := make([]int64, n)
	for i := range n {
		r := newRecord(j, 7000+i)
		j.Submit(&Write{Kind: WriteInsert, Record: r}, func(w *Write) {
			if w.Err != nil {
				failed.Add(1)
				wg.Done()
				return
			}
			ids[i] = r.ID
			j.Submit(&Write{Kind: WriteFinish, ID: r.ID, State: StateApproved, Code: "00", At: day0()}, func(w *Write) {
				if w.Err != nil {
					failed.Add(1)
				}
				wg.Done()
			})
		})
	}
	require.NoError(t, j.Close())
	wg.Wait()
	assert.Zero(t, failed.Load(), "follow-ups submitted during Close are committed")
	assert.ErrorIs(t, j.Admit(ctx), ErrClosed)
	var after atomic.Bool
	j.Submit(&Write{Kind: WriteInsert, Record: newRecord(j, 9999)}, func(w *Write) { after.Store(errors.Is(w.Err, ErrClosed)) })
	assert.True(t, after.Load(), "after Close, Submit refuses")

	j = openJournal(t, e, "node-a")
	for _, id := range ids {
		got, err := j.Get(ctx, id)
		require.NoError(t, err)
		require.Equal(t, StateApproved, got.State)
	}
}

// testRetryAll reschedules a claim's entries in one transaction: those
// still held come back (attempt counted, due again at next), a settled one
// does not.
func testRetryAll(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	now := day0()
	var ids []int64
	for i := range 3 {
		ids = append(ids, enqueue(t, j, insert(t, j, newRecord(j, 8000+i)), "0420", now))
	}
	claimed, err := j.Claim(ctx, now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	require.NoError(t, j.Ack(ctx, ids[1]))
	next := now.Add(30 * time.Second)
	kept, err := j.RetryAll(ctx, ids, next)
	require.NoError(t, err)
	assert.ElementsMatch(t, []int64{ids[0], ids[2]}, kept)
	again, err := j.Claim(ctx, now.Add(time.Second), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, again, "not due before next")
	again, err = j.Claim(ctx, next, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, again, 2)
	for _, en := range again {
		assert.Equal(t, 1, en.Attempts)
	}
}
