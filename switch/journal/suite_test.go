package journal

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runSuite runs the behaviour every backend must have against fresh
// databases made by newEnv.
func runSuite(t *testing.T, newEnv newEnvFunc) {
	tests := []struct {
		name string
		run  func(t *testing.T, e env)
	}{
		{"InsertLookupGet", testInsertLookupGet},
		{"DuplicateSeparateBatches", testDuplicateSeparate},
		{"DuplicateSameBatch", testDuplicateSameBatch},
		{"Finish", testFinish},
		{"ReversalStates", testReversalStates},
		{"InvalidWritesDoNotFailBatch", testInvalidWrites},
		{"SAFLifecycle", testSAFLifecycle},
		{"SAFExpire", testSAFExpire},
		{"Unfinished", testUnfinished},
		{"Unreversed", testUnreversed},
		{"RetryAfterLeaseLost", testRetryAfterLeaseLost},
		{"SettledAndDay", testSettled},
		{"Migrations", testMigrations},
		{"NoClearPAN", testNoClearPAN},
		{"GroupCommit", testGroupCommit},
		{"FollowUpsNeverWait", testFollowUpsNeverWait},
		{"OneReversalPerOriginal", testOneReversalPerOriginal},
		{"CloseCommitsFollowUps", testCloseCommitsFollowUps},
		{"RetryAll", testRetryAll},
		{"CloseFlushesAndRefuses", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newEnv(t))
		})
	}
}

func testInsertLookupGet(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	r := newRecord(j, 1)
	r.ReceivedAt = time.Date(2025, 3, 14, 17, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	id := insert(t, j, r)

	got, err := j.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, *r, *got, "Get returns what was inserted")
	assert.Equal(t, time.UTC, got.ReceivedAt.Location())
	assert.Equal(t, 123456000, got.ReceivedAt.Nanosecond(), "microsecond precision")
	assert.True(t, got.RespondedAt.IsZero())

	byKey, err := j.Lookup(ctx, r.Key)
	require.NoError(t, err)
	assert.Equal(t, *r, *byKey)

	_, err = j.Lookup(ctx, Key{MTI: "0200", Acquirer: "x", STAN: "1", TxTime: "1"})
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = j.Get(ctx, id+1000)
	assert.ErrorIs(t, err, ErrNotFound)
}

func testDuplicateSeparate(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	first := newRecord(j, 7)
	id := insert(t, j, first)

	again := newRecord(j, 7)
	again.Amount = 999999
	w := &Write{Kind: WriteInsert, Record: again}
	require.NoError(t, j.Do(ctx, w))
	require.NotNil(t, w.Duplicate)
	assert.Equal(t, id, w.Duplicate.ID)
	assert.Equal(t, first.Amount, w.Duplicate.Amount, "the stored record, not the new one")
	assert.Zero(t, again.ID, "nothing inserted")

	// A later write in the same batch as a duplicate still commits.
	other := newRecord(j, 8)
	ws := []*Write{{Kind: WriteInsert, Record: newRecord(j, 7)}, {Kind: WriteInsert, Record: other}}
	submitAll(t, j, ws)
	assert.NotNil(t, ws[0].Duplicate)
	assert.NoError(t, ws[1].Err)
	assert.NotZero(t, other.ID)
}

func testDuplicateSameBatch(t *testing.T, e env) {
	j := openJournal(t, e, "node-a")
	a, b := newRecord(j, 3), newRecord(j, 3)
	ws := []*Write{{Kind: WriteInsert, Record: a}, {Kind: WriteInsert, Record: b}}
	submitAll(t, j, ws)
	var inserted, dup *Write
	for _, w := range ws {
		require.NoError(t, w.Err)
		if w.Duplicate != nil {
			dup = w
		} else {
			inserted = w
		}
	}
	require.NotNil(t, inserted, "one of the two is inserted")
	require.NotNil(t, dup, "the other is reported as a duplicate")
	assert.Equal(t, inserted.Record.ID, dup.Duplicate.ID)
	assert.Zero(t, dup.Record.ID)
}

