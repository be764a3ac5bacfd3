package journal

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPostgres(t *testing.T) { runSuite(t, pgEnv) }

// TestPostgresTwoNodesClaim runs two journals ("nodes") on one database
// claiming concurrently: no entry is ever held by both.
func TestPostgresTwoNodesClaim(t *testing.T) {
	ctx := context.Background()
	e := pgEnv(t)
	a, b := openJournal(t, e, "node-a"), openJournal(t, e, "node-b")
	const entries = 400
	txn := insert(t, a, newRecord(a, 1))
	ws := make([]*Write, entries)
	for i := range ws {
		ws[i] = &Write{Kind: WriteEnqueue, SAF: &SAFEntry{TxnID: txn, Issuer: "ISS1", MTI: "0220",
			NextAt: day0(), ExpiresAt: day0().Add(time.Hour)}}
	}
	submitAll(t, a, ws)

	// Round 1: one big concurrent claim per node; the sets are disjoint.
	start := make(chan struct{})
	var wg sync.WaitGroup
	got := make([][]SAFEntry, 2)
	for k, j := range []*Journal{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var err error
			got[k], err = j.Claim(ctx, day0(), time.Hour, 250)
			assert.NoError(t, err)
		}()
	}
	close(start)
	wg.Wait()
	owner := map[int64]string{}
	for k, es := range got {
		for _, e := range es {
			_, dup := owner[e.ID]
			assert.False(t, dup, "entry %d claimed by both nodes", e.ID)
			owner[e.ID] = []string{"node-a", "node-b"}[k]
		}
	}
	assert.Len(t, owner, entries, "together they claimed everything")

	// Round 2: the leases ran out; both nodes claim small batches and
	// acknowledge them, as senders do, until the queue is empty.
	var mu sync.Mutex
	acked := map[int64]string{}
	later := day0().Add(2 * time.Hour)
	for _, j := range []*Journal{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				es, err := j.Claim(ctx, later, time.Hour, 7)
				if !assert.NoError(t, err) || len(es) == 0 {
					return
				}
				mu.Lock()
				for _, e := range es {
					if prev, dup := acked[e.ID]; dup {
						t.Errorf("entry %d sent by %s and %s", e.ID, prev, j.Node())
					}
					acked[e.ID] = j.Node()
				}
				mu.Unlock()
				for _, e := range es {
					assert.NoError(t, j.Ack(ctx, e.ID))
				}
			}
		}()
	}
	wg.Wait()
	assert.Len(t, acked, entries)
	depth, err := a.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Zero(t, depth)
}

// TestPostgresLeaseExpiry shows that a dead node's entries are not
// stranded: once its lease runs out another node claims them, not before.
func TestPostgresLeaseExpiry(t *testing.T) {
	ctx := context.Background()
	e := pgEnv(t)
	a, b := openJournal(t, e, "node-a"), openJournal(t, e, "node-b")
	txn := insert(t, a, newRecord(a, 1))
	id := enqueue(t, a, txn, "0420", day0())

	got, err := a.Claim(ctx, day0(), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NoError(t, a.Close()) // node A dies holding the lease

	got, err = b.Claim(ctx, day0().Add(30*time.Second), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, got, "lease still held by node-a")

	got, err = b.Claim(ctx, day0().Add(time.Minute), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, got, 1, "lease ran out: node-b takes over")
	assert.Equal(t, id, got[0].ID)
	require.NoError(t, b.Ack(ctx, id))
	rec, err := b.Get(ctx, txn)
	require.NoError(t, err)
	assert.Equal(t, ReversalDone, rec.Reversal)
}

// TestPostgresCrossNodeDuplicate inserts the same key from two nodes at
// once: exactly one insert wins, the other sees it as a duplicate.
func TestPostgresCrossNodeDuplicate(t *testing.T) {
	e := pgEnv(t)
	a, b := openJournal(t, e, "node-a"), openJournal(t, e, "node-b")
	const n = 200
	var wg sync.WaitGroup
	results := make([][2]*Write, n)
	for i := range n {
		for k, j := range []*Journal{a, b} {
			wg.Add(1)
			w := &Write{Kind: WriteInsert, Record: newRecord(j, i)}
			results[i][k] = w
			j.Submit(w, func(*Write) { wg.Done() })
		}
	}
	wg.Wait()
	for i, pair := range results {
		require.NoError(t, pair[0].Err)
		require.NoError(t, pair[1].Err)
		inserted := 0
		for _, w := range pair {
			if w.Duplicate == nil {
				inserted++
			} else {
				assert.NotZero(t, w.Duplicate.ID, "key %d", i)
			}
		}
		assert.Equal(t, 1, inserted, "key %d inserted exactly once", i)
	}
}

// TestPostgresPoisonWrite sends a batch in which one write makes
// PostgreSQL abort the whole transaction (a NUL byte in a text column): the
// committer retries the writes one by one, so only that write fails.
func TestPostgresPoisonWrite(t *testing.T) {
	e := pgEnv(t)
	j := openJournal(t, e, "node-a")
	ws := make([]*Write, 20)
	for i := range ws {
		ws[i] = &Write{Kind: WriteInsert, Record: newRecord(j, i)}
	}
	ws[7].Record.Merchant = "M\x00"
	submitAll(t, j, ws)
	for i, w := range ws {
		if i == 7 {
			assert.Error(t, w.Err)
			assert.Zero(t, w.Record.ID)
			continue
		}
		assert.NoError(t, w.Err, "write %d", i)
		assert.NotZero(t, w.Record.ID, "write %d", i)
	}
	assert.NotZero(t, j.Stats().Failed)
}
