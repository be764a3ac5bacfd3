package journal

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openIDs returns the IDs table txn_open lists and the IDs it should list
// (forwarded, or timed out without a reversal), each in order.
func openIDs(t *testing.T, url string) (listed, want []int64) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer c.Close(ctx)
	read := func(q string) []int64 {
		rows, err := c.Query(ctx, q)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		return out
	}
	return read(`SELECT id FROM txn_open ORDER BY id`),
		read(`SELECT id FROM txn WHERE state = 'forwarded' OR (state = 'timed_out' AND reversal = '') ORDER BY id`)
}

// insertMany journals records first to first+n-1 (newRecord) together and
// returns their writes.
func insertMany(t *testing.T, j *Journal, first, n int) []*Write {
	t.Helper()
	ws := make([]*Write, n)
	for i := range ws {
		ws[i] = &Write{Kind: WriteInsert, Record: newRecord(j, first+i)}
	}
	submitAll(t, j, ws)
	for _, w := range ws {
		require.NoError(t, w.Err)
	}
	return ws
}

// TestPostgresOpenList drives every statement that changes a record's
// state or reversal (set-based inserts and finishes, statement-by-statement
// batches, reversal marks, SAF enqueues, acknowledgements and expiry, late
// answers, duplicates) and checks that txn_open lists exactly the open
// records afterwards.
func TestPostgresOpenList(t *testing.T) {
	ctx := context.Background()
	e := pgEnv(t)
	j := openJournal(t, e, "node-a")
	const n = 120
	ws := insertMany(t, j, 0, n)
	dup := &Write{Kind: WriteInsert, Record: newRecord(j, 0)}
	require.NoError(t, j.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate)

	at := day0().Add(time.Second)
	var fins []*Write
	for i, w := range ws {
		id := w.Record.ID
		switch i % 4 {
		case 0: // stays forwarded
		case 1:
			fins = append(fins, &Write{Kind: WriteFinish, ID: id, State: StateApproved, Code: "00", At: at})
		case 2:
			fins = append(fins, &Write{Kind: WriteFinish, ID: id, State: StateDeclined, Code: "51", At: at})
		case 3:
			fins = append(fins, &Write{Kind: WriteFinish, ID: id, State: StateTimedOut, Code: "91", At: at})
		}
	}
	submitAll(t, j, fins)
	listed, want := openIDs(t, e.url)
	require.Len(t, want, n/2, "forwarded and timed-out records")
	assert.Equal(t, want, listed, "after set-based inserts and finishes")

	// Timed-out records: some get a reversal queued with their SAF entry
	// (a batch of one statement per write), some a reversal state directly,
	// some stay without; a late answer to a timed-out record changes nothing.
	var later []*Write
	var safs []*SAFEntry
	for i, w := range ws {
		id := w.Record.ID
		switch {
		case i%4 == 3 && i%3 == 0:
			e := &SAFEntry{TxnID: id, Issuer: "ISS1", MTI: "0420", Message: []byte("f"),
				NextAt: at, ExpiresAt: at.Add(time.Minute)}
			safs = append(safs, e)
			later = append(later, &Write{Kind: WriteEnqueue, SAF: e})
		case i%4 == 3 && i%3 == 1:
			later = append(later, &Write{Kind: WriteReversal, ID: id, Reversal: ReversalLocal})
		case i%4 == 3:
			later = append(later, &Write{Kind: WriteFinish, ID: id, State: StateApproved, Code: "00", At: at})
		}
	}
	submitAll(t, j, later)
	listed, want = openIDs(t, e.url)
	assert.Equal(t, want, listed, "after reversal marks and SAF enqueues")

	require.NoError(t, j.Ack(ctx, safs[0].ID))
	expired, err := j.ExpireSAF(ctx, at.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, len(safs)-1, expired)
	// The last forwarded records time out now, as recovery does.
	recs, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, recs, n/4)
	finish(t, j, recs[0].ID, StateTimedOut, "91")
	listed, want = openIDs(t, e.url)
	assert.Equal(t, want, listed, "after acknowledgement, expiry and a recovery finish")

	unrev, err := j.Unreversed(ctx)
	require.NoError(t, err)
	assert.Len(t, unrev, len(want)-(n/4-1), "timed out without a reversal")
}

// TestPostgresFinishHeapOnly checks that the hot path's finish statement
// updates rows in place on their pages (heap-only updates, no index
// entries written): no index names a column a finish changes, and the
// table leaves room on its pages.
func TestPostgresFinishHeapOnly(t *testing.T) {
	ctx := context.Background()
	e := pgEnv(t)
	j := openJournal(t, e, "node-a")
	const n = 200
	ws := insertMany(t, j, 0, n)
	fins := make([]*Write, n)
	for i, w := range ws {
		fins[i] = &Write{ID: w.Record.ID, State: StateApproved, Code: "00", AuthID: "A1B2C3", At: day0()}
	}
	c, err := pgx.Connect(ctx, e.url)
	require.NoError(t, err)
	defer c.Close(ctx)
	require.NoError(t, pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, pgFinishSetSQL, finishColumns(fins)...)
		require.NoError(t, err)
		require.EqualValues(t, n, tag.RowsAffected())
		var updated, hot int64
		require.NoError(t, tx.QueryRow(ctx, `SELECT pg_stat_get_xact_tuples_updated('txn'::regclass),
			pg_stat_get_xact_tuples_hot_updated('txn'::regclass)`).Scan(&updated, &hot))
		assert.EqualValues(t, n, updated)
		assert.EqualValues(t, n, hot, "every finish a heap-only update")
		return nil
	}))
	listed, want := openIDs(t, e.url)
	assert.Empty(t, want)
	assert.Equal(t, want, listed)
}

// TestPostgresPlansFollowTable checks that group commits keep using the
// primary key once the table has grown: a statement first run on a
// near-empty table must not keep a plan that scans the whole table (each
// finish would then read every row).
func TestPostgresPlansFollowTable(t *testing.T) {
	ctx := context.Background()
	e := pgEnv(t)
	j := openJournal(t, e, "node-a")
	next := 0
	inserts := func(n int) []*Write {
		next += n
		return insertMany(t, j, next-n, n)
	}
	finishes := func(ws []*Write) {
		fins := make([]*Write, len(ws))
		for i, w := range ws {
			fins[i] = &Write{Kind: WriteFinish, ID: w.Record.ID, State: StateApproved, Code: "00", At: day0()}
		}
		submitAll(t, j, fins)
		for _, w := range fins {
			require.NoError(t, w.Err)
		}
	}
	for range 12 { // group commits on a near-empty table
		finishes(inserts(2))
	}
	var grown []*Write
	for range 20 {
		grown = append(grown, inserts(1000)...)
	}
	const finished = 2000
	for i := 0; i < finished; i += 20 { // then small ones on 20,000 rows
		finishes(grown[i : i+20])
	}
	// A backend reports its statistics when it exits (when idle, only
	// after up to ten seconds).
	require.NoError(t, j.Close())
	c, err := pgx.Connect(ctx, e.url)
	require.NoError(t, err)
	defer c.Close(ctx)
	var read, updated int64
	require.Eventually(t, func() bool {
		require.NoError(t, c.QueryRow(ctx, `SELECT seq_tup_read, n_tup_upd FROM pg_stat_user_tables
			WHERE relid = 'txn'::regclass`).Scan(&read, &updated))
		return updated == 24+finished
	}, 20*time.Second, 50*time.Millisecond)
	t.Logf("rows read by sequential scans of txn: %d", read)
	assert.Less(t, read, int64(len(grown)), "rows read by sequential scans of txn: not one whole scan after it grew")
}