func testFinish(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	id := insert(t, j, newRecord(j, 1))

	assert.Equal(t, StateForwarded, finish(t, j, id, StateApproved, "00"))
	got, err := j.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State)
	assert.Equal(t, "00", got.ResponseCode)
	assert.Equal(t, "A1B2C3", got.AuthID)
	assert.Equal(t, day0().Add(time.Second), got.RespondedAt)

	// Timed out, then a late approval: the record stays timed out.
	late := insert(t, j, newRecord(j, 2))
	assert.Equal(t, StateForwarded, finish(t, j, late, StateTimedOut, "91"))
	assert.Equal(t, StateTimedOut, finish(t, j, late, StateApproved, "00"))
	got, err = j.Get(ctx, late)
	require.NoError(t, err)
	assert.Equal(t, StateTimedOut, got.State)
	assert.Equal(t, "91", got.ResponseCode)

	w := &Write{Kind: WriteFinish, ID: late + 1000, State: StateDeclined, Code: "05"}
	assert.ErrorIs(t, j.Do(ctx, w), ErrNotFound)
}

func testReversalStates(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	id := insert(t, j, newRecord(j, 1))
	for _, rs := range []ReversalState{ReversalQueued, ReversalDone, ReversalExpired, ReversalLocal, ReversalNone} {
		require.NoError(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: id, Reversal: rs}))
		got, err := j.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, rs, got.Reversal)
	}
	assert.ErrorIs(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: id + 99, Reversal: ReversalQueued}), ErrNotFound)
}

func testInvalidWrites(t *testing.T, e env) {
	j := openJournal(t, e, "node-a")
	clearPAN := newRecord(j, 5)
	clearPAN.PANMasked = "6225880123456789"
	good := newRecord(j, 6)
	ws := []*Write{
		{Kind: WriteInsert, Record: clearPAN},
		{Kind: WriteInsert},
		{Kind: WriteFinish, ID: 1, State: StateForwarded},
		{Kind: WriteReversal, ID: 1, Reversal: "bogus"},
		{Kind: WriteEnqueue, SAF: &SAFEntry{TxnID: 1, Issuer: "I", MTI: "0200", ExpiresAt: day0()}},
		{Kind: WriteEnqueue, SAF: &SAFEntry{TxnID: 1, Issuer: "I", MTI: "0420", ExpiresAt: day0(), Message: make([]byte, MaxMessage+1)}},
		{Kind: 42},
		{Kind: WriteInsert, Record: good},
	}
	submitAll(t, j, ws)
	assert.ErrorIs(t, ws[0].Err, ErrSensitive)
	for _, w := range ws[1:7] {
		assert.ErrorIs(t, w.Err, ErrInvalid, w.Kind.String())
	}
	assert.NoError(t, ws[7].Err)
	assert.NotZero(t, good.ID)
	// Enqueue for a record that does not exist is a per-write error.
	w := &Write{Kind: WriteEnqueue, SAF: &SAFEntry{TxnID: good.ID + 50, Issuer: "I", MTI: "0420", ExpiresAt: day0()}}
	assert.ErrorIs(t, j.Do(context.Background(), w), ErrNotFound)
}

// submitAll submits ws back to back (so they tend to share a batch) and
// waits for every done.
func submitAll(t *testing.T, j *Journal, ws []*Write) {
	t.Helper()
	done := make(chan *Write, len(ws))
	for _, w := range ws {
		j.Submit(w, func(w *Write) { done <- w })
	}
	for range ws {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("done not called")
		}
	}
}

// testUnreversed: a timed-out record without a reversal is found until one
// is queued.
func testUnreversed(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	timedOut := insert(t, j, newRecord(j, 1))
	finish(t, j, timedOut, StateTimedOut, "91")
	approved := insert(t, j, newRecord(j, 2))
	finish(t, j, approved, StateApproved, "00")
	insert(t, j, newRecord(j, 3)) // still forwarded

	got, err := j.Unreversed(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, timedOut, got[0].ID)

	require.NoError(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: timedOut, Reversal: ReversalQueued}))
	got, err = j.Unreversed(ctx)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// testRetryAfterLeaseLost: when node A's lease ran out and node B claimed
// the entry, A may no longer send it.
func testRetryAfterLeaseLost(t *testing.T, e env) {
	ctx := context.Background()
	a := openJournal(t, e, "node-a")
	b := openJournal(t, e, "node-b")
	now := day0()
	id := enqueue(t, a, insert(t, a, newRecord(a, 1)), "0120", now)
	claimed, err := a.Claim(ctx, now, time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	claimed, err = b.Claim(ctx, now.Add(2*time.Second), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "A's lease ran out")
	assert.ErrorIs(t, a.Retry(ctx, id, now.Add(time.Minute)), ErrLeaseLost)
	require.NoError(t, b.Retry(ctx, id, now.Add(time.Minute)))
}
