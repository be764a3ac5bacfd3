package journal

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the SQLite backend's write-ahead log, overlay and background
// application.

// holdLog stops j's background application, as if the process died before
// it ran: Close then leaves the log unapplied.
func holdLog(t *testing.T, j *Journal) *sqliteStore {
	t.Helper()
	s, ok := j.b.(*sqliteStore)
	require.True(t, ok)
	s.hold.Store(true)
	return s
}

// rawCount runs a COUNT query on the journal file with a plain connection.
func rawCount(t *testing.T, e env, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(e.url, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(q).Scan(&n))
	return n
}

// rawExec runs a statement on the journal file with a plain connection.
func rawExec(t *testing.T, e env, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(e.url, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(q, args...)
	require.NoError(t, err)
}

// logScenario writes, with application held, records in every state: it
// returns their IDs by name.
func logScenario(t *testing.T, j *Journal) map[string]int64 {
	ctx := context.Background()
	ids := map[string]int64{}
	for i, name := range []string{"approved", "forwarded", "timedOut", "reversed", "declined"} {
		ids[name] = insert(t, j, newRecord(j, i+1))
	}
	finish(t, j, ids["approved"], StateApproved, "00")
	finish(t, j, ids["declined"], StateDeclined, "51")
	finish(t, j, ids["timedOut"], StateTimedOut, "91")
	finish(t, j, ids["reversed"], StateApproved, "00")
	enqueue(t, j, ids["reversed"], "0420", day0())
	require.NoError(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: ids["declined"], Reversal: ReversalLocal}))
	return ids
}

// checkScenario checks what logScenario wrote, through every read.
func checkScenario(t *testing.T, j *Journal, want map[string]int64) {
	ctx := context.Background()
	states := map[string]struct {
		state State
		rev   ReversalState
	}{
		"approved": {StateApproved, ReversalNone}, "forwarded": {StateForwarded, ReversalNone},
		"timedOut": {StateTimedOut, ReversalNone}, "reversed": {StateApproved, ReversalQueued},
		"declined": {StateDeclined, ReversalLocal},
	}
	for name, w := range states {
		got, err := j.Get(ctx, want[name])
		require.NoError(t, err, name)
		assert.Equal(t, w.state, got.State, name)
		assert.Equal(t, w.rev, got.Reversal, name)
		byKey, err := j.Lookup(ctx, got.Key)
		require.NoError(t, err, name)
		assert.Equal(t, *got, *byKey, name)
	}
	open, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{want["forwarded"]}, ids(open))
	lost, err := j.Unreversed(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{want["timedOut"]}, ids(lost))
	settled, err := j.Settled(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Equal(t, []int64{want["approved"]}, ids(settled))
	day, err := j.Day(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Len(t, day, len(states))
	depth, err := j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)
	dup := &Write{Kind: WriteInsert, Record: newRecord(j, 1)}
	require.NoError(t, j.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate, "a retransmission is found")
	assert.Equal(t, want["approved"], dup.Duplicate.ID)
}

func TestLogOverlayReads(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	holdLog(t, j)
	ids := logScenario(t, j)
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "nothing applied yet")
	assert.Positive(t, rawCount(t, e, `SELECT COUNT(*) FROM txlog`))
	checkScenario(t, j, ids)
}

func TestLogReplayAfterCrash(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	s := holdLog(t, j)
	ids := logScenario(t, j)
	logged := s.backlog()
	require.NoError(t, j.Close(), "closing with the log held leaves it unapplied")
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`))
	assert.Positive(t, rawCount(t, e, `SELECT COUNT(*) FROM txlog`))
	assert.Equal(t, 5, logged)

	j = openJournal(t, e, "node-a")
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txlog`), "open replays the log")
	assert.Equal(t, 5, rawCount(t, e, `SELECT COUNT(*) FROM txn`))
	checkScenario(t, j, ids)
	// IDs continue after the replayed ones.
	next := insert(t, j, newRecord(j, 50))
	assert.Greater(t, next, ids["declined"])
}

