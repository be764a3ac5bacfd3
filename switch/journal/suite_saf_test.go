package journal

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSAFLifecycle(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	now := day0()
	orig := insert(t, j, newRecord(j, 1))
	advice := insert(t, j, newRecord(j, 2))
	rev := enqueue(t, j, orig, "0420", now)
	adv := enqueue(t, j, advice, "0220", now.Add(time.Second))
	enqueue(t, j, advice, "0120", now.Add(time.Hour)) // not due yet

	got, err := j.Get(ctx, orig)
	require.NoError(t, err)
	assert.Equal(t, ReversalQueued, got.Reversal, "enqueueing a 0420 marks the original")
	depth, err := j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, depth)

	claimed, err := j.Claim(ctx, now.Add(time.Second), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 2, "only due entries")
	assert.Equal(t, rev, claimed[0].ID)
	assert.Equal(t, adv, claimed[1].ID)
	assert.Equal(t, []byte("opaque-fields"), claimed[0].Message)
	assert.Equal(t, "0420", claimed[0].MTI)
	assert.Equal(t, SAFPending, claimed[0].State)
	assert.Equal(t, now, claimed[0].NextAt)

	// Retry: attempts counted, due again later, lease released.
	require.NoError(t, j.Retry(ctx, adv, now.Add(2*time.Minute)))
	again, err := j.Claim(ctx, now.Add(2*time.Minute), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, again, 2, "the retried entry and the one whose lease ran out")
	assert.Equal(t, adv, again[1].ID)
	assert.Equal(t, 1, again[1].Attempts)

	// Ack of the 0420 settles the original's reversal in the same transaction.
	require.NoError(t, j.Ack(ctx, rev))
	got, err = j.Get(ctx, orig)
	require.NoError(t, err)
	assert.Equal(t, ReversalDone, got.Reversal)
	// Ack of an advice leaves its record alone.
	require.NoError(t, j.Ack(ctx, adv))
	got, err = j.Get(ctx, advice)
	require.NoError(t, err)
	assert.Equal(t, ReversalNone, got.Reversal)

	depth, err = j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)
	require.NoError(t, j.Ack(ctx, rev), "acknowledging twice is harmless")
	require.NoError(t, j.Retry(ctx, rev, now), "retry of a settled entry is a no-op")
	assert.ErrorIs(t, j.Ack(ctx, 9999), ErrNotFound)
	assert.ErrorIs(t, j.Retry(ctx, 9999, now), ErrNotFound)
	_, err = j.Claim(ctx, now, time.Minute, 0)
	assert.ErrorIs(t, err, ErrInvalid)
}

func testSAFExpire(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	now := day0()
	orig := insert(t, j, newRecord(j, 1))
	advice := insert(t, j, newRecord(j, 2))
	enqueue(t, j, orig, "0420", now)   // expires now+24h
	enqueue(t, j, advice, "0220", now) // expires now+24h
	late := &SAFEntry{TxnID: advice, Issuer: "ISS1", MTI: "0120", NextAt: now, ExpiresAt: now.Add(48 * time.Hour)}
	require.NoError(t, j.Do(ctx, &Write{Kind: WriteEnqueue, SAF: late}))

	n, err := j.ExpireSAF(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = j.ExpireSAF(ctx, now.Add(25*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err := j.Get(ctx, orig)
	require.NoError(t, err)
	assert.Equal(t, ReversalExpired, got.Reversal)
	got, err = j.Get(ctx, advice)
	require.NoError(t, err)
	assert.Equal(t, ReversalNone, got.Reversal)

	depth, err := j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)
	claimed, err := j.Claim(ctx, now.Add(25*time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "expired entries are never claimed")
	assert.Equal(t, late.ID, claimed[0].ID)
}

func testUnfinished(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	a := insert(t, j, newRecord(j, 1))
	b := insert(t, j, newRecord(j, 2))
	c := insert(t, j, newRecord(j, 3))
	finish(t, j, b, StateApproved, "00")

	got, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, a, got[0].ID)
	assert.Equal(t, c, got[1].ID)

	got, err = j.Unfinished(ctx, day0().Add(2*time.Millisecond))
	require.NoError(t, err)
	require.Len(t, got, 1, "only records received before the bound")
	assert.Equal(t, a, got[0].ID)
}

func testSettled(t *testing.T, e env) {
	ctx := context.Background()
	j := openJournal(t, e, "node-a")
	mk := func(i int, mti string, date string) int64 {
		r := newRecord(j, i)
		r.MTI, r.BusinessDate = mti, date
		return insert(t, j, r)
	}
	approved := mk(1, "0200", "2025-03-14")
	auth := mk(2, "0100", "2025-03-14")
	adviceOK := mk(3, "0220", "2025-03-14")
	declined := mk(4, "0200", "2025-03-14")
	timedOut := mk(5, "0200", "2025-03-14")
	revQueued := mk(6, "0200", "2025-03-14")
	revDone := mk(7, "0200", "2025-03-14")
	revExpired := mk(8, "0200", "2025-03-14")
	otherDay := mk(9, "0200", "2025-03-15")
	netMgmt := mk(10, "0800", "2025-03-14")
	reversalMsg := mk(11, "0400", "2025-03-14")
	for _, id := range []int64{approved, auth, adviceOK, revQueued, revDone, revExpired, otherDay, netMgmt, reversalMsg} {
		finish(t, j, id, StateApproved, "00")
	}
	finish(t, j, declined, StateDeclined, "51")
	finish(t, j, timedOut, StateTimedOut, "91")
	for id, rs := range map[int64]ReversalState{revQueued: ReversalQueued, revDone: ReversalDone, revExpired: ReversalExpired} {
		require.NoError(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: id, Reversal: rs}))
	}

	settled, err := j.Settled(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Equal(t, []int64{approved, auth, adviceOK, revExpired}, ids(settled))

	day, err := j.Day(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Len(t, day, 10, "every record of the date, none of the next")
	none, err := j.Settled(ctx, "2024-01-01")
	require.NoError(t, err)
	assert.Empty(t, none)
}

// ids returns the IDs of rs in order.
func ids(rs []Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
