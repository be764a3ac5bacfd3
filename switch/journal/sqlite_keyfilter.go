package journal

import (
	"context"
	"hash/maphash"
)

// keyFilter is a fixed-size Bloom filter over the keys of every record in
// table txn or the log (SQLite). It answers most duplicate checks in
// memory: a key it does not hold is certainly new, so only keys it may
// hold (real retransmissions, and a few false positives) cost a statement.
// Its memory is fixed (keyFilterWords words) whatever the table's size; a
// fuller filter only gives more false positives, never a wrong answer.
// It is blocked: a key's probes all fall in one block of 64 bytes (a cache
// line), so an add or a check costs one cache miss instead of one per
// probe, for a slightly higher false-positive rate.
//
// It is loaded at open (after the log's replay) and rebuilt when another
// connection has changed the database (txView.catchUp); the committer adds
// every key it inserts. A key added by a transaction that then fails stays
// in it: a false positive, harmless. Only the committer (sqliteStore.wmu)
// uses it.
type keyFilter struct {
	seed maphash.Seed
	bits []uint64
}

const (
	keyFilterWords  = 1 << 20 // 8 MiB, 2^26 bits
	keyFilterBlock  = 8       // words in a block
	keyFilterBlocks = keyFilterWords / keyFilterBlock
	keyFilterProbes = 4
)

func newKeyFilter() *keyFilter {
	return &keyFilter{seed: maphash.MakeSeed(), bits: make([]uint64, keyFilterWords)}
}

// block returns the block of the key whose stable hash (column key_hash)
// is kh, and the probes within it, mixed with the filter's seed: 9 bits a
// probe (word and bit in the block).
func (f *keyFilter) block(kh int64) ([]uint64, uint64) {
	h := maphash.Comparable(f.seed, kh)
	i := (h >> 40) % keyFilterBlocks * keyFilterBlock
	return f.bits[i : i+keyFilterBlock : i+keyFilterBlock], h
}

// add records k.
func (f *keyFilter) add(k Key) { f.addHash(keyHash(k)) }

// addHash records the key whose stable hash is kh.
func (f *keyFilter) addHash(kh int64) {
	b, p := f.block(kh)
	for range keyFilterProbes {
		b[p>>6&7] |= 1 << (p & 63)
		p >>= 9
	}
}

// mayHold reports whether k may have been added; false is certain.
func (f *keyFilter) mayHold(k Key) bool {
	b, p := f.block(keyHash(k))
	for range keyFilterProbes {
		if b[p>>6&7]&(1<<(p&63)) == 0 {
			return false
		}
		p >>= 9
	}
	return true
}

// loadKeyFilter builds a filter of every key of table txn read through r.
func loadKeyFilter(ctx context.Context, r runner) (*keyFilter, error) {
	f := newKeyFilter()
	err := r.each(ctx, narrowKeysSQL, nil, func(scan scanFunc) error {
		var kh int64
		if err := scan(&kh); err != nil {
			return err
		}
		f.addHash(kh)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