func TestLogCorruptRow(t *testing.T) {
	for _, tc := range []struct {
		name, update string
	}{
		{"flipped byte", `UPDATE txlog SET data = substr(data, 1, 10) || x'FF' || substr(data, 12) WHERE seq = (SELECT MIN(seq) FROM txlog)`},
		{"torn row", `UPDATE txlog SET data = substr(data, 1, length(data) / 2) WHERE seq = (SELECT MAX(seq) FROM txlog)`},
		{"empty row", `UPDATE txlog SET data = x'' WHERE seq = (SELECT MAX(seq) FROM txlog)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sqliteEnv(t)
			j := openJournal(t, e, "node-a")
			holdLog(t, j)
			logScenario(t, j)
			require.NoError(t, j.Close())
			rows := rawCount(t, e, `SELECT COUNT(*) FROM txlog`)
			rawExec(t, e, tc.update)

			_, err := Open(context.Background(), e.url, Options{Node: "node-a", HashKey: testKey()})
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Contains(t, err.Error(), "txlog row")
			assert.Equal(t, rows, rawCount(t, e, `SELECT COUNT(*) FROM txlog`), "nothing is dropped")
			assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "nothing is half applied")
		})
	}
}

func TestLogBackPressure(t *testing.T) {
	e := sqliteEnv(t)
	const bound = 40
	j, err := Open(context.Background(), e.url, Options{Node: "node-a", HashKey: testKey(), MaxBacklog: bound, MaxBatch: 16})
	require.NoError(t, err)
	defer j.Close()
	s := j.b.(*sqliteStore)
	const n = 600
	var wg sync.WaitGroup
	var worst, failed atomic.Int64
	for i := range n {
		wg.Add(1)
		w := &Write{Kind: WriteInsert, Record: newRecord(j, i)}
		j.Submit(w, func(w *Write) {
			if w.Err != nil || w.Record.ID == 0 {
				failed.Add(1)
			}
			b := int64(s.backlog())
			for cur := worst.Load(); b > cur && !worst.CompareAndSwap(cur, b); cur = worst.Load() {
			}
			wg.Done()
		})
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.LessOrEqual(t, worst.Load(), int64(bound+16), "the backlog stays within MaxBacklog plus one batch")
	assert.Positive(t, worst.Load())
	require.NoError(t, j.Close())
	assert.Equal(t, n, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "Close applies the rest")
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txlog`))
}

// TestLogAppliedAndLogged mixes records applied to table txn with later
// changes still in the log: the overlay's image wins over the stale row.
func TestLogAppliedAndLogged(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	s := j.b.(*sqliteStore)
	a := insert(t, j, newRecord(j, 1))
	b := insert(t, j, newRecord(j, 2))
	require.Eventually(t, func() bool { return s.backlog() == 0 }, 5*time.Second, time.Millisecond, "applied when idle")
	assert.Equal(t, 2, rawCount(t, e, `SELECT COUNT(*) FROM txn WHERE state = 'forwarded'`))

	s.hold.Store(true)
	again := &Write{Kind: WriteInsert, Record: newRecord(j, 2)}
	require.NoError(t, j.Do(ctx, again))
	require.NotNil(t, again.Duplicate, "a retransmission of an applied record is found in the table")
	assert.Equal(t, b, again.Duplicate.ID)
	assert.Equal(t, StateForwarded, finish(t, j, a, StateApproved, "00"))
	open, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{b}, ids(open), "the stale forwarded row is not reported")
	assert.Equal(t, StateApproved, finish(t, j, a, StateDeclined, "05"), "Prev comes from the overlay")

	s.hold.Store(false)
	insert(t, j, newRecord(j, 3)) // wakes the committer, which applies when idle again
	require.Eventually(t, func() bool { return s.backlog() == 0 }, 5*time.Second, time.Millisecond)
	got, err := j.Get(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State)
	assert.Equal(t, 1, rawCount(t, e, `SELECT COUNT(*) FROM txn WHERE state = 'approved'`))
}

// TestLogSecondConnection opens a second journal on the file while the
// first holds unapplied records: it sees them (from the log), replays them
// at open, and the first journal notices and keeps going.
func TestLogSecondConnection(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	a := openJournal(t, e, "node-a")
	holdLog(t, a)
	ids := logScenario(t, a)

	b := openJournal(t, e, "node-b")
	checkScenario(t, b, ids)
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txlog`), "b's open applied a's log")

	// a goes on: its overlay is stale, IDs and states come from the table.
	assert.Equal(t, StateForwarded, finish(t, a, ids["forwarded"], StateApproved, "00"))
	next := insert(t, a, newRecord(a, 60))
	assert.Greater(t, next, ids["declined"])
	got, err := b.Get(ctx, ids["forwarded"])
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State, "b reads a's newer log rows")
	_, err = b.Get(ctx, next)
	require.NoError(t, err)
}
