package journal

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeyFilter checks the filter's two properties: a key added is always
// held (no false negative), and keys never added are rarely held.
func TestKeyFilter(t *testing.T) {
	f := newKeyFilter()
	key := func(i int, day string) Key { return Key{"0200", "48020000", fmt.Sprintf("%06d", i), day + "101500"} }
	const n = 100000
	for i := range n {
		f.add(key(i, "0314"))
	}
	for i := range n {
		require.True(t, f.mayHold(key(i, "0314")), "key %d was added", i)
	}
	held := 0
	for i := range n {
		if f.mayHold(key(i, "0315")) {
			held++
		}
	}
	assert.Less(t, held, n/1000, "false positives stay rare")
}

// TestKeyFilterSeesOtherWriters checks that a retransmission is found when
// its original was written by an earlier run (the filter is loaded at open)
// or logged by an earlier run that died before applying it (replayed at
// open).
func TestKeyFilterSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	a, err := Open(ctx, e.url, Options{Node: "node-a", HashKey: testKey()})
	require.NoError(t, err)
	first := insert(t, a, newRecord(a, 1))
	require.NoError(t, a.Close())

	b := openJournal(t, e, "node-b")
	dup := &Write{Kind: WriteInsert, Record: newRecord(b, 1)}
	require.NoError(t, b.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate, "the key of an earlier run is found")
	assert.Equal(t, first, dup.Duplicate.ID)

	holdLog(t, b)
	second := insert(t, b, newRecord(b, 2))
	require.NoError(t, b.Close())
	c := openJournal(t, e, "node-c")
	dup = &Write{Kind: WriteInsert, Record: newRecord(c, 2)}
	require.NoError(t, c.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate, "the key an earlier run only logged is found")
	assert.Equal(t, second, dup.Duplicate.ID)
}

// TestKeyHash checks the key hash against the standard library's FNV-1a
// (stored in table txn: it must never change) and its time prefix.
func TestKeyHash(t *testing.T) {
	for _, k := range []Key{{"0200", "48020000", "000123", "0314093000"}, {"0420", "", "9", "bad"}, {}} {
		h := fnv.New64a()
		for _, s := range []string{k.MTI, k.Acquirer, k.STAN, k.TxTime} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		tx, err := strconv.ParseUint(k.TxTime, 10, 31)
		if err != nil {
			tx = 0
		}
		assert.Equal(t, int64(tx<<31|h.Sum64()&(1<<31-1)), keyHash(k), "%+v", k)
	}
}
